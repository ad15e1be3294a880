"""MAC ranges and MAC allocation.

A range is a 48-bit prefix (``fa:16:3e:00:00:00/24``). Its free MACs are
intervals, like a block's free addresses, so the lowest free MAC costs one
index lookup and a released MAC is reusable at once: it goes back into the
intervals (the original Melange kept only a counter and lost them).
"""

import uuid

import netaddr

from melange_rpc import exception
from melange_rpc.db import macs as db_macs
from melange_rpc.ipam import addressing
from melange_rpc.ipam import values

_MAX_ATTEMPTS = 64


def normalise(mac_address, field='mac_address'):
    """A MAC in lower-case colon form, or InvalidInput."""
    values.string(mac_address, field, 32)
    try:
        eui = netaddr.EUI(mac_address, version=48,
                          dialect=netaddr.mac_unix_expanded)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(
            errors={field: '%r is not a MAC address' % mac_address})
    return str(eui)


def _parse_range(cidr):
    values.string(cidr, 'cidr', 32)
    mac, slash, prefix = cidr.partition('/')
    if not slash or not prefix.isdigit() or not 1 <= int(prefix) <= 47:
        raise exception.InvalidInput(
            errors={'cidr': 'a MAC range is MAC/prefix length (1 to 47)'})
    value = int(netaddr.EUI(normalise(mac, 'cidr')))
    host_bits = 48 - int(prefix)
    first = value >> host_bits << host_bits
    if first >> 40 & 1:
        raise exception.InvalidInput(
            errors={'cidr': 'a MAC range must hold unicast MACs '
                            '(first octet even)'})
    return first, first + 2 ** host_bits - 1, int(prefix)


def _text(value):
    return str(netaddr.EUI(value, version=48,
                           dialect=netaddr.mac_unix_expanded))


def create_range(session, cidr):
    first, last, prefix = _parse_range(cidr)
    first_key, last_key = addressing.key(first), addressing.key(last)
    other = db_macs.overlapping_range(session, first_key, last_key)
    if other is not None:
        raise exception.Conflict('MAC range %s/%d overlaps %s.'
                                 % (_text(first), prefix, other.cidr))
    mac_range = db_macs.add_range(
        session, id=str(uuid.uuid4()), cidr='%s/%d' % (_text(first), prefix),
        first_key=first_key, last_key=last_key)
    db_macs.FREE.add(session, mac_range.id, [(first, last)])
    return mac_range


def get_range(session, mac_range_id, lock=False):
    values.string(mac_range_id, 'mac_range_id')
    mac_range = db_macs.get_range(session, mac_range_id, lock=lock)
    if mac_range is None:
        raise exception.MacRangeNotFound(mac_range_id=mac_range_id)
    return mac_range


def size(mac_range):
    return int(mac_range.last_key, 16) - int(mac_range.first_key, 16) + 1


def delete_range(session, mac_range):
    if mac_range.allocated_count:
        raise exception.MacRangeInUse(mac_range_id=mac_range.id)
    db_macs.delete_range(session, mac_range)


def allocate(session, interface_id=None):
    """The lowest free MAC of the oldest range with space, or None when no
    range is configured at all."""
    ranges = db_macs.ranges_in_order(session)
    if not ranges:
        return None
    for mac_range in ranges:
        # A full range (read without a lock: a hint) is not locked at all.
        if mac_range.allocated_count >= size(mac_range):
            continue
        db_macs.get_range(session, mac_range.id, lock=True)
        for _ in range(_MAX_ATTEMPTS):
            interval = db_macs.FREE.lowest(session, mac_range.id)
            if interval is None:
                break
            if db_macs.FREE.take(session, mac_range.id, interval,
                                 interval[1]):
                return _record(session, _text(interval[1]), mac_range.id,
                               interface_id)
    raise exception.NoMoreMacAddresses()


def record(session, mac_address, interface_id=None):
    """Record a MAC the caller chose; inside a range it counts there."""
    mac = normalise(mac_address)
    if db_macs.get_mac(session, mac) is not None:
        raise exception.DuplicateMacAddress(mac_address=mac)
    value = int(netaddr.EUI(mac))
    mac_range = db_macs.range_containing(session, addressing.key(value))
    range_id = None
    if mac_range is not None:
        db_macs.get_range(session, mac_range.id, lock=True)
        interval = db_macs.FREE.containing(session, mac_range.id, value)
        if interval is None or not db_macs.FREE.take(
                session, mac_range.id, interval, value):
            raise exception.DuplicateMacAddress(mac_address=mac)
        range_id = mac_range.id
    return _record(session, mac, range_id, interface_id)


def _record(session, mac, mac_range_id, interface_id):
    row = db_macs.add_mac(session, id=str(uuid.uuid4()), address=mac,
                          mac_range_id=mac_range_id,
                          interface_id=interface_id)
    if mac_range_id is not None:
        db_macs.count_change(session, mac_range_id, 1)
    return row


def release(session, mac_address):
    """Forget a MAC; a range's MAC is free again at once. Idempotent."""
    mac = normalise(mac_address)
    row = db_macs.get_mac(session, mac, lock=True)
    if row is None:
        return None
    db_macs.delete_mac(session, row)
    if row.mac_range_id is not None:
        db_macs.count_change(session, row.mac_range_id, -1)
        db_macs.FREE.give_back(session, row.mac_range_id,
                               int(netaddr.EUI(mac)))
    return row
