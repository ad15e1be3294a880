"""The server process: SIGTERM and SIGHUP."""

import concurrent.futures
import signal
import threading
import time

import oslo_messaging as messaging
import pytest
import sqlalchemy as sa

from melange_rpc import rpcapi
from tests.functional import conftest
from tests import server as server_fixture


@pytest.fixture
def own_server(exchange, tmp_path):
    """A server of this test's own (PostgreSQL, 2 workers) to signal."""
    server = server_fixture.Server('postgresql', str(tmp_path), exchange,
                                   name='own')
    with conftest.running(server) as service:
        yield service


def _allocated(service, block_id):
    with service.server.engine.connect() as conn:
        return conn.execute(sa.text(
            'SELECT address FROM ip_addresses WHERE block_id = :b'),
            {'b': block_id}).scalars().all()


def test_sigterm_finishes_calls_in_flight_and_loses_nothing(own_server):
    tenant = own_server.tenant()
    block = own_server.api.create_block(tenant, cidr='10.51.0.0/16')
    api = rpcapi.MelangeAPI(topic=own_server.server.topic, timeout=5,
                            retries=0)
    answered, stop = [], threading.Event()

    def caller():
        while not stop.is_set():
            try:
                answered.append(api.allocate_ip(tenant, block['id'])
                                ['address'])
            except messaging.MessagingTimeout:
                return

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(8):
            pool.submit(caller)
        time.sleep(1.5)
        own_server.server.signal(signal.SIGTERM)
        own_server.server.process.wait(30)
        stop.set()
    assert own_server.server.process.returncode == 0
    assert len(answered) > 8
    # Every answered allocation is stored, and nothing was stored that a
    # caller was not told about.
    assert sorted(_allocated(own_server, block['id'])) == sorted(answered)


def test_sighup_reloads_and_keeps_serving(own_server):
    tenant = own_server.tenant()
    own_server.server.signal(signal.SIGHUP)
    time.sleep(2)
    assert own_server.server.process.poll() is None
    assert own_server.api.ping(tenant)['host'] == 'test-own'
