"""[notifications]: events about addresses, sent after commit."""

from oslo_config import cfg

group = cfg.OptGroup('notifications', title='Notifications')

opts = [
    cfg.BoolOpt('enabled', default=False,
                help='Send notifications (ip.allocate, ip.deallocate, ...) '
                     'after each committed change. The DHCP agent reacts '
                     'to them within a second; without them it relies on '
                     'its periodic resync. The driver and topics are '
                     '[oslo_messaging_notifications] driver (default here: '
                     'messagingv2) and topics (notifications).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
