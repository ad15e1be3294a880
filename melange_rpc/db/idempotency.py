"""SQL for stored results of calls made with an idempotency key."""

import datetime

import sqlalchemy as sa

from melange_rpc.db import folded_transactions
from melange_rpc.db import models
from melange_rpc.db import prepared

Key = models.IdempotencyKey
_table = Key.__table__

# Built once: every call that changes state runs _INSERT (and _FIND when
# it may be a repeat), on the session's connection (see
# free_ranges.IntervalSet).
_FIND = sa.select(_table.c.id, _table.c.method, _table.c.request_hash,
                  _table.c.result, _table.c.expires_at).where(
    _table.c.project_id == sa.bindparam('project'),
    _table.c.key == sa.bindparam('idem_key')).execution_options(
    **prepared.PREPARE)
_DELETE = sa.delete(_table).where(_table.c.id == sa.bindparam('record_id'))
# inline(): no RETURNING of the new id, which nothing reads; on
# PostgreSQL the transaction's COMMIT goes with it (folded_transactions).
_INSERT = sa.insert(_table).inline().execution_options(
    **prepared.PREPARE, **folded_transactions.LAST)


def find(session, project_id, key):
    """The live record of ``key`` for ``project_id``, or None.

    An expired record is deleted here, so that the call about to run can
    store its own under the same key (the unique key would refuse it).
    """
    record = session.connection().execute(
        _FIND, {'project': project_id, 'idem_key': key}).first()
    if record is not None and record.expires_at <= models.utcnow():
        session.execute(_DELETE, {'record_id': record.id})
        return None
    return record


def live(session, project_id, key):
    """The live record of ``key`` for ``project_id``, or None; read only."""
    record = session.connection().execute(
        _FIND, {'project': project_id, 'idem_key': key}).first()
    if record is None or record.expires_at <= models.utcnow():
        return None
    return record


def record(session, project_id, key, method, request_hash, result, ttl):
    """Store ``result`` under ``key``: the last statement of the call's
    transaction (db.api.writer's ``last``)."""
    now = models.utcnow()
    session.connection().execute(_INSERT, {
        'project_id': project_id, 'key': key, 'method': method,
        'request_hash': request_hash, 'result': result, 'created_at': now,
        'expires_at': now + datetime.timedelta(seconds=ttl)})


def purge_expired(session, limit=1000):
    """Delete up to ``limit`` expired records; return how many."""
    ids = session.scalars(sa.select(Key.id)
                          .where(Key.expires_at <= models.utcnow())
                          .limit(limit)).all()
    if ids:
        session.execute(sa.delete(Key).where(Key.id.in_(ids)))
    return len(ids)
