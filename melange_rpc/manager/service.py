"""One manager worker: an oslo.messaging RPC server under oslo.service.

The launcher forks the workers first; each builds its own transport and
database engine in ``start()``, so no socket crosses a fork.
"""

import threading

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_service import service

from melange_rpc import conf
from melange_rpc.db import api as db_api
from melange_rpc import manager
from melange_rpc.manager import periodic
from melange_rpc import reports
from melange_rpc import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class ManagerService(service.Service):
    """Consumes ``[DEFAULT] rpc_topic`` and runs the manager's endpoints.

    ``endpoints`` and ``housekeeping`` are for tools that measure the
    frame itself (benchmarks/rpc_throughput.py serves no-op endpoints
    through it); the service proper takes the defaults.
    """

    def __init__(self, endpoints=None, housekeeping=True):
        super().__init__()
        self._endpoints = endpoints
        self._housekeeping = housekeeping
        self._server = None
        self._stopping = threading.Event()
        self._periodic = None

    def start(self):
        super().start()
        reports.setup()
        target = messaging.Target(topic=CONF.rpc_topic, server=CONF.host)
        self._server = rpc.get_server(
            target, self._endpoints or manager.endpoints())
        self._server.start()
        if self._housekeeping:
            self._periodic = periodic.PeriodicTasks(self._stopping)
            self._periodic.start()
        LOG.info('melange-rpc manager consuming topic %s as %s',
                 CONF.rpc_topic, CONF.host)

    def stop(self, graceful=True):
        # stop() stops consuming; wait() lets in-flight calls finish and
        # send their replies before the process exits.
        self._stopping.set()
        if self._server is not None:
            self._server.stop()
            self._server.wait()
            self._server = None
        if self._periodic is not None:
            self._periodic.join(timeout=10)
        db_api.dispose()
        rpc.cleanup()
        super().stop(graceful)
        LOG.info('melange-rpc manager stopped')

    def reset(self):
        # SIGHUP: oslo.config has already re-read the mutable options.
        LOG.info('melange-rpc manager reloaded its configuration')


def launch(workers, manager_service=None):
    """Fork ``workers`` manager processes; return the launcher to wait on."""
    # 'mutate': SIGHUP re-reads the config files and applies the options
    # marked mutable (log levels, retention) without dropping a worker.
    return service.launch(CONF, manager_service or ManagerService(),
                          workers=workers, restart_method='mutate')
