"""SQL for stored results of calls made with an idempotency key."""

import datetime

import sqlalchemy as sa

from melange_rpc.db import models

Key = models.IdempotencyKey


def find(session, project_id, key):
    """The live record of ``key`` for ``project_id``, or None."""
    return session.scalars(
        sa.select(Key).where(Key.project_id == project_id, Key.key == key,
                             Key.expires_at > models.utcnow())).first()


def record(session, project_id, key, method, request_hash, result, ttl):
    now = models.utcnow()
    # An expired record of the same key would block the unique key.
    session.execute(sa.delete(Key).where(Key.project_id == project_id,
                                         Key.key == key,
                                         Key.expires_at <= now))
    session.add(Key(project_id=project_id, key=key, method=method,
                    request_hash=request_hash, result=result,
                    created_at=now,
                    expires_at=now + datetime.timedelta(seconds=ttl)))
    session.flush()


def purge_expired(session, limit=1000):
    """Delete up to ``limit`` expired records; return how many."""
    ids = session.scalars(sa.select(Key.id)
                          .where(Key.expires_at <= models.utcnow())
                          .limit(limit)).all()
    if ids:
        session.execute(sa.delete(Key).where(Key.id.in_(ids)))
    return len(ids)
