"""Marker pagination: ``{"items": [...], "next_marker": ...}``."""

import sqlalchemy as sa

from melange_rpc import exception

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def clamp_limit(limit):
    if limit is None:
        return DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise exception.InvalidInput(errors={'limit': 'must be an integer'})
    if limit < 1:
        raise exception.InvalidInput(errors={'limit': 'must be at least 1'})
    return min(limit, MAX_LIMIT)


def unknown_marker(marker):
    return exception.InvalidInput(
        errors={'marker': 'unknown marker %r' % (marker,)})


def page(session, query, limit, next_marker_of):
    """One page of ``query``'s objects; one more tells whether another
    follows."""
    return _cut(session.scalars(query.limit(limit + 1)).unique().all(),
                limit, next_marker_of)


def page_of_rows(session, query, limit, next_marker_of):
    """One page of ``query``'s rows (a select of columns, not objects)."""
    rows = session.connection().execute(query.limit(limit + 1)).all()
    return _cut(rows, limit, next_marker_of)


def _cut(rows, limit, next_marker_of):
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (next_marker_of(rows[-1]) if more else None)


def by_creation(session, query, model, limit, marker):
    """A page of ``model`` rows in (created_at, id) order after ``marker``."""
    limit = clamp_limit(limit)
    if marker is not None:
        if not isinstance(marker, str):
            raise exception.InvalidInput(errors={'marker': 'must be an id'})
        # The marker must be a row of this very listing: another
        # tenant's id is as unknown as a made-up one.
        seen = session.execute(
            query.with_only_columns(model.created_at, model.id)
            .where(model.id == marker)).first()
        if seen is None:
            raise unknown_marker(marker)
        query = query.where(sa.or_(
            model.created_at > seen.created_at,
            sa.and_(model.created_at == seen.created_at,
                    model.id > seen.id)))
    query = query.order_by(model.created_at, model.id)
    return page(session, query, limit, lambda row: row.id)
