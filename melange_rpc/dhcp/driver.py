"""The DHCP driver interface, and how the agent loads one.

The agent knows nothing of any DHCP server: it fetches each network's
``get_dhcp_config`` result and hands it to a driver. A deployment plugs in
its own server by registering a ``DhcpDriver`` subclass under the entry
point group ``melange_rpc.dhcp.drivers`` and naming it in
``[dhcp] driver``.
"""

import abc

from oslo_log import log as logging
from stevedore import driver as stevedore_driver

LOG = logging.getLogger(__name__)

NAMESPACE = 'melange_rpc.dhcp.drivers'


class DhcpDriver(abc.ABC):
    """Serves networks with a DHCP server; one instance per agent.

    The agent calls every method from one thread, so a driver needs no
    locking of its own. ``sync`` is called again and again with the same
    configuration (every periodic resync): it must be idempotent and
    cheap when nothing changed, and must not disturb clients then.
    """

    def __init__(self, conf):
        self.conf = conf

    @abc.abstractmethod
    def sync(self, config):
        """Serve one network exactly as ``config`` says.

        ``config`` is a ``get_dhcp_config`` result: ``{network_id,
        subnets: [Block with routes], hosts: [{mac_address, address,
        hostname, interface_id}], version}``.
        """

    @abc.abstractmethod
    def disable(self, network_id):
        """Stop serving a network (unknown to the manager, or dropped);
        a network never served is fine."""

    def interface(self, network_id):
        """The interface serving a network ([dhcp] interface_mappings),
        or None (logged: such a network cannot be served)."""
        interface = self.conf.dhcp.interface_mappings.get(network_id)
        if interface is None:
            LOG.error('Network %s has no interface in [dhcp] '
                      'interface_mappings; not served', network_id)
        return interface

    def check(self):
        """Called about once a second: restart what died, and the like."""

    @abc.abstractmethod
    def stop(self):
        """The agent is exiting: stop every server this driver started."""


def load(name, conf):
    """The driver registered as ``name``, built with ``conf``."""
    manager = stevedore_driver.DriverManager(
        namespace=NAMESPACE, name=name, invoke_on_load=True,
        invoke_args=(conf,))
    return manager.driver
