"""Client options: [upgrade_levels] and [rpcapi]."""

from oslo_config import cfg

upgrade_group = cfg.OptGroup(
    'upgrade_levels',
    help='Version caps for RPC messages, for rolling upgrades: pin callers '
         'to the oldest manager version still running.')

upgrade_opts = [
    cfg.StrOpt('melange',
               help='Highest melange RPC API version callers send '
                    '(e.g. "1.0"). Default: no cap.'),
]

client_group = cfg.OptGroup('rpcapi', title='melange RPC client')

client_opts = [
    cfg.IntOpt('call_timeout', min=1,
               help='Seconds a call waits for its reply. Default: '
                    '[DEFAULT] rpc_response_timeout.'),
    cfg.IntOpt('call_retries', default=2, min=0,
               help='How many times a call that timed out, or that the '
                    'manager answered with ServiceUnavailable (database '
                    'unreachable), is sent again. State-changing calls '
                    'carry the same idempotency key on every attempt, so a '
                    'retry never acts twice.'),
    cfg.FloatOpt('retry_interval', default=1.0, min=0,
                 help='Seconds to wait before sending again a call the '
                      'manager answered with ServiceUnavailable; doubled '
                      'at each further attempt.'),
]


def register_opts(conf):
    conf.register_group(upgrade_group)
    conf.register_opts(upgrade_opts, group=upgrade_group)
    conf.register_group(client_group)
    conf.register_opts(client_opts, group=client_group)


def list_opts():
    return {upgrade_group: upgrade_opts, client_group: client_opts}
