"""SQL for a block's static routes."""

import sqlalchemy as sa

from melange_rpc.db import models
from melange_rpc.db import pagination

Route = models.Route


# Built once: every IpConfig carries its block's routes.
_FOR_BLOCKS = (sa.select(Route.__table__)
               .where(Route.__table__.c.block_id.in_(
                   sa.bindparam('block_ids', expanding=True)))
               .order_by(Route.__table__.c.created_at,
                         Route.__table__.c.id))


def for_blocks(session, has_routes):
    """Routes of several blocks at once: {block_id: [route row, ...]}.

    ``has_routes`` is {block_id: whether it has routes}, as read with the
    blocks (IpBlock.has_routes): blocks without any cost no statement.
    """
    result = {block_id: [] for block_id in has_routes}
    routed = [block_id for block_id, has in has_routes.items() if has]
    if routed:
        found = session.connection().execute(_FOR_BLOCKS,
                                             {'block_ids': routed})
        for route in found:
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
