"""RPC methods on MAC ranges and MAC addresses."""

from melange_rpc.db import macs as db_macs
from melange_rpc import exception
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import macs
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy
from melange_rpc.manager import views


def _range_view(row):
    return views.mac_range(row, macs.size(row))


class MacEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_mac_range(self, ctxt, session, cidr):
        return _range_view(macs.create_range(session, cidr))

    @dispatch.rpc_method()
    def get_mac_range(self, ctxt, session, mac_range_id):
        return _range_view(macs.get_range(session, mac_range_id))

    @dispatch.rpc_method()
    def list_mac_ranges(self, ctxt, session, limit=None, marker=None):
        rows, next_marker = db_macs.list_ranges(session, limit, marker)
        return views.page(rows, next_marker, _range_view)

    @dispatch.rpc_method(write=True)
    def delete_mac_range(self, ctxt, session, mac_range_id):
        macs.delete_range(session, macs.get_range(session, mac_range_id,
                                                  lock=True))

    @dispatch.rpc_method(write=True, idempotent=True)
    def allocate_mac(self, ctxt, session, interface_id=None):
        if interface_id is not None:
            interface = interfaces.get(session, interface_id,
                                       tenancy.scope(ctxt), lock=True)
            mac = interfaces.give_mac(session, interface)
        else:
            mac = macs.allocate(session)
            if mac is None:
                raise exception.NoMoreMacAddresses(
                    'No MAC range is configured.')
        events.mac(ctxt, 'mac.allocate', mac.address, interface_id)
        return {'mac_address': mac.address, 'mac_range_id': mac.mac_range_id}

    @dispatch.rpc_method(write=True, idempotent=True)
    def release_mac(self, ctxt, session, mac_address):
        mac = macs.normalise(mac_address)
        row = db_macs.get_mac(session, mac, lock=True)
        if row is None:
            return None     # released already: repeating is harmless
        if row.interface_id is not None:
            # Another tenant's interface hides its MAC as not found.
            interface = interfaces.get(session, row.interface_id,
                                       tenancy.scope(ctxt), lock=True)
            interface.mac_address = None
        elif tenancy.scope(ctxt) is not None:
            # A MAC of no interface belongs to no tenant: only those who
            # see all tenants release it.
            raise exception.Forbidden(action='releasing a MAC of no '
                                             'interface')
        macs.release(session, mac)
        events.mac(ctxt, 'mac.release', mac, row.interface_id)
