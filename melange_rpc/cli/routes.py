"""route create|list|delete: static routes handed out with a block."""

from melange_rpc.cli import base

ROUTE = ('id', 'block_id', 'destination', 'gateway')


class CreateRoute(base.ShowOne):
    """Add a route to a block's host configuration."""

    columns = ROUTE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('block_id')
        parser.add_argument('--destination', required=True, metavar='CIDR')
        parser.add_argument('--gateway', required=True, metavar='ADDRESS')
        return parser

    def take_action(self, args):
        return self.show(self.api.create_route(
            self.ctxt, args.block_id, args.destination, args.gateway))


class ListRoutes(base.Lister):
    """List a block's routes."""

    columns = ROUTE

    positional = ('block_id',)

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_routes(self.ctxt, args.block_id, **page))))


class DeleteRoute(base.Command):
    """Delete a route of a block."""

    positional = ('block_id', 'route_id')

    def take_action(self, args):
        self.api.delete_route(self.ctxt, args.block_id, args.route_id)
