"""[ipam]: address retention and request de-duplication."""

from oslo_config import cfg

group = cfg.OptGroup('ipam', title='IP address management')

opts = [
    cfg.IntOpt('deallocated_ip_retention', default=172800, min=0,
               mutable=True,
               help='Seconds a deallocated address stays reserved (and can '
                    'be restored) before it is reclaimed.'),
    cfg.IntOpt('reclaim_interval', default=300, min=0,
               help='Seconds between runs of the periodic task that '
                    'reclaims deallocated addresses past their retention. '
                    '0 disables the task.'),
    cfg.IntOpt('idempotency_ttl', default=86400, min=1, mutable=True,
               help='Seconds the result of a call made with an '
                    'idempotency_key is kept; a repeat within this time '
                    'returns the same result and changes nothing.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
