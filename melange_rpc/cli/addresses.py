"""ip allocate|list|show|release|restore|reclaim."""

from melange_rpc.cli import base

ADDRESS = ('id', 'address', 'ip_version', 'block_id', 'network_id',
           'interface_id', 'tenant_id', 'device_id', 'mac_address', 'state',
           'deallocated_at', 'leased', 'leased_at', 'created_at',
           'updated_at')
# What a host is configured with (IpConfig's block), after the address.
CONFIG = ADDRESS + ('gateway', 'netmask', 'broadcast', 'dns_nameservers',
                    'dhcp_options', 'routes')
ADDRESS_ROW = ('address', 'block_id', 'interface_id', 'device_id',
               'tenant_id', 'mac_address', 'state')


def flat_config(ip_config):
    """An IpConfig as one level: the block's host settings beside the
    address."""
    item = dict(ip_config)
    block = item.pop('block', None) or {}
    for key in CONFIG[len(ADDRESS):]:
        item[key] = block.get(key)
    return item


class _ShowConfig(base.ShowOne):
    columns = CONFIG

    def show(self, item):
        return super().show(flat_config(item))


class AllocateIp(_ShowConfig):
    """Allocate an address from a block: the next free one, or ADDRESS."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('block_id')
        parser.add_argument('--address', help='this address, if free')
        parser.add_argument('--interface', dest='interface_id',
                            help='interface (VIF) it is for; created if new')
        parser.add_argument('--tenant', dest='tenant_id',
                            help='lessee (admins and services only)')
        parser.add_argument('--device', dest='device_id')
        parser.add_argument('--mac', dest='mac_address')
        return parser

    def take_action(self, args):
        return self.show(self.api.allocate_ip(
            self.ctxt, args.block_id, interface_id=args.interface_id,
            address=args.address, tenant_id=args.tenant_id,
            device_id=args.device_id, mac_address=args.mac_address))


class ShowIp(_ShowConfig):
    """Show an address of a block with its host configuration."""

    positional = ('block_id', 'address')

    def take_action(self, args):
        return self.show(self.api.get_ip(self.ctxt, args.block_id,
                                         args.address))


class ListIps(base.Lister):
    """List addresses, in address order."""

    columns = ADDRESS_ROW

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--block', dest='block_id')
        parser.add_argument('--interface', dest='interface_id')
        parser.add_argument('--device', dest='device_id')
        parser.add_argument('--network', dest='network_id')
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--state', default='allocated',
                            choices=('allocated', 'deallocated', 'all'))
        return parser

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_ips(self.ctxt, block_id=args.block_id,
                              interface_id=args.interface_id,
                              device_id=args.device_id,
                              network_id=args.network_id,
                              tenant_id=args.tenant_id, state=args.state,
                              **page))))


class ReleaseIp(base.ShowOne):
    """Deallocate an address (retained, then reclaimed; see `ip restore`)."""

    columns = ADDRESS

    positional = ('block_id', 'address')

    def take_action(self, args):
        return self.show(self.api.deallocate_ip(self.ctxt, args.block_id,
                                                args.address))


class RestoreIp(base.ShowOne):
    """Give a deallocated, still retained address back to its lessee."""

    columns = ADDRESS

    positional = ('block_id', 'address')

    def take_action(self, args):
        return self.show(self.api.restore_ip(self.ctxt, args.block_id,
                                             args.address))


class ReclaimIps(base.Command):
    """Free deallocated addresses retained longer than --older-than."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--older-than', type=int, metavar='SECONDS',
                            help='default: [ipam] deallocated_ip_retention')
        return parser

    def take_action(self, args):
        result = self.api.reclaim_deallocated_ips(
            self.ctxt, older_than=args.older_than)
        self.app.stdout.write('Reclaimed %d addresses\n' % result['reclaimed'])
