"""Rules for interfaces and allowed addresses."""

from melange_rpc.policies import base


def list_rules():
    return [base.method_rule(name, base.OWNER_OR_AGENT, description)
            for name, description in (
                ('create_interface', 'Create an interface (VIF).'),
                ('get_interface', 'Show an interface.'),
                ('list_interfaces', 'List interfaces.'),
                ('delete_interface', 'Delete an interface, its addresses '
                                     'and MAC.'),
                ('add_allowed_ip', 'Allow an address on an interface.'),
                ('list_allowed_ips', 'List an interface\'s allowed '
                                     'addresses.'),
                ('remove_allowed_ip', 'Disallow an address.'))]
