"""Interfaces (VIFs, ports): one MAC, one network, their addresses."""

import uuid

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import interfaces as db_interfaces
from melange_rpc.ipam import addressing
from melange_rpc.ipam import macs
from melange_rpc.ipam import values


def get(session, interface_id, scope=None, lock=False):
    values.string(interface_id, 'interface_id')
    interface = db_interfaces.get(session, interface_id, scope, lock=lock)
    if interface is None:
        raise exception.InterfaceNotFound(interface_id=interface_id)
    return interface


def create(session, tenant_id, interface_id=None, device_id=None,
           mac_address=None, network_id=None, allocate_mac=True):
    """A new interface; without a MAC one comes from the MAC ranges (none
    configured: no MAC), unless ``allocate_mac`` is False."""
    _check_ids(device_id, network_id)
    fields = {'tenant_id': tenant_id, 'device_id': device_id,
              'network_id': network_id}
    if interface_id is None:
        interface = db_interfaces.add(session, id=str(uuid.uuid4()),
                                      **fields)
    else:
        values.string(interface_id, 'interface_id')
        interface, created = db_interfaces.get_or_add(
            session, id=interface_id, **fields)
        if not created:
            raise exception.DuplicateInterface(interface_id=interface_id)
    _take_mac(session, interface, mac_address, allocate_mac)
    return interface


def _check_ids(device_id, network_id):
    values.optional_string(device_id, 'device_id')
    values.optional_string(network_id, 'network_id')


def _take_mac(session, interface, mac_address, allocate_mac):
    if mac_address is not None:
        mac = macs.record(session, mac_address, interface.id)
    elif allocate_mac:
        mac = macs.allocate(session, interface.id)
    else:
        mac = None
    if mac is not None:
        db_interfaces.set_mac(session, interface, mac.address)


def get_or_create(session, interface_id, tenant_id, device_id=None,
                  mac_address=None, scope=None, network_id=None):
    """The interface ``interface_id``, created for ``tenant_id`` if new.

    ``scope`` limits which existing interfaces the caller may use: another
    tenant's interface looks like one that exists and cannot be created.
    An interface created here gets only the MAC the caller names, and
    ``network_id``, the network it is about to get addresses in.
    """
    values.string(interface_id, 'interface_id')
    mac = macs.normalise(mac_address) if mac_address is not None else None
    _check_ids(device_id, network_id)
    interface, created = db_interfaces.get_or_add(
        session, id=interface_id, tenant_id=tenant_id, device_id=device_id,
        network_id=network_id)
    if created:
        _take_mac(session, interface, mac, allocate_mac=False)
        return interface
    if scope is not None and interface.tenant_id != scope:
        raise exception.DuplicateInterface(interface_id=interface_id)
    if mac is not None and mac != interface.mac_address:
        raise exception.InvalidInput(
            errors={'mac_address': 'interface %s has MAC %s'
                                   % (interface_id, interface.mac_address)})
    return interface


def join_network(interface, network_id):
    """Bind the interface to a network on first use; refuse a second one."""
    if interface.network_id is None:
        interface.network_id = network_id
    elif network_id is not None and interface.network_id != network_id:
        raise exception.AllocationNotAllowed(
            reason='interface %s is in network %s'
                   % (interface.id, interface.network_id))


def give_mac(session, interface):
    """Allocate a MAC for an interface that has none."""
    if interface.mac_address is not None:
        raise exception.Conflict('Interface %s already has MAC %s.'
                                 % (interface.id, interface.mac_address))
    mac = macs.allocate(session, interface.id)
    if mac is None:
        raise exception.NoMoreMacAddresses('No MAC range is configured.')
    interface.mac_address = mac.address
    session.flush()
    return mac


def delete(session, interface, deallocate):
    """Deallocate the interface's addresses, release its MAC, delete it."""
    for row in db_addresses.of_interface(session, interface.id, lock=True):
        deallocate(session, row)
    if interface.mac_address is not None:
        macs.release(session, interface.mac_address)
    db_interfaces.delete(session, interface)


def allow(session, interface, network_id, address):
    """Allow ``address`` (a live address of the interface's network)."""
    values.string(network_id, 'network_id')
    if interface.network_id != network_id:
        raise exception.AllocationNotAllowed(
            reason='interface %s is not in network %s'
                   % (interface.id, network_id))
    ip = addressing.parse_address(address)
    row = db_addresses.in_network(session, network_id, int(ip))
    if row is None:
        raise exception.AddressNotFound(address=str(ip))
    if not db_interfaces.allowed(session, interface.id, row.id):
        db_interfaces.allow(session, id=str(uuid.uuid4()),
                            interface_id=interface.id, ip_address_id=row.id)
    return row


def disallow(session, interface, address):
    ip = addressing.parse_address(address)
    for row in db_interfaces.allowed_addresses(session, interface.id):
        if row.address == str(ip):
            for link in db_interfaces.allowed(session, interface.id, row.id):
                db_interfaces.disallow(session, link)
            return row
    raise exception.AddressNotFound(address=str(ip))


def allowed(session, interface):
    """Its own live addresses plus the explicitly allowed ones."""
    own = db_addresses.of_interface(session, interface.id)
    seen = {row.id for row in own}
    extra = [row for row in db_interfaces.allowed_addresses(session,
                                                            interface.id)
             if row.id not in seen]
    return sorted(own + extra, key=lambda row: row.address_key)
