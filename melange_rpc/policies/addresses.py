"""Rules for addresses and network-level allocation."""

from melange_rpc.policies import base


def list_rules():
    rules = [base.method_rule(name, base.OWNER_OR_AGENT, description)
             for name, description in (
                 ('allocate_ip', 'Allocate an address of a block.'),
                 ('get_ip', 'Show an address.'),
                 ('deallocate_ip', 'Deallocate (retain) an address.'),
                 ('restore_ip', 'Restore a retained address.'),
                 ('list_ips', 'List addresses.'),
                 ('allocate_ips_for_interface',
                  'Allocate an interface\'s addresses from a network.'),
                 ('deallocate_ips_for_interface',
                  'Deallocate an interface\'s addresses in a network.'),
                 ('get_network', 'List the blocks of a network.'))]
    rules.append(base.method_rule(
        'reclaim_deallocated_ips', base.ADMIN,
        'Reclaim retained addresses before the periodic task does.'))
    return rules
