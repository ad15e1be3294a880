"""Rules for MAC ranges and MAC addresses."""

from melange_rpc.policies import base


def list_rules():
    return [
        base.method_rule('create_mac_range', base.ADMIN,
                         'Create a MAC range.'),
        base.method_rule('get_mac_range', base.OWNER_OR_AGENT,
                         'Show a MAC range.'),
        base.method_rule('list_mac_ranges', base.OWNER_OR_AGENT,
                         'List MAC ranges.'),
        base.method_rule('delete_mac_range', base.ADMIN,
                         'Delete an unused MAC range.'),
        base.method_rule('allocate_mac', base.OWNER_OR_AGENT,
                         'Allocate a MAC (for an interface).'),
        base.method_rule('release_mac', base.OWNER_OR_AGENT,
                         'Release a MAC.'),
    ]
