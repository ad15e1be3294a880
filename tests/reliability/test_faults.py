"""Faults under load: a worker killed, the broker restarted, the database
restarted. Nothing is lost, nothing duplicated, and the service recovers
by itself.

Every test drives a steady load of allocate_ip calls through rpcapi (16
callers in 2 processes, each call with its own idempotency key), faults
one part of the service while the load runs, and checks afterwards that
the addresses stored are exactly the addresses the callers were given.
The figures (calls, failures, duplicates, calls/s before, during and
after the fault, the longest pause) are printed; run with -s to see
them. The broker and the database that are taken down are private nodes
(tests/nodes.py): the machine's own serve the other tests of the run.
"""

import signal
import time
import uuid

import pytest

from melange_rpc import rpcapi
from tests import nodes
from tests.reliability import conftest as reliability
from tests.reliability import load

CALLS = 2400
LOAD = {'processes': 2, 'threads': 8}



def _report(name, outcome, fault_start, fault_end, **extra):
    before, during, after = outcome.rate_around(fault_start, fault_end)
    figures = ', '.join('%s %s' % item for item in extra.items())
    print('\n%s: %d calls, %d failed (%s), %d duplicates; calls/s before '
          '%.0f, during %.0f, after %.0f; longest pause %.1f s; slowest call '
          '%.1f s; fault '
          'lasted %.1f s%s' % (
              name, len(outcome.results) + len(outcome.errors),
              len(outcome.errors), dict(outcome.error_kinds()),
              len(reliability.duplicates(
                  [r['address'] for r in outcome.results])),
              before, during, after, outcome.longest_pause(),
              max(outcome.latencies, default=0),
              fault_end - fault_start, '; ' + figures if figures else ''))



def _block(service):
    tenant = 'tenant-' + uuid.uuid4().hex[:6]
    block = service.api.create_block(service.admin, cidr='10.70.0.0/16',
                                     tenant_id=tenant)
    return block, tenant


def _assert_nothing_lost_or_duplicated(service, block, answered):
    assert reliability.duplicates(answered) == []
    stored = reliability.stored_addresses(service, block['id'])
    # Every address a caller was given is stored, and nothing is stored
    # that no caller was given: no partial call, no leaked retry.
    assert sorted(stored) == sorted(answered)
    assert service.api.get_block_usage(service.admin, block['id'])[
        'allocated'] == len(answered)


def _loaded(service, config, timeout, retries):
    """A block under a steady allocate_ip load (CALLS keyed jobs), once
    300 of them are stored: (block, the load running)."""
    block, tenant = _block(service)
    jobs = reliability.keyed_jobs(CALLS, block_id=block['id'],
                                  tenant_id=tenant)
    background = load.Background(
        config, service.server.topic, reliability.nova(), 'allocate_ip',
        jobs, timeout=timeout, retries=retries, **LOAD)
    reliability.wait_for_rows(service, block['id'], 300)
    return block, background


def test_killing_a_worker_under_load_loses_and_duplicates_nothing(
        exchange, client_config, tmp_path):
    service = reliability.start_service('postgresql', tmp_path, exchange,
                                        'kill', workers=3)
    try:
        # A call the killed worker had taken is lost with it; its caller
        # waits out the timeout and sends it again with the same key.
        block, background = _loaded(service, client_config, timeout=5,
                                    retries=6)
        victim = reliability.workers_of(service.server)[0]
        killed = time.time()
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        # The launcher starts a worker in its place.
        deadline = time.monotonic() + 60
        while len(reliability.workers_of(service.server)) < 3:
            assert time.monotonic() < deadline, 'no worker replaced it'
            time.sleep(0.1)
        replaced = time.time()
        outcome = background.wait(600)
        _report('kill -9 of one of 3 workers', outcome, killed, replaced,
                retried=sum(1 for s in outcome.latencies if s > 5))
        assert outcome.errors == []
        answered = [r['address'] for r in outcome.results]
        assert len(answered) == CALLS
        _assert_nothing_lost_or_duplicated(service, block, answered)
        assert service.server.process.poll() is None
    finally:
        service.server.destroy()


@pytest.fixture
def private_broker(tmp_path):
    node = nodes.RabbitNode('melange-%s' % uuid.uuid4().hex[:8],
                            str(tmp_path))
    node.start()
    yield node
    node.destroy()


def test_restarting_the_broker_under_load_loses_and_duplicates_nothing(
        exchange, private_broker, tmp_path):
    service = reliability.start_service(
        'postgresql', tmp_path, exchange, 'broker', workers=2,
        transport_url=private_broker.url,
        extra={'oslo_messaging_rabbit': {'heartbeat_timeout_threshold': 10}})
    config = reliability.client_config_for(tmp_path, private_broker.url,
                                           exchange)
    try:
        # Calls and replies in the broker when it stops are lost with its
        # queues; callers time out and send them again, same key.
        block, background = _loaded(service, config, timeout=5, retries=12)
        stopped = time.time()
        private_broker.stop()
        time.sleep(3)
        private_broker.start()
        started = time.time()
        outcome = background.wait(900)
        _report('RabbitMQ node stopped for 3 s and started', outcome,
                stopped, started)
        assert outcome.errors == []
        answered = [r['address'] for r in outcome.results]
        assert len(answered) == CALLS
        _assert_nothing_lost_or_duplicated(service, block, answered)
        # The workers reconnected by themselves.
        assert service.api.ping(service.admin)['service'] == 'melange-rpc'
        assert service.server.process.poll() is None
    finally:
        service.server.destroy()


@pytest.fixture
def private_postgres():
    node = nodes.PostgresNode()
    node.create()
    node.start()
    yield node
    node.destroy()


OUTAGE = 15     # seconds: past the manager's own retries (about 8 s)


def test_restarting_the_database_under_load_fails_clearly_and_heals(
        exchange, client_config, private_postgres, tmp_path):
    service = reliability.start_service(
        'postgresql', tmp_path, exchange, 'dbdown', workers=2,
        admin_url=private_postgres.url)
    try:
        # No retries: each call in the outage shows its error.
        block, background = _loaded(service, client_config, timeout=60,
                                    retries=0)
        crashed = time.time()
        # Immediate: the server dies as in a crash, mid-transaction, and
        # recovers from its WAL when it starts.
        private_postgres.stop('immediate')
        time.sleep(OUTAGE)
        private_postgres.start()
        restarted = time.time()
        outcome = background.wait(900)
        _report('PostgreSQL crashed for %d s and restarted' % OUTAGE,
                outcome, crashed, restarted)
        # During the outage calls fail with the API's error for it...
        assert outcome.errors
        assert set(outcome.error_kinds()) == {'ServiceUnavailable_Remote'}
        # ...and afterwards they succeed again.
        assert [t for t in outcome.finished if t > restarted + 1]
        # A call that failed may have committed as the connection broke:
        # sent again with its key, it answers what it did, or does it.
        api = rpcapi.MelangeAPI(topic=service.server.topic, timeout=30)
        resent = [api.allocate_ip(reliability.nova(), **job)['address']
                  for job, _ in outcome.errors]
        answered = [r['address'] for r in outcome.results] + resent
        assert len(answered) == CALLS
        _assert_nothing_lost_or_duplicated(service, block, answered)
        assert service.server.process.poll() is None
    finally:
        service.server.destroy()
