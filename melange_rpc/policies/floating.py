"""Rules for floating IPs and NAT links."""

from melange_rpc.policies import base


def list_rules():
    return [base.method_rule(name, base.OWNER_OR_AGENT, description)
            for name, description in (
                ('allocate_floating_ip', 'Allocate a floating IP.'),
                ('release_floating_ip', 'Release a floating IP.'),
                ('associate_floating_ip', 'Associate a floating IP.'),
                ('disassociate_floating_ip', 'Disassociate a floating IP.'),
                ('list_floating_ips', 'List floating IPs.'),
                ('add_inside_globals', 'Link inside-global addresses.'),
                ('list_inside_globals', 'List inside-global addresses.'),
                ('remove_inside_globals', 'Unlink inside-global '
                                          'addresses.'),
                ('add_inside_locals', 'Link inside-local addresses.'),
                ('list_inside_locals', 'List inside-local addresses.'),
                ('remove_inside_locals', 'Unlink inside-local addresses.'))]
