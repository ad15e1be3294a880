"""Rules for address discovery (DHCP agents and their lease bridge)."""

from melange_rpc.policies import base


def list_rules():
    return [
        base.method_rule('get_dhcp_config', base.ADMIN_OR_SERVICE,
                         "Read a network's DHCP configuration."),
        base.method_rule('lease_ip', base.ADMIN_OR_SERVICE,
                         'Record a DHCP lease.'),
        base.method_rule('release_ip', base.ADMIN_OR_SERVICE,
                         'Record the end of a DHCP lease.'),
    ]
