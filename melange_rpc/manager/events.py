"""Payloads of the notifications the manager queues (see notifications).

Every payload that concerns a network names it, so a listener such as the
DHCP agent can resync just that network.
"""

import math

from sqlalchemy import orm

from melange_rpc import conf
from melange_rpc import notifications
from melange_rpc.ipam import usage

CONF = conf.CONF


def ip(ctxt, event_type, row):
    if not CONF.notifications.enabled:
        # Nothing is sent: the payload's reads are not worth making.
        return
    notifications.queue(ctxt, event_type, {
        'ip_id': row.id, 'address': row.address, 'block_id': row.block_id,
        'network_id': row.block.network_id,
        'interface_id': row.interface_id, 'tenant_id': row.tenant_id,
        'mac_address': row.interface.mac_address if row.interface else None})
    if event_type == 'ip.allocate':
        _usage_warning(ctxt, row.block)


def _usage_warning(ctxt, block):
    """block.usage.warn when this allocation took the block to the mark.

    Exactly one allocation moves the used count (allocated + retained)
    from under ceil(mark x usable) to it, so the event is sent once per
    crossing without remembering anything. The usage figures cost one
    more statement only for blocks with a policy, and only when
    notifications are on.
    """
    percent = CONF.notifications.usage_warn_percent
    if not (CONF.notifications.enabled and percent):
        return
    figures = usage.of(orm.object_session(block), block)
    usable = figures['size'] - figures['reserved']
    used = figures['allocated'] + figures['deallocated']
    if usable > 0 and used == max(math.ceil(usable * percent / 100), 1):
        notifications.queue(ctxt, 'block.usage.warn', dict(
            figures, network_id=block.network_id, tenant_id=block.tenant_id,
            warn_percent=percent))


def block(ctxt, event_type, row):
    notifications.queue(ctxt, event_type, {
        'block_id': row.id, 'cidr': row.cidr, 'network_id': row.network_id,
        'tenant_id': row.tenant_id, 'type': row.type})


def interface(ctxt, event_type, row):
    notifications.queue(ctxt, event_type, {
        'interface_id': row.id, 'network_id': row.network_id,
        'device_id': row.device_id, 'tenant_id': row.tenant_id,
        'mac_address': row.mac_address})


def interface_created(ctxt, row, addresses=()):
    """interface.create, with the MAC it took and the addresses it got."""
    interface(ctxt, 'interface.create', row)
    if row.mac_address is not None:
        # Taken from a range or recorded as given: unique from now on.
        mac(ctxt, 'mac.allocate', row.mac_address, row.id)
    for address in addresses:
        ip(ctxt, 'ip.allocate', address)


def interface_deleted(ctxt, row):
    interface(ctxt, 'interface.delete', row)
    if row.mac_address is not None:
        mac(ctxt, 'mac.release', row.mac_address, row.id)


def announcing_deallocation(ctxt, deallocate):
    """``deallocate(session, row)`` that also sends ip.deallocate for an
    address it frees (not for one already retained)."""
    def run(session, row):
        if row.deallocated_at is None:
            ip(ctxt, 'ip.deallocate', row)
        return deallocate(session, row)
    return run


def mac(ctxt, event_type, mac_address, interface_id=None):
    notifications.queue(ctxt, event_type, {'mac_address': mac_address,
                                           'interface_id': interface_id})


def floating_ip(ctxt, event_type, row, fixed_ip_id):
    notifications.queue(ctxt, event_type, {
        'floating_ip_id': row.id, 'address': row.address,
        'fixed_ip_id': fixed_ip_id, 'tenant_id': row.tenant_id})


def reclaimed(ctxt, count):
    notifications.queue(ctxt, 'ip.reclaim', {'reclaimed': count})
