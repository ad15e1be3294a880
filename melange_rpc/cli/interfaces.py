"""interface create|list|show|delete: VIFs (ports) with their MAC."""

from melange_rpc.cli import addresses
from melange_rpc.cli import base

INTERFACE = ('id', 'device_id', 'tenant_id', 'mac_address', 'network_id',
             'ip_addresses', 'created_at')


class _ShowInterface(base.ShowOne):
    columns = INTERFACE

    def show(self, item):
        item = dict(item)
        item['ip_addresses'] = [ip['address']
                                for ip in item.get('ip_addresses', [])]
        return super().show(item)


class CreateInterface(_ShowInterface):
    """Create an interface; without --mac it gets one from the MAC ranges."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--id', dest='interface_id',
                            help='its id (default: a new UUID)')
        parser.add_argument('--device', dest='device_id')
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--mac', dest='mac_address')
        parser.add_argument('--network', dest='network_id',
                            help='allocate its addresses in this network')
        parser.add_argument('--address', dest='addresses', action='append',
                            help='this address in the network (repeat)')
        return parser

    def take_action(self, args):
        return self.show(self.api.create_interface(
            self.ctxt, interface_id=args.interface_id,
            device_id=args.device_id, tenant_id=args.tenant_id,
            mac_address=args.mac_address, network_id=args.network_id,
            addresses=args.addresses))


class ListInterfaces(base.Lister):
    """List interfaces."""

    columns = ('id', 'device_id', 'tenant_id', 'mac_address', 'network_id')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--device', dest='device_id')
        parser.add_argument('--tenant', dest='tenant_id')
        return parser

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_interfaces(self.ctxt, device_id=args.device_id,
                                     tenant_id=args.tenant_id, **page))))


class ShowInterface(_ShowInterface):
    """Show an interface and its addresses."""

    positional = ('interface_id',)

    def take_action(self, args):
        return self.show(self.api.get_interface(self.ctxt,
                                                args.interface_id))


class DeleteInterface(base.Command):
    """Delete an interface: its addresses are deallocated, its MAC freed."""

    positional = ('interface_id',)

    def take_action(self, args):
        self.api.delete_interface(self.ctxt, args.interface_id)


class ListInterfaceIps(base.Lister):
    """List an interface's addresses with their host configuration."""

    columns = ('address', 'block_id', 'gateway', 'netmask',
               'dns_nameservers', 'routes')
    paged = False

    positional = ('interface_id',)

    def take_action(self, args):
        interface = self.api.get_interface(self.ctxt, args.interface_id)
        return self.table(addresses.flat_config(ip)
                          for ip in interface['ip_addresses'])
