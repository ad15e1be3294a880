"""[DEFAULT] options: where the service listens and keeps its state."""

import os
import socket

from oslo_config import cfg


# Calls a worker runs at once (oslo.messaging's executor_thread_pool_size,
# 64 by its own default). A worker runs Python on one core at a time, a
# call is a short transaction, and calls on one block queue on its row
# lock: past a few threads, each one adds GIL hand-offs, not throughput.
# 4 against 16, side by side on 2 cores: 5-25% more calls/s for most
# methods, none slower (benchmarks/README.md).
EXECUTOR_THREADS = 4
# Messages RabbitMQ hands a worker before it acknowledges earlier ones
# (rabbit_qos_prefetch_count; 0, unlimited, by default): as many as it
# has threads, so that a worker that is busy does not hoard calls that
# an idle one could run.
PREFETCH = EXECUTOR_THREADS


def _default_state_path():
    # Operators expect /var/lib/<service>; a developer running as an
    # ordinary user gets a directory under their home instead.
    if os.geteuid() == 0:
        return '/var/lib/melange-rpc'
    base = os.environ.get('XDG_STATE_HOME',
                          os.path.expanduser('~/.local/state'))
    return os.path.join(base, 'melange-rpc')


opts = [
    cfg.StrOpt('rpc_topic', default='melange',
               help='The RabbitMQ topic the manager consumes RPC calls '
                    'from. Every worker of a deployment uses the same one.'),
    cfg.HostAddressOpt('host', default=socket.gethostname(),
                       sample_default='<hostname>',
                       help='Name of this host, reported by ping and used as '
                            'the RPC server name.'),
    cfg.IntOpt('workers', min=1,
               help='Number of manager processes. Default: one per CPU.'),
    cfg.StrOpt('state_path', default=_default_state_path(),
               sample_default='/var/lib/melange-rpc',
               help='Directory for the embedded SQLite database and other '
                    'state of this host.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
