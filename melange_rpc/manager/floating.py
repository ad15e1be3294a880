"""RPC methods on floating IPs and NAT links."""

from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import nat as db_nat
from melange_rpc.ipam import floating
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy
from melange_rpc.manager import views


class FloatingIpEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def allocate_floating_ip(self, ctxt, session, network_id,
                             tenant_id=None, address=None):
        lessee = tenancy.acting_tenant(ctxt, tenant_id)
        row = floating.allocate(session, network_id, lessee,
                                address=address, scope=tenancy.scope(ctxt))
        # An address of a public block like any other (and the usage
        # warning of a floating pool running out).
        events.ip(ctxt, 'ip.allocate', row)
        return views.address(row)

    @dispatch.rpc_method(write=True, idempotent=True)
    def release_floating_ip(self, ctxt, session, ip_id):
        row = floating.get_floating(session, ip_id, tenancy.scope(ctxt))
        if row.deallocated_at is None:
            events.ip(ctxt, 'ip.deallocate', row)
        return views.address(floating.release(session, row))

    @dispatch.rpc_method(write=True, idempotent=True)
    def associate_floating_ip(self, ctxt, session, floating_ip_id,
                              fixed_ip_id):
        scope = tenancy.scope(ctxt)
        row = floating.get_floating(session, floating_ip_id, scope)
        fixed = floating.get_address(session, fixed_ip_id, scope,
                                     field='fixed_ip_id')
        events.floating_ip(ctxt, 'floating_ip.associate', row, fixed.id)
        return views.address(floating.associate(session, row, fixed))

    @dispatch.rpc_method(write=True, idempotent=True)
    def disassociate_floating_ip(self, ctxt, session, floating_ip_id):
        row = floating.get_floating(session, floating_ip_id,
                                    tenancy.scope(ctxt))
        events.floating_ip(ctxt, 'floating_ip.disassociate', row,
                           row.fixed_ip_id)
        return views.address(floating.disassociate(session, row))

    @dispatch.rpc_method()
    def list_floating_ips(self, ctxt, session, tenant_id=None,
                          fixed_ip_id=None, limit=None, marker=None):
        scope = tenancy.scope(ctxt)
        if scope is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
            tenant_id = scope
        rows, next_marker = db_addresses.floating_page(
            session, tenant_id=tenant_id, fixed_ip_id=fixed_ip_id,
            limit=limit, marker=marker)
        return views.page(rows, next_marker, views.address)

    # NAT: inside globals of a local address, and the mirror.

    @dispatch.rpc_method(write=True)
    def add_inside_globals(self, ctxt, session, local_ip_id, global_ip_ids):
        return [views.address(row) for row in floating.link(
            session, local_ip_id, global_ip_ids, 'globals',
            tenancy.scope(ctxt))]

    @dispatch.rpc_method()
    def list_inside_globals(self, ctxt, session, local_ip_id):
        return self._partners(ctxt, session, local_ip_id, 'globals')

    @dispatch.rpc_method(write=True)
    def remove_inside_globals(self, ctxt, session, local_ip_id,
                              global_ip_id=None):
        floating.unlink(session, local_ip_id, 'globals', global_ip_id,
                        tenancy.scope(ctxt))

    @dispatch.rpc_method(write=True)
    def add_inside_locals(self, ctxt, session, global_ip_id, local_ip_ids):
        return [views.address(row) for row in floating.link(
            session, global_ip_id, local_ip_ids, 'locals',
            tenancy.scope(ctxt))]

    @dispatch.rpc_method()
    def list_inside_locals(self, ctxt, session, global_ip_id):
        return self._partners(ctxt, session, global_ip_id, 'locals')

    @dispatch.rpc_method(write=True)
    def remove_inside_locals(self, ctxt, session, global_ip_id,
                             local_ip_id=None):
        floating.unlink(session, global_ip_id, 'locals', local_ip_id,
                        tenancy.scope(ctxt))

    @staticmethod
    def _partners(ctxt, session, ip_id, side):
        row = floating.get_address(session, ip_id, tenancy.scope(ctxt))
        return views.page(db_nat.partners(session, row.id, side), None,
                          views.address)
