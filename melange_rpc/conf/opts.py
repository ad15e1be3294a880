"""Entry point for oslo-config-generator (``oslo.config.opts``)."""

from melange_rpc.conf import database
from melange_rpc.conf import default
from melange_rpc.conf import dhcp
from melange_rpc.conf import ipam
from melange_rpc.conf import notifications
from melange_rpc.conf import rpcapi


def list_opts():
    groups = {}
    for module in (database, default, dhcp, ipam, notifications, rpcapi):
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return list(groups.items())


def update_defaults():
    """oslo-config-generator's ``oslo.config.opts.defaults`` hook: the
    libraries' options with the defaults melange-rpc gives them at run
    time (rpc.set_defaults, conf.database), so the sample says what a
    server really does with an option left out."""
    # Imported here: the generator calls this before listing anything.
    from oslo_config import cfg
    from oslo_db import options as db_options
    from oslo_messaging._drivers import impl_rabbit
    from oslo_messaging import server as messaging_server
    from oslo_messaging import transport as messaging_transport

    from melange_rpc.conf import database
    from melange_rpc.conf import default
    from melange_rpc import rpc

    cfg.set_defaults(messaging_transport._transport_opts,
                     transport_url=rpc.DEFAULT_TRANSPORT_URL,
                     control_exchange='melange')
    cfg.set_defaults(messaging_server._pool_opts,
                     executor_thread_pool_size=default.EXECUTOR_THREADS)
    cfg.set_defaults(impl_rabbit.rabbit_opts,
                     rabbit_qos_prefetch_count=default.PREFETCH)
    cfg.set_defaults(db_options.database_opts,
                     connection=database.DEFAULT_CONNECTION,
                     max_pool_size=default.EXECUTOR_THREADS,
                     max_overflow=default.EXECUTOR_THREADS // 2)
