"""The DHCP agent against a real manager, with a driver that records what
it is told: it follows notifications within a second, heals missed events
by its periodic resync, and outlives a manager restart."""

import random
import threading
import time
import uuid

import kombu
import pytest

from melange_rpc import conf
from melange_rpc.dhcp import agent as dhcp_agent
from melange_rpc.dhcp import driver
from tests.functional import conftest
from tests.functional import helpers
from tests import server as server_fixture
from tests import services

CONF = conf.CONF


class RecordingDriver(driver.DhcpDriver):
    """Keeps the last configuration of each network."""

    def __init__(self, conf):
        super().__init__(conf)
        self.configs = {}
        self.disabled = set()
        self.changed = threading.Condition()

    def sync(self, config):
        with self.changed:
            self.configs[config['network_id']] = config
            self.changed.notify_all()

    def disable(self, network_id):
        self.disabled.add(network_id)

    def stop(self):
        pass

    def wait_for(self, network_id, check, timeout):
        """Seconds until ``check(config)`` held (AssertionError after
        ``timeout``)."""
        started = time.monotonic()
        deadline = started + timeout
        with self.changed:
            while True:
                config = self.configs.get(network_id)
                if config is not None and check(config):
                    return time.monotonic() - started
                left = deadline - time.monotonic()
                assert left > 0, 'not synced in %ss: %s' % (timeout, config)
                self.changed.wait(left)


def _macs(config):
    return {host['mac_address'] for host in config['hosts']}


def _mac():
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randbytes(3))


@pytest.fixture
def notifying(exchange, tmp_path):
    """A manager of the test's own that sends notifications."""
    server = server_fixture.Server(
        'sqlite', str(tmp_path), exchange, workers=1, name='dhcpagent',
        extra={'notifications': {'enabled': 'true'}})
    with conftest.running(server) as service:
        yield service


def _run_agent(melange, networks, resync_interval):
    pool = 'melange-test-dhcp-' + uuid.uuid4().hex[:8]
    overrides = {'resync_interval': resync_interval, 'retry_interval': 1,
                 'notification_pool': pool}
    for name, value in overrides.items():
        CONF.set_override(name, value, group='dhcp')
    recorder = RecordingDriver(CONF)
    agent = dhcp_agent.DhcpAgent(recorder, networks, CONF,
                                 api=melange.api.with_timeout(3))
    agent.start()
    return agent, recorder, pool


@pytest.fixture
def agents():
    """Start agents; stop them and drop their notification queues."""
    started = []

    def start(melange, networks, resync_interval=3600):
        agent, recorder, pool = _run_agent(melange, networks,
                                           resync_interval)
        started.append((agent, pool))
        return agent, recorder

    yield start
    for agent, pool in started:
        agent.stop()
        url = 'amqp' + services.RABBIT_URL[len('rabbit'):]
        with kombu.Connection(url) as connection:
            connection.default_channel.queue_delete(pool)
    for name in ('resync_interval', 'retry_interval', 'notification_pool'):
        CONF.clear_override(name, group='dhcp')


def _network(melange, cidr):
    net = helpers.network_id()
    block = melange.api.create_block(melange.admin, cidr=cidr,
                                     network_id=net)
    return net, block


def _allocate(melange, net, mac):
    vif = helpers.interface_id()
    melange.api.create_interface(melange.admin, interface_id=vif,
                                 mac_address=mac, network_id=net)
    return melange.api.allocate_ips_for_interface(
        melange.admin, network_id=net, interface_id=vif)


def _started(agent, recorder, net):
    recorder.wait_for(net, lambda config: True, 30)
    deadline = time.monotonic() + 30
    # Events sent before the listener's queue exists are not delivered.
    while agent._listener is None:
        assert time.monotonic() < deadline, 'the listener never started'
        time.sleep(0.05)


def test_the_agent_follows_allocation_and_deallocation_within_a_second(
        notifying, agents):
    net, block = _network(notifying, '10.170.0.0/24')
    agent, recorder = agents(notifying, [net])
    _started(agent, recorder, net)
    mac = _mac()
    [ip] = _allocate(notifying, net, mac)
    assert recorder.wait_for(net, lambda c: mac in _macs(c), 1.0) < 1.0
    notifying.api.deallocate_ip(notifying.admin, block['id'],
                                ip['address'])
    assert recorder.wait_for(net, lambda c: mac not in _macs(c),
                             1.0) < 1.0


def test_events_of_other_networks_are_ignored(notifying, agents):
    net, _ = _network(notifying, '10.170.1.0/24')
    other, _ = _network(notifying, '10.170.2.0/24')
    agent, recorder = agents(notifying, [net])
    _started(agent, recorder, net)
    _allocate(notifying, other, _mac())
    time.sleep(1)
    assert set(recorder.configs) == {net}


def test_the_periodic_resync_heals_a_missed_event(melange, agents):
    # This manager sends no notifications: every event is "missed".
    net, _ = _network(melange, '10.170.3.0/24')
    agent, recorder = agents(melange, [net], resync_interval=2)
    recorder.wait_for(net, lambda config: True, 30)
    mac = _mac()
    _allocate(melange, net, mac)
    recorder.wait_for(net, lambda c: mac in _macs(c), 10)


def test_a_network_without_blocks_is_disabled(melange, agents):
    net = helpers.network_id()
    agent, recorder = agents(melange, [net])
    deadline = time.monotonic() + 30
    while net not in recorder.disabled:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_the_agent_outlives_a_manager_restart(notifying, agents):
    net, _ = _network(notifying, '10.170.4.0/24')
    agent, recorder = agents(notifying, [net], resync_interval=1)
    _started(agent, recorder, net)
    notifying.server.stop()
    # Resyncs fail while it is away; the agent keeps trying.
    time.sleep(3)
    assert agent._worker.is_alive()
    notifying.server.start()
    notifying.server.wait_ready(notifying.api, notifying.admin)
    mac = _mac()
    _allocate(notifying, net, mac)
    recorder.wait_for(net, lambda c: mac in _macs(c), 15)
