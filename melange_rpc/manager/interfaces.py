"""RPC methods on interfaces, their MACs and allowed addresses."""

from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import interfaces as db_interfaces
from melange_rpc.ipam import addresses
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import network
from melange_rpc import manager
from melange_rpc.manager import addresses as address_methods
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy
from melange_rpc.manager import views


def interface_view(session, interface):
    rows = db_addresses.of_interface(session, interface.id)
    return views.interface(interface,
                           address_methods.ip_configs(session, rows))


class InterfaceEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_interface(self, ctxt, session, interface_id=None,
                         device_id=None, tenant_id=None, mac_address=None,
                         network_id=None, addresses=None):
        lessee = tenancy.acting_tenant(ctxt, tenant_id)
        interface = interfaces.create(session, lessee, interface_id,
                                      device_id=device_id,
                                      mac_address=mac_address,
                                      network_id=network_id)
        allocated = []
        if addresses is not None:
            if network_id is None:
                raise tenancy.invalid('network_id',
                                      'addresses need a network_id')
            allocated = network.allocate_for_interface(
                session, network_id, interface, lessee,
                scope=tenancy.scope(ctxt), addresses_wanted=addresses)
        events.interface_created(ctxt, interface, allocated)
        return interface_view(session, interface)

    @dispatch.rpc_method()
    def get_interface(self, ctxt, session, interface_id):
        return interface_view(session, interfaces.get(
            session, interface_id, tenancy.scope(ctxt)))

    @dispatch.rpc_method()
    def list_interfaces(self, ctxt, session, device_id=None, tenant_id=None,
                        limit=None, marker=None):
        scope = tenancy.scope(ctxt)
        if scope is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
            tenant_id = scope
        rows, next_marker = db_interfaces.list_page(
            session, limit=limit, marker=marker, device_id=device_id,
            tenant_id=tenant_id)
        return views.page(rows, next_marker,
                          lambda row: interface_view(session, row))

    @dispatch.rpc_method(write=True, idempotent=True)
    def delete_interface(self, ctxt, session, interface_id):
        interface = interfaces.get(session, interface_id,
                                   tenancy.scope(ctxt), lock=True)
        events.interface_deleted(ctxt, interface)
        interfaces.delete(session, interface, events.announcing_deallocation(
            ctxt, addresses.deallocate))

    @dispatch.rpc_method(write=True, idempotent=True)
    def add_allowed_ip(self, ctxt, session, interface_id, network_id,
                       address):
        interface = interfaces.get(session, interface_id,
                                   tenancy.scope(ctxt), lock=True)
        return views.address(interfaces.allow(session, interface,
                                              network_id, address))

    @dispatch.rpc_method()
    def list_allowed_ips(self, ctxt, session, interface_id):
        interface = interfaces.get(session, interface_id,
                                   tenancy.scope(ctxt))
        return views.page(interfaces.allowed(session, interface), None,
                          views.address)

    @dispatch.rpc_method(write=True)
    def remove_allowed_ip(self, ctxt, session, interface_id, address):
        interface = interfaces.get(session, interface_id,
                                   tenancy.scope(ctxt), lock=True)
        interfaces.disallow(session, interface, address)
