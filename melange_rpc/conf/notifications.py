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
    cfg.IntOpt('usage_warn_percent', default=80, min=0, max=100,
               help='Send block.usage.warn when an allocation brings a '
                    'block to this share (percent) of its usable addresses '
                    'allocated or retained; 0 sends none. Sent once, at '
                    'the crossing: an allocation after the block has gone '
                    'under the mark and back sends it again.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
