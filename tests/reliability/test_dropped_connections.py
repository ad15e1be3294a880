"""Pooled database connections that the server dropped.

Connections are checked out without a "SELECT 1" first (db.api: no
pre-ping). When the database ends them while they sit in a worker's pool
(a restart, a failover, an operator's kill), the next call's first
statement fails on one; SQLAlchemy then drops the whole pool and the call
is retried on a fresh connection: the caller sees an answer, never the
error.
"""

import pytest
import sqlalchemy as sa

from tests.reliability import conftest as reliability

# How each server ends every session of one database but the asker's.
_KILL_OTHERS = {
    'postgresql': ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE datname = current_database() "
                   "AND pid <> pg_backend_pid()"),
    'mysql': ("SELECT id FROM information_schema.processlist "
              "WHERE db = DATABASE() AND id <> CONNECTION_ID()"),
}


def _drop_pooled_connections(service):
    backend = service.backend
    with service.server.engine.connect() as conn:
        killed = conn.execute(sa.text(_KILL_OTHERS[backend])).all()
        if backend == 'mysql':
            for (session_id,) in killed:
                conn.execute(sa.text('KILL %d' % session_id))
    return len(killed)


@pytest.fixture(params=['postgresql', 'mysql'])
def service(request, exchange, tmp_path):
    service = reliability.start_service(request.param, tmp_path, exchange,
                                        'dropped', workers=1)
    yield service
    service.server.destroy()


def test_reads_and_writes_heal_after_the_pool_is_dropped(service):
    tenant = service.tenant()
    api = service.api.with_timeout(30)
    block = api.create_block(tenant, cidr='10.61.0.0/24')
    first = api.allocate_ip(tenant, block['id'])
    for _ in range(3):
        # Several pooled connections, then all of them ended.
        assert api.get_block(tenant, block['id'])['id'] == block['id']
        assert _drop_pooled_connections(service) >= 1
        assert api.get_ip(tenant, block['id'], first['address'])[
            'address'] == first['address']
        assert _drop_pooled_connections(service) >= 1
        ip = api.allocate_ip(tenant, block['id'])
        assert ip['address'] != first['address']
    listed = api.list_ips(tenant, block_id=block['id'])['items']
    assert len(listed) == 4
    assert not reliability.duplicates([i['address'] for i in listed])
