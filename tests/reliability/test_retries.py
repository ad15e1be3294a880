"""A caller whose reply is lost sends the call again with the same
idempotency key (rpcapi does) and gets what the first attempt did.

Replies are lost in two ways here: the workers are frozen (SIGSTOP) so
that the first attempts time out in the queue and all of them run once
the workers thaw; or the first attempt commits after its caller stopped
waiting (a PostgreSQL trigger holds its transaction for 3 s).
"""

import signal
import threading
import time

import sqlalchemy as sa

from melange_rpc import rpcapi
from tests.reliability import conftest as reliability


def _impatient(service, timeout=1, retries=5):
    return rpcapi.MelangeAPI(topic=service.server.topic, timeout=timeout,
                             retries=retries)


def _frozen_for(service, seconds):
    """Freeze the server's processes now; thaw them in ``seconds``."""
    processes = reliability.workers_of(service.server)
    service.server.signal(signal.SIGSTOP)
    for process in processes:
        process.send_signal(signal.SIGSTOP)

    def thaw():
        for process in processes:
            process.send_signal(signal.SIGCONT)
        service.server.signal(signal.SIGCONT)
    timer = threading.Timer(seconds, thaw)
    timer.start()
    return timer


def test_a_retry_after_a_lost_reply_returns_the_same_address(own_server):
    tenant = own_server.tenant()
    block = own_server.api.create_block(tenant, cidr='10.50.0.0/24')
    timer = _frozen_for(own_server, 2.5)
    try:
        ip = _impatient(own_server).allocate_ip(tenant, block['id'])
    finally:
        timer.join()
    time.sleep(1)   # let the late duplicates run too
    assert reliability.stored_addresses(own_server, block['id']) == [
        ip['address']]


_SLOW_FIRST_COMMIT = [
    'CREATE TABLE slowed (id integer)',
    '''CREATE FUNCTION slow_first_commit() RETURNS trigger AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM slowed) THEN
           INSERT INTO slowed VALUES (1);
           PERFORM pg_sleep(3);
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql''',
    # The idempotency record is the call's last statement before COMMIT.
    '''CREATE TRIGGER slow_first_commit BEFORE INSERT ON idempotency_keys
       FOR EACH ROW EXECUTE FUNCTION slow_first_commit()''',
]


def test_a_first_attempt_that_commits_after_its_caller_gave_up(own_server):
    tenant = own_server.tenant()
    block = own_server.api.create_block(tenant, cidr='10.52.0.0/24')
    with own_server.server.engine.begin() as conn:
        for statement in _SLOW_FIRST_COMMIT:
            conn.execute(sa.text(statement))
    started = time.monotonic()
    ip = _impatient(own_server, timeout=2).allocate_ip(tenant, block['id'])
    took = time.monotonic() - started
    # The first attempt timed out after 2 s and was sent again; the
    # retry queued on the block until the first committed, then found
    # its record under the key.
    assert took > 2
    assert reliability.stored_addresses(own_server, block['id']) == [
        ip['address']]
    usage = own_server.api.get_block_usage(own_server.admin, block['id'])
    assert usage['allocated'] == 1


def test_a_deallocation_repeated_after_a_timeout_is_harmless(own_server):
    tenant = own_server.tenant()
    block = own_server.api.create_block(tenant, cidr='10.53.0.0/24')
    ip = own_server.api.allocate_ip(tenant, block['id'])
    timer = _frozen_for(own_server, 2.5)
    try:
        gone = _impatient(own_server).deallocate_ip(tenant, block['id'],
                                                    ip['address'])
    finally:
        timer.join()
    time.sleep(1)   # let the late duplicates run too
    assert gone['state'] == 'deallocated'
    again = own_server.api.get_ip(tenant, block['id'], ip['address'])
    # Retained once, and the retention clock was not restarted.
    assert again['deallocated_at'] == gone['deallocated_at']
    usage = own_server.api.get_block_usage(own_server.admin, block['id'])
    assert (usage['allocated'], usage['deallocated']) == (0, 1)
