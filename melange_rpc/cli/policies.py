"""policy create|list|show|set|delete, policy range add|delete,
policy octet add|delete: which addresses of a block are never handed out."""

from melange_rpc.cli import base

POLICY = ('id', 'name', 'description', 'tenant_id', 'unusable_ranges',
          'unusable_octets')


class _ShowPolicy(base.ShowOne):
    columns = POLICY


class CreatePolicy(_ShowPolicy):
    """Create an IP policy (attach it with `block set --policy`)."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('name')
        parser.add_argument('--description')
        parser.add_argument('--tenant', dest='tenant_id')
        return parser

    def take_action(self, args):
        return self.show(self.api.create_policy(
            self.ctxt, args.name, description=args.description,
            tenant_id=args.tenant_id))


class ListPolicies(base.Lister):
    """List IP policies."""

    columns = ('id', 'name', 'tenant_id', 'description')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--tenant', dest='tenant_id')
        return parser

    def take_action(self, args):
        return self.table(self.page_through(args, lambda **page: (
            self.api.list_policies(self.ctxt, tenant_id=args.tenant_id,
                                   **page))))


class ShowPolicy(_ShowPolicy):
    """Show a policy with its unusable ranges and octets."""

    positional = ('policy_id',)

    def take_action(self, args):
        return self.show(self.api.get_policy(self.ctxt, args.policy_id))


class SetPolicy(_ShowPolicy):
    """Rename a policy or change its description."""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('policy_id')
        parser.add_argument('--name')
        parser.add_argument('--description')
        return parser

    def take_action(self, args):
        return self.show(self.api.update_policy(
            self.ctxt, args.policy_id, name=args.name,
            description=args.description))


class DeletePolicy(base.Command):
    """Delete a policy (its blocks keep their addresses, lose the policy)."""

    positional = ('policy_id',)

    def take_action(self, args):
        self.api.delete_policy(self.ctxt, args.policy_id)


class AddUnusableRange(base.ShowOne):
    """Make LENGTH addresses from OFFSET (from the block's start) unusable."""

    columns = ('id', 'offset', 'length')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('policy_id')
        parser.add_argument('--offset', type=int, required=True)
        parser.add_argument('--length', type=int, required=True)
        return parser

    def take_action(self, args):
        return self.show(self.api.create_unusable_range(
            self.ctxt, args.policy_id, args.offset, args.length))


class DeleteUnusableRange(base.Command):
    """Delete an unusable range from a policy."""

    positional = ('policy_id', 'range_id')

    def take_action(self, args):
        self.api.delete_unusable_range(self.ctxt, args.policy_id,
                                       args.range_id)


class AddUnusableOctet(base.ShowOne):
    """Make every address whose last octet is OCTET unusable."""

    columns = ('id', 'octet')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('policy_id')
        parser.add_argument('octet', type=int)
        return parser

    def take_action(self, args):
        return self.show(self.api.create_unusable_octet(
            self.ctxt, args.policy_id, args.octet))


class DeleteUnusableOctet(base.Command):
    """Delete an unusable octet from a policy."""

    positional = ('policy_id', 'octet_id')

    def take_action(self, args):
        self.api.delete_unusable_octet(self.ctxt, args.policy_id,
                                       args.octet_id)
