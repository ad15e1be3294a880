"""melange-rpc-dhcp-agent: serves networks through a DHCP driver.

SIGTERM or SIGINT stops it (and the DHCP servers it started); SIGHUP
resyncs every network at once.
"""

import signal
import sys
import threading

from oslo_log import log as logging

from melange_rpc import conf
from melange_rpc import config
from melange_rpc.dhcp import agent as dhcp_agent
from melange_rpc.dhcp import driver as dhcp_driver
from melange_rpc import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def main():
    config.parse_args(sys.argv[1:])
    config.setup_logging()
    CONF.log_opt_values(LOG, logging.DEBUG)
    networks = CONF.dhcp.networks or sorted(CONF.dhcp.interface_mappings)
    if not networks:
        LOG.error('No network to serve: set [dhcp] interface_mappings '
                  '(network_id:interface) or [dhcp] networks')
        return 1
    driver = dhcp_driver.load(CONF.dhcp.driver, CONF)
    agent = dhcp_agent.DhcpAgent(driver, networks, CONF)
    stopping = threading.Event()

    def _stop(signum, frame):
        stopping.set()

    def _resync(signum, frame):
        agent.mark_all()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGHUP, _resync)
    agent.start()
    # Short waits: the signal handlers run in this thread, between them.
    while not stopping.wait(1):
        pass
    LOG.info('Stopping the DHCP agent')
    agent.stop()
    rpc.cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
