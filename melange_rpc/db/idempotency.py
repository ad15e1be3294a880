"""SQL for stored results of calls made with an idempotency key."""

import datetime

import sqlalchemy as sa

from melange_rpc.db import models

Key = models.IdempotencyKey


def find(session, project_id, key):
    """The live record of ``key`` for ``project_id``, or None.

    An expired record is deleted here, so that the call about to run can
    store its own under the same key (the unique key would refuse it).
    """
    record = session.scalars(
        sa.select(Key).where(Key.project_id == project_id,
                             Key.key == key)).first()
    if record is not None and record.expires_at <= models.utcnow():
        session.execute(sa.delete(Key).where(Key.id == record.id))
        return None
    return record


def record(session, project_id, key, method, request_hash, result, ttl):
    now = models.utcnow()
    session.execute(sa.insert(Key).values(
        project_id=project_id, key=key, method=method,
        request_hash=request_hash, result=result, created_at=now,
        expires_at=now + datetime.timedelta(seconds=ttl)))


def purge_expired(session, limit=1000):
    """Delete up to ``limit`` expired records; return how many."""
    ids = session.scalars(sa.select(Key.id)
                          .where(Key.expires_at <= models.utcnow())
                          .limit(limit)).all()
    if ids:
        session.execute(sa.delete(Key).where(Key.id.in_(ids)))
    return len(ids)
