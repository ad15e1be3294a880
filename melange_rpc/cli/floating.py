"""floating ip create|list|delete|associate|disassociate."""

from melange_rpc.cli import addresses
from melange_rpc.cli import base

FLOATING = addresses.ADDRESS + ('fixed_ip_id',)


class CreateFloatingIp(base.ShowOne):
    """Allocate a floating IP from a network's public blocks."""

    columns = FLOATING

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('network_id', help='the public network')
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--address', help='this address, if free')
        return parser

    def take_action(self, args):
        return self.show(self.api.allocate_floating_ip(
            self.ctxt, args.network_id, tenant_id=args.tenant_id,
            address=args.address))


class ListFloatingIps(base.Lister):
    """List floating IPs."""

    columns = ('id', 'address', 'tenant_id', 'fixed_ip_id', 'block_id')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--fixed-ip', dest='fixed_ip_id')
        return parser

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_floating_ips(self.ctxt, tenant_id=args.tenant_id,
                                       fixed_ip_id=args.fixed_ip_id,
                                       **page))))


class DeleteFloatingIp(base.Command):
    """Release a floating IP."""

    positional = ('floating_ip_id',)

    def take_action(self, args):
        self.api.release_floating_ip(self.ctxt, args.floating_ip_id)


class AssociateFloatingIp(base.ShowOne):
    """Point a floating IP at a fixed IP (by the fixed IP's id)."""

    columns = FLOATING

    positional = ('floating_ip_id', 'fixed_ip_id')

    def take_action(self, args):
        return self.show(self.api.associate_floating_ip(
            self.ctxt, args.floating_ip_id, args.fixed_ip_id))


class DisassociateFloatingIp(base.ShowOne):
    """Detach a floating IP from its fixed IP."""

    columns = FLOATING

    positional = ('floating_ip_id',)

    def take_action(self, args):
        return self.show(self.api.disassociate_floating_ip(
            self.ctxt, args.floating_ip_id))
