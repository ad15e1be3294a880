"""SQL for a block's static routes."""

import sqlalchemy as sa

from melange_rpc.db import models
from melange_rpc.db import pagination

Route = models.Route


def for_blocks(session, block_ids):
    """Routes of several blocks at once: {block_id: [Route, ...]}."""
    result = {block_id: [] for block_id in block_ids}
    if not result:
        return result
    rows = session.scalars(
        sa.select(Route).where(Route.block_id.in_(list(result)))
        .order_by(Route.created_at, Route.id))
    for route in rows:
        result[route.block_id].append(route)
    return result


def add(session, **values):
    route = Route(**values)
    session.add(route)
    session.flush()
    return route


def get(session, block_id, route_id):
    return session.scalars(sa.select(Route).where(
        Route.id == route_id, Route.block_id == block_id)).first()


def list_page(session, block_id, limit=None, marker=None):
    query = sa.select(Route).where(Route.block_id == block_id)
    return pagination.by_creation(session, query, Route, limit, marker)


def delete(session, route):
    session.delete(route)
    session.flush()
