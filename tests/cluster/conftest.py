"""Cluster fixtures: a 3-node RabbitMQ cluster of the test's own, two
worker "hosts" on one PostgreSQL database, and callers that know every
node.

The cluster is private (tests/nodes.py RabbitCluster: own node names,
ports and data, loopback only) and is torn down when the test ends,
passed or failed; the machine's own RabbitMQ is not used at all. Without
RabbitMQ on the machine the test is skipped, except in CI (CI=true),
where a cluster that does not start is a failure.
"""

import dataclasses
import os
import time

import psutil
import pytest

from melange_rpc import conf
from melange_rpc import rpc
from tests import nodes
from tests import server as server_fixture
from tests import services
from tests.reliability import conftest as reliability

CONF = conf.CONF

# What a clustered deployment sets, callers and servers alike. Quorum
# queues for the topic queues (replicated: they outlive a node) and for
# the transient ones too, so that a caller's reply queue is not lost
# with the node it was declared on. Heartbeats find a node that vanished
# without closing its connections (a crash, a cut link) within ~10 s.
RABBIT = {
    'rabbit_quorum_queue': True,
    'rabbit_transient_quorum_queue': True,
    'heartbeat_timeout_threshold': 10,
    'heartbeat_rate': 2,
}


def _in_ci():
    return os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def _start_or_skip(cluster):
    try:
        if not os.path.exists(os.path.join(nodes.RABBIT_BIN,
                                           'rabbitmq-server')):
            raise RuntimeError('RabbitMQ is not installed in %s'
                               % nodes.RABBIT_BIN)
        cluster.start()
    except Exception as exc:
        cluster.destroy()
        if _in_ci():
            raise
        pytest.skip('no RabbitMQ cluster on this machine: %s' % exc)


@pytest.fixture(autouse=True)
def no_stray_callers():
    """A test that fails while its load runs must not leave the load's
    caller processes calling a cluster that is gone: they would retry
    every call for a minute, and pytest would wait for them at exit."""
    yield
    for child in psutil.Process().children(recursive=True):
        try:
            if 'multiprocessing.spawn' in ' '.join(child.cmdline()):
                child.kill()
        except psutil.NoSuchProcess:
            pass      # ended by itself meanwhile


@pytest.fixture
def cluster(tmp_path):
    """Three RabbitMQ nodes joined into one cluster, destroyed at the end
    however the test went."""
    cluster = nodes.RabbitCluster(str(tmp_path / 'rabbit'))
    _start_or_skip(cluster)
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def exchange():
    return services.run_name('exchange', 'cluster')


@pytest.fixture
def caller_config(cluster, exchange, tmp_path):
    """The config file of a caller of the cluster (every node listed),
    for the load's caller processes; this process is made such a caller
    too, for the test only."""
    path = server_fixture.write_config(
        str(tmp_path / 'caller.conf'),
        DEFAULT={'transport_url': cluster.url, 'control_exchange': exchange},
        oslo_messaging_rabbit=RABBIT)
    # With quorum queues the topic exchange is durable: a caller without
    # them could not even declare it. Overrides, not a parse of the
    # file: other tests of this process keep their configuration.
    rpc.set_defaults()          # registers the driver's options
    overrides = [(name, 'oslo_messaging_rabbit') for name in RABBIT]
    for name, group in overrides:
        CONF.set_override(name, RABBIT[name], group=group)
    CONF.set_override('control_exchange', exchange)
    try:
        yield path
    finally:
        CONF.clear_override('control_exchange')
        for name, group in overrides:
            CONF.clear_override(name, group=group)
        # rpc keeps one transport per URL; this one's broker is gone.
        transport = rpc._TRANSPORTS.pop(cluster.url, None)
        if transport is not None:
            transport.cleanup()


@dataclasses.dataclass
class Hosts:
    """Two melange-rpc-servers ("hosts") on one database and topic, and
    the first one's Melange (api, admin, the database's engine)."""

    service: object
    servers: list

    @property
    def server(self):
        return self.service.server

    @property
    def api(self):
        return self.service.api

    @property
    def admin(self):
        return self.service.admin

    @property
    def topic(self):
        return self.server.topic

    def worker_pids(self):
        return {worker.pid for server in self.servers
                for worker in reliability.workers_of(server)}


def _options(**default):
    # debug: the manager logs (only) each repeat it answers from a key's
    # stored result, which the test counts.
    return {'DEFAULT': dict(default, debug=True),
            'oslo_messaging_rabbit': RABBIT}


def _first_host(tmpdir, exchange, cluster):
    return reliability.start_service(
        'postgresql', tmpdir, exchange, 'host1', workers=1,
        transport_url=cluster.url, extra=_options())


def _other_host(number, tmpdir, exchange, cluster, first):
    """Another host's server: its own process group and ``host``, the
    first one's topic and database."""
    extra = _options(rpc_topic=first.topic)
    extra['database'] = {'connection': first.database.url}
    server = server_fixture.Server(
        'postgresql', tmpdir, exchange, workers=1, name='host%d' % number,
        transport_url=cluster.url, extra=extra)
    server.topic = first.topic
    return server


def _topic_consumers(cluster, topic):
    """How many consumers the topic's queue has, as the cluster says."""
    return sum(queue['consumers']
               for queue in cluster.query('list_queues', 'name', 'consumers')
               if queue['name'] == topic)


def _wait_for_consumers(cluster, topic, count, timeout=120):
    deadline = time.monotonic() + timeout
    while _topic_consumers(cluster, topic) != count:
        if time.monotonic() > deadline:
            raise AssertionError('the topic queue has %d consumers, not %d'
                                 % (_topic_consumers(cluster, topic), count))
        time.sleep(0.5)


@pytest.fixture
def hosts(cluster, caller_config, exchange, tmp_path):
    service = _first_host(str(tmp_path), exchange, cluster)
    servers = [service.server]
    try:
        servers.append(_other_host(2, str(tmp_path), exchange, cluster,
                                   service.server))
        servers[-1].start()
        # Ready means both hosts consume the topic, not just the first.
        _wait_for_consumers(cluster, service.server.topic, len(servers))
        yield Hosts(service, servers)
    finally:
        # The first host's destroy drops the database: the others first.
        for server in reversed(servers):
            server.destroy()
