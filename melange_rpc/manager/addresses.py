"""RPC methods on addresses, one block or one network at a time."""

from melange_rpc import conf
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import addresses
from melange_rpc.ipam import blocks
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import network
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy
from melange_rpc.manager import views

CONF = conf.CONF


def ip_configs(session, rows):
    """IpConfig dicts for address rows, with their blocks' routes."""
    routes = db_routes.for_blocks(
        session, {row.block_id: row.block.has_routes for row in rows})
    return [views.ip_config(row, routes[row.block_id]) for row in rows]


class AddressEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def allocate_ip(self, ctxt, session, block_id, interface_id=None,
                    address=None, tenant_id=None, device_id=None,
                    mac_address=None):
        lessee = tenancy.acting_tenant(ctxt, tenant_id)
        scope = tenancy.scope(ctxt)
        # Locked now: the allocation needs the lock, and this read is then
        # the only one of the block (and its count, where it can be).
        block = blocks.lock_for_allocation(session, block_id, scope)
        interface = None
        if interface_id is not None:
            interface = interfaces.get_or_create(
                session, interface_id, lessee, device_id=device_id,
                mac_address=mac_address, scope=scope,
                network_id=block.network_id)
        row = addresses.allocate(session, block, lessee, interface=interface,
                                 address=address, mac_address=mac_address,
                                 device_id=device_id)
        events.ip(ctxt, 'ip.allocate', row)
        return ip_configs(session, [row])[0]

    @dispatch.rpc_method()
    def get_ip(self, ctxt, session, block_id, address):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        return ip_configs(session,
                          [addresses.get(session, block, address)])[0]

    @dispatch.rpc_method(write=True, idempotent=True)
    def deallocate_ip(self, ctxt, session, block_id, address):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        row = addresses.get(session, block, address, lock=True)
        if row.deallocated_at is None:
            events.ip(ctxt, 'ip.deallocate', row)
        return views.address(addresses.deallocate(session, row))

    @dispatch.rpc_method(write=True, idempotent=True)
    def restore_ip(self, ctxt, session, block_id, address):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        row = addresses.get(session, block, address, lock=True)
        if row.deallocated_at is not None:
            events.ip(ctxt, 'ip.allocate', row)
        return views.address(addresses.restore(session, row))

    @dispatch.rpc_method()
    def list_ips(self, ctxt, session, block_id=None, interface_id=None,
                 device_id=None, network_id=None, tenant_id=None,
                 state='allocated', limit=None, marker=None):
        db_addresses.validate_state(state)
        scope = tenancy.scope(ctxt)
        filters = {'block_id': block_id, 'interface_id': interface_id,
                   'device_id': device_id, 'network_id': network_id,
                   'tenant_id': tenant_id}
        if scope is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
            if block_id is not None:
                blocks.get(session, block_id, scope)
            else:
                filters['owner_or_lessee'] = scope
        rows, next_marker = db_addresses.list_page(
            session, filters, state=state, limit=limit, marker=marker)
        return views.page(rows, next_marker, views.listed_address)

    @dispatch.rpc_method(write=True, idempotent=True)
    def allocate_ips_for_interface(self, ctxt, session, network_id,
                                   interface_id, tenant_id=None,
                                   device_id=None, mac_address=None,
                                   addresses=None):
        lessee = tenancy.acting_tenant(ctxt, tenant_id)
        scope = tenancy.scope(ctxt)
        # The network first: another tenant's network is not found before
        # anything about the interface is said.
        found = network.blocks_of(session, network_id, scope)
        interface = interfaces.get_or_create(
            session, interface_id, lessee, device_id=device_id,
            mac_address=mac_address, scope=scope, network_id=network_id)
        rows = network.allocate_for_interface(
            session, network_id, interface, lessee, scope=scope,
            addresses_wanted=addresses, found=found)
        for row in rows:
            events.ip(ctxt, 'ip.allocate', row)
        return ip_configs(session, rows)

    @dispatch.rpc_method(write=True, idempotent=True)
    def deallocate_ips_for_interface(self, ctxt, session, network_id,
                                     interface_id):
        interface = interfaces.get(session, interface_id,
                                   tenancy.scope(ctxt), lock=True)
        rows = network.deallocate_for_interface(session, network_id,
                                                interface)
        for row in rows:
            events.ip(ctxt, 'ip.deallocate', row)
        return [views.address(row) for row in rows]

    @dispatch.rpc_method()
    def get_network(self, ctxt, session, network_id, tenant_id=None):
        if tenancy.scope(ctxt) is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
        found = network.blocks_of(session, network_id, tenancy.scope(ctxt),
                                  tenant_id=tenant_id)
        return [views.block(block) for block in found]

    @dispatch.rpc_method(write=True)
    def reclaim_deallocated_ips(self, ctxt, session, older_than=None):
        if older_than is None:
            older_than = CONF.ipam.deallocated_ip_retention
        reclaimed = addresses.reclaim(session, older_than)
        events.reclaimed(ctxt, reclaimed)
        return {'reclaimed': reclaimed}
