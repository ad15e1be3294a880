"""RPC methods for address discovery: DHCP configuration and lease events."""

from oslo_log import log as logging

from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import dhcp
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import views

LOG = logging.getLogger(__name__)


class DhcpEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method()
    def get_dhcp_config(self, ctxt, session, network_id):
        return dhcp.config(session, network_id, views.block,
                           lambda ids: db_routes.for_blocks(session, ids))

    @dispatch.rpc_method(write=True, idempotent=True)
    def lease_ip(self, ctxt, session, network_id, address, mac_address,
                 hostname=None):
        if dhcp.lease(session, network_id, address, mac_address,
                      hostname) is None:
            LOG.info('Lease of %s to %s in %s matches no allocation; '
                     'ignored', address, mac_address, network_id)

    @dispatch.rpc_method(write=True, idempotent=True)
    def release_ip(self, ctxt, session, network_id, address, mac_address):
        if dhcp.release(session, network_id, address, mac_address) is None:
            LOG.info('Release of %s by %s in %s matches no allocation; '
                     'ignored', address, mac_address, network_id)
