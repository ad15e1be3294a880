"""block create|list|show|set|delete, subnet create|list."""

from melange_rpc.cli import base

BLOCK = ('id', 'name', 'cidr', 'ip_version', 'type', 'tenant_id',
         'network_id', 'parent_id', 'policy_id', 'gateway', 'netmask',
         'broadcast', 'dns_nameservers', 'dhcp_options', 'ipv6_address_mode',
         'allocatable', 'max_allocation', 'created_at', 'updated_at')
BLOCK_ROW = ('id', 'cidr', 'type', 'tenant_id', 'network_id', 'name',
             'gateway')


def _add_placement(parser):
    parser.add_argument('--tenant', dest='tenant_id',
                        help='owner (admins and services only)')
    parser.add_argument('--network', dest='network_id',
                        help='network the block belongs to')
    parser.add_argument('--name')
    parser.add_argument('--gateway', help='gateway address')


def _add_host_settings(parser, replacing=''):
    parser.add_argument('--dns', dest='dns_nameservers',
                        action='append', metavar='ADDRESS',
                        help='DNS server, repeat for more' + replacing)
    parser.add_argument('--dhcp-option', dest='dhcp_options',
                        action='append', metavar='NAME=VALUE',
                        help='e.g. mtu=1450, ntp-server=10.0.0.5' + replacing)


class CreateBlock(base.ShowOne):
    """Create a block of addresses (a subnet of a network)."""

    columns = BLOCK

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('cidr', help='e.g. 10.0.0.0/24 or fd00::/64')
        parser.add_argument('--type', choices=('private', 'public'),
                            default='private',
                            help='public blocks hold floating IPs')
        _add_placement(parser)
        _add_host_settings(parser)
        parser.add_argument('--policy', dest='policy_id')
        parser.add_argument('--ipv6-address-mode',
                            choices=('slaac', 'dhcpv6-stateful'))
        parser.add_argument('--max-allocation', type=int, metavar='N')
        parser.add_argument('--not-allocatable', dest='allocatable',
                            action='store_false',
                            help='hand out no addresses from it (yet)')
        return parser

    def take_action(self, args):
        return self.show(self.api.create_block(
            self.ctxt, args.cidr, type=args.type, tenant_id=args.tenant_id,
            network_id=args.network_id, name=args.name,
            gateway=args.gateway, dns_nameservers=args.dns_nameservers,
            dhcp_options=base.key_values(args.dhcp_options, '--dhcp-option')
            or None,
            policy_id=args.policy_id,
            ipv6_address_mode=args.ipv6_address_mode,
            allocatable=args.allocatable,
            max_allocation=args.max_allocation))


class ListBlocks(base.Lister):
    """List blocks, in creation order."""

    columns = BLOCK_ROW

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--type', choices=('private', 'public'))
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--network', dest='network_id')
        parser.add_argument('--parent', dest='parent_id',
                            help='only the subnets of this block')
        return parser

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_blocks(self.ctxt, type=args.type,
                                 tenant_id=args.tenant_id,
                                 network_id=args.network_id,
                                 parent_id=args.parent_id, **page))))


class ShowBlock(base.ShowOne):
    """Show a block."""

    columns = BLOCK

    positional = ('block_id',)

    def take_action(self, args):
        return self.show(self.api.get_block(self.ctxt, args.block_id))


class SetBlock(base.ShowOne):
    """Change a block's name, network, gateway, DNS, policy or limits."""

    columns = BLOCK

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('block_id')
        parser.add_argument('--name')
        parser.add_argument('--network', dest='network_id')
        parser.add_argument('--gateway')
        _add_host_settings(parser, ' (replaces them all)')
        policy = parser.add_mutually_exclusive_group()
        policy.add_argument('--policy', dest='policy_id')
        policy.add_argument('--no-policy', action='store_true')
        allocatable = parser.add_mutually_exclusive_group()
        allocatable.add_argument('--allocatable', dest='allocatable',
                                 action='store_true', default=None)
        allocatable.add_argument('--not-allocatable', dest='allocatable',
                                 action='store_false')
        limit = parser.add_mutually_exclusive_group()
        limit.add_argument('--max-allocation', type=int, metavar='N')
        limit.add_argument('--no-max-allocation', action='store_true')
        return parser

    def take_action(self, args):
        unset = base.UNSET
        changes = {
            'name': args.name, 'network_id': args.network_id,
            'gateway': args.gateway,
            'dns_nameservers': args.dns_nameservers,
            'dhcp_options': (base.key_values(args.dhcp_options,
                                             '--dhcp-option')
                             if args.dhcp_options else None),
            'policy_id': None if args.no_policy else args.policy_id,
            'allocatable': args.allocatable,
            'max_allocation': (None if args.no_max_allocation
                               else args.max_allocation)}
        named = {'policy_id': args.no_policy,
                 'max_allocation': args.no_max_allocation}
        # Only what the operator named changes: None stays "not given"
        # unless a --no-... option asked for null.
        given = {k: v for k, v in changes.items()
                 if v is not None or named.get(k)}
        return self.show(self.api.update_block(
            self.ctxt, args.block_id, **{k: given.get(k, unset)
                                         for k in changes}))


class DeleteBlock(base.Command):
    """Delete a block with its subnets, routes and (with --force)
    addresses."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('block_id')
        parser.add_argument('--force', action='store_true',
                            help='even while addresses are allocated')
        return parser

    def take_action(self, args):
        self.api.delete_block(self.ctxt, args.block_id, force=args.force)


class CreateSubnet(base.ShowOne):
    """Carve a subnet out of a block (by CIDR or by prefix length)."""

    columns = BLOCK

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('parent_id', help='the block to divide')
        size = parser.add_mutually_exclusive_group(required=True)
        size.add_argument('--cidr')
        size.add_argument('--prefixlen', type=int,
                          help='the lowest free prefix of this length')
        _add_placement(parser)
        return parser

    def take_action(self, args):
        return self.show(self.api.create_subnet(
            self.ctxt, args.parent_id, cidr=args.cidr,
            prefixlen=args.prefixlen, tenant_id=args.tenant_id,
            network_id=args.network_id, name=args.name,
            gateway=args.gateway))


class ListSubnets(base.Lister):
    """List the subnets of a block."""

    columns = BLOCK_ROW

    positional = ('parent_id',)

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_subnets(self.ctxt, args.parent_id, **page))))
