"""Addresses: allocation, deallocation with retention, restore, reclaim."""

import datetime

import netaddr

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import models
from melange_rpc.ipam import addressing
from melange_rpc.ipam import allocator
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import macs
from melange_rpc.ipam import policies
from melange_rpc.ipam import values

RECLAIM_BATCH = 500


def allocate(session, block, tenant_id, interface=None, address=None,
             mac_address=None, device_id=None):
    """Allocate an address of ``block`` for lessee ``tenant_id``.

    ``address`` (text) asks for that address; otherwise the block's lowest
    free one, or for an IPv6 SLAAC block the modified EUI-64 address of
    the interface's MAC (RFC 4291, appendix A).
    """
    ip = (addressing.parse_address(address) if address is not None
          else None)
    if interface is not None:
        interfaces.join_network(interface, block.network_id)
        mac_address = interface.mac_address or mac_address
    device_id = interface.device_id if interface is not None else device_id

    def row_for(value):
        return db_addresses.new_row(block, interface, value,
                                    tenant_id=tenant_id, device_id=device_id)
    try:
        allocator.check_can_allocate(session, block)
        policy = policies.exclusions_for(session, block)
        if ip is None and block.ipv6_address_mode == 'slaac':
            ip = _eui64(block, mac_address)
        if ip is None:
            stored = allocator.allocate_lowest(session, block, policy,
                                               row_for)
        else:
            stored = allocator.allocate_specific(session, block, ip, policy,
                                                 row_for)
    except exception.MelangeError as error:
        allocator.refuse(session, block, error)
    row = db_addresses.adopt(session, stored, block, interface)
    db_blocks.count_change(session, block, allocated=1)
    return row


def _eui64(block, mac_address):
    if mac_address is None:
        raise exception.InvalidInput(
            errors={'mac_address': 'a SLAAC block needs the interface\'s '
                                   'MAC address'})
    mac = netaddr.EUI(macs.normalise(mac_address))
    return mac.ipv6(netaddr.IPNetwork(block.cidr).first)


def get(session, block, address, lock=False):
    ip = addressing.parse_address(address)
    row = None
    if ip.version == block.ip_version:
        row = db_addresses.get(session, block.id, int(ip), lock=lock)
    if row is None:
        raise exception.AddressNotFound(address=str(ip))
    return row


def deallocate(session, row):
    """Retain the address; a repeat changes nothing (clock not restarted)."""
    if row.deallocated_at is None:
        db_addresses.retain(session, row)
        # Last: the block's row lock, which its counters' UPDATE takes, is
        # held from here to the commit.
        db_blocks.count_change(session, row.block, allocated=-1,
                               retained=1)
    return row


def restore(session, row):
    """Put a retained address back on its interface."""
    if row.deallocated_at is not None:
        if row.interface_id is not None:
            interface = interfaces.get(session, row.interface_id, lock=True)
            interfaces.join_network(interface, row.block.network_id)
        row.deallocated_at = None
        db_blocks.count_change(session, row.block, allocated=1,
                               retained=-1)
        session.flush()
    return row


def reclaim(session, older_than):
    """Free every address retained for ``older_than`` seconds or more."""
    values.integer(older_than, 'older_than', minimum=0)
    cutoff = models.utcnow() - datetime.timedelta(seconds=older_than)
    reclaimed = 0
    while True:
        rows = db_addresses.retained_before(session, cutoff, RECLAIM_BATCH)
        for row in rows:
            block = row.block
            db_addresses.delete(session, row)
            db_blocks.count_change(session, block, retained=-1)
            allocator.release(session, block, int(row.address_key, 16),
                              policies.exclusions_for(session, block))
        session.expunge_all()
        reclaimed += len(rows)
        if len(rows) < RECLAIM_BATCH:
            return reclaimed
