"""Static routes of a block, handed to hosts with their addresses."""

import uuid

from melange_rpc import exception
from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import addressing
from melange_rpc.ipam import values


def create(session, block, destination, gateway):
    network = addressing.parse_cidr(destination, 'destination')
    hop = addressing.parse_address(gateway, 'gateway')
    if network.version != block.ip_version or hop.version != block.ip_version:
        raise exception.InvalidInput(
            errors={'destination': 'a route of an IPv%d block is IPv%d'
                                   % (block.ip_version, block.ip_version)})
    return db_routes.add(session, id=str(uuid.uuid4()), block_id=block.id,
                         destination=str(network), gateway=str(hop))


def get(session, block, route_id):
    values.string(route_id, 'route_id')
    route = db_routes.get(session, block.id, route_id)
    if route is None:
        raise exception.RouteNotFound(route_id=route_id)
    return route
