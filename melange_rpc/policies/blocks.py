"""Rules for blocks, subnets, policies and routes."""

from melange_rpc.policies import base

OWN = base.OWNER_OR_AGENT

CREATE_PUBLIC_BLOCK = 'melange:create_public_block'


def list_rules():
    rules = [base.method_rule(name, OWN, description) for name, description
             in (('create_block', 'Create a block.'),
                 ('create_subnet', 'Carve a subnet out of a block.'),
                 ('get_block', 'Show a block.'),
                 ('list_blocks', 'List blocks.'),
                 ('list_subnets', 'List the subnets of a block.'),
                 ('update_block', 'Change a block\'s mutable fields.'),
                 ('delete_block', 'Delete a block and its subnets.'),
                 ('get_block_usage', 'Show a block\'s usage figures.'),
                 ('create_policy', 'Create a policy.'),
                 ('get_policy', 'Show a policy.'),
                 ('list_policies', 'List policies.'),
                 ('update_policy', 'Rename or describe a policy.'),
                 ('delete_policy', 'Delete a policy (detaches it).'),
                 ('create_unusable_range', 'Add an unusable range.'),
                 ('delete_unusable_range', 'Remove an unusable range.'),
                 ('create_unusable_octet', 'Add an unusable octet.'),
                 ('delete_unusable_octet', 'Remove an unusable octet.'),
                 ('create_route', 'Add a route to a block.'),
                 ('list_routes', 'List a block\'s routes.'),
                 ('delete_route', 'Remove a route.'))]
    rules.append(base.method_rule(
        'create_public_block', base.ADMIN,
        'Create a public block (public space is shared by all tenants).'))
    return rules
