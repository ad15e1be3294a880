"""melange-rpc-server: the manager workers under an oslo.service launcher."""

import os
import sys

from oslo_log import log as logging

from melange_rpc import conf
from melange_rpc import config
from melange_rpc import reports
from melange_rpc.manager import service

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def main():
    config.parse_args(sys.argv[1:])
    config.setup_logging()
    config.ensure_state_path()
    reports.setup()
    workers = CONF.workers or os.cpu_count() or 1
    # Secret options (transport_url, [database] connection) are masked.
    CONF.log_opt_values(LOG, logging.DEBUG)
    LOG.info('Starting melange-rpc-server with %d workers on topic %s',
             workers, CONF.rpc_topic)
    return service.launch(workers).wait()


if __name__ == '__main__':
    sys.exit(main())
