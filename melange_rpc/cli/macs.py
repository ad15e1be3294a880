"""mac range create|list|show|delete: where interface MACs come from."""

from melange_rpc.cli import base

MAC_RANGE = ('id', 'cidr', 'size', 'allocated', 'created_at')


class CreateMacRange(base.ShowOne):
    """Add a MAC range, e.g. fa:16:3e:00:00:00/24 (admin)."""

    columns = MAC_RANGE

    positional = ('cidr',)

    def take_action(self, args):
        return self.show(self.api.create_mac_range(self.ctxt, args.cidr))


class ListMacRanges(base.Lister):
    """List MAC ranges with how many MACs each has handed out."""

    columns = MAC_RANGE

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_mac_ranges(self.ctxt, **page))))


class ShowMacRange(base.ShowOne):
    """Show a MAC range."""

    columns = MAC_RANGE

    positional = ('mac_range_id',)

    def take_action(self, args):
        return self.show(self.api.get_mac_range(self.ctxt,
                                                args.mac_range_id))


class DeleteMacRange(base.Command):
    """Delete a MAC range that has no MACs allocated."""

    positional = ('mac_range_id',)

    def take_action(self, args):
        self.api.delete_mac_range(self.ctxt, args.mac_range_id)
