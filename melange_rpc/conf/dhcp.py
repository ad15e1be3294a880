"""[dhcp]: the DHCP agent, its driver and the lease bridge."""

import os

from oslo_config import cfg

group = cfg.OptGroup('dhcp', title='DHCP agent')

opts = [
    cfg.StrOpt('driver', default='dnsmasq',
               help='DHCP server driver, by its name in the entry point '
                    'group melange_rpc.dhcp.drivers (dnsmasq, kea, or a '
                    'deployment\'s own).'),
    cfg.DictOpt('interface_mappings', default={},
                help='network_id:interface pairs: the interface on which '
                     'each network is served, e.g. '
                     '"net-1:tap0,net-2:eth1".'),
    cfg.ListOpt('networks', default=[],
                help='Networks this agent serves. Default: every network '
                     'of interface_mappings.'),
    cfg.StrOpt('state_path',
               sample_default='/var/lib/melange-rpc/dhcp',
               help='Directory for the generated hosts, options and lease '
                    'files and the pid files. Default: dhcp under '
                    '[DEFAULT] state_path. dnsmasq re-reads its files '
                    'after dropping privileges, so every directory on the '
                    'way must be traversable by its user.'),
    cfg.IntOpt('resync_interval', default=60, min=1,
               help='Seconds between two full resyncs of every network. '
                    'Notifications trigger a resync of one network within '
                    'a second; the periodic one heals missed events.'),
    cfg.IntOpt('retry_interval', default=2, min=1,
               help='Seconds before a resync that failed (manager or '
                    'broker unreachable) is tried again.'),
    cfg.StrOpt('project_id', default='melange-dhcp',
               help='Project of the service-role context the agent and '
                    'the lease bridge use to call the manager.'),
    cfg.IntOpt('lease_duration', default=86400, min=120,
               help='Lease time in seconds handed to DHCP clients.'),
    cfg.StrOpt('notification_pool',
               help='Pool name of the agent\'s notification listener. '
                    'Each pool receives every event, so agents must not '
                    'share one. Default: melange-rpc-dhcp-agent.<host>.'),
    cfg.StrOpt('dnsmasq_command', default='dnsmasq',
               help='The dnsmasq binary (dnsmasq driver).'),
    cfg.StrOpt('dhcpbridge_command',
               help='Path of melange-rpc-dhcpbridge, which dnsmasq runs as '
                    'its --dhcp-script. Default: the one installed beside '
                    'the agent\'s Python interpreter.'),
    cfg.BoolOpt('dnsmasq_log_dhcp', default=False,
                help='Pass --log-dhcp to dnsmasq: log every DHCP exchange '
                     'to dnsmasq.log in the network\'s state directory.'),
    cfg.ListOpt('kea_reload_command', default=[],
                help='Command (arguments) the kea driver runs after writing '
                     'a network\'s kea-dhcp4 configuration, e.g. "keactrl,'
                     'reload". {network_id} and {config_file} are '
                     'replaced. Default: none (write the file only).'),
]


def state_path(conf):
    """[dhcp] state_path, or its default under [DEFAULT] state_path (a
    "$state_path" default would name the group's own option)."""
    return conf.dhcp.state_path or os.path.join(conf.state_path, 'dhcp')


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
