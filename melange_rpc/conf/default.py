"""[DEFAULT] options: where the service listens and keeps its state."""

import os
import socket

from oslo_config import cfg


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
