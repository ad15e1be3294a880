"""RPC methods on instances (devices): what Nova calls at boot and delete."""

import functools

from melange_rpc.ipam import addresses
from melange_rpc.ipam import instances
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy


class InstanceEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def allocate_for_instance(self, ctxt, session, device_id, tenant_id,
                              interfaces):
        lessee = tenancy.acting_tenant(ctxt, tenant_id)
        may_act_for = functools.partial(tenancy.acting_tenant, ctxt)
        for interface, allocated in instances.allocate(
                session, device_id, lessee, interfaces, may_act_for):
            events.interface_created(ctxt, interface, allocated)
        return instances.network_info(session, device_id)

    @dispatch.rpc_method()
    def get_instance_network_info(self, ctxt, session, device_id):
        return instances.network_info(session, device_id,
                                      tenancy.scope(ctxt))

    @dispatch.rpc_method(write=True, idempotent=True)
    def deallocate_for_instance(self, ctxt, session, device_id):
        deallocate = events.announcing_deallocation(ctxt,
                                                    addresses.deallocate)
        for interface in instances.deallocate(
                session, device_id, tenancy.scope(ctxt), deallocate):
            events.interface_deleted(ctxt, interface)
