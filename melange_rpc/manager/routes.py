"""RPC methods on a block's static routes."""

from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import blocks
from melange_rpc.ipam import routes
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import tenancy
from melange_rpc.manager import views


class RouteEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_route(self, ctxt, session, block_id, destination, gateway):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        return views.route(routes.create(session, block, destination,
                                         gateway))

    @dispatch.rpc_method()
    def list_routes(self, ctxt, session, block_id, limit=None,
                    marker=None):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        rows, next_marker = db_routes.list_page(session, block.id, limit,
                                                marker)
        return views.page(rows, next_marker, views.route)

    @dispatch.rpc_method(write=True)
    def delete_route(self, ctxt, session, block_id, route_id):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        db_routes.delete(session, routes.get(session, block, route_id))
