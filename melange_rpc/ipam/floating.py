"""Floating IPs (public addresses that front a fixed one) and NAT links."""

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import nat as db_nat
from melange_rpc.ipam import addressing
from melange_rpc.ipam import addresses
from melange_rpc.ipam import allocator
from melange_rpc.ipam import blocks
from melange_rpc.ipam import network
from melange_rpc.ipam import values


def get_address(session, ip_id, scope=None, lock=False, field='ip_id'):
    """An address by id, visible to ``scope``, or AddressNotFound."""
    values.string(ip_id, field)
    row = db_addresses.get_by_id(session, ip_id, scope, lock=lock)
    if row is None:
        raise exception.AddressNotFound(address=ip_id)
    return row


def get_floating(session, ip_id, scope=None):
    row = get_address(session, ip_id, scope, lock=True,
                      field='floating_ip_id')
    if row.block.type != 'public' or row.deallocated_at is not None:
        raise exception.AddressNotFound(address=ip_id)
    if scope is not None and row.tenant_id != scope:
        # Public blocks are shared: a floating IP is its lessee's alone.
        raise exception.AddressNotFound(address=ip_id)
    return row


def allocate(session, network_id, tenant_id, address=None, scope=None):
    """A floating IP from a public block of the network."""
    found = network.blocks_of(session, network_id)
    public = [b for b in found if b.type == 'public']
    if not public:
        if scope is not None and all(b.tenant_id != scope for b in found):
            # Another tenant's private network: not found, not "private".
            raise exception.NetworkNotFound(network_id=network_id)
        raise exception.AllocationNotAllowed(
            reason='network %s has no public block' % network_id)
    if address is not None:
        ip = addressing.parse_address(address)
        for block in public:
            if ip.version == block.ip_version and ip in blocks.cidr_of(block):
                return addresses.allocate(session, block, tenant_id,
                                          address=str(ip))
        raise exception.AddressNotInBlock(address=str(ip),
                                          cidr='any public block of %s'
                                               % network_id)
    for block in public:
        if allocator.seems_full(block):
            continue
        try:
            return addresses.allocate(session, block, tenant_id)
        except (exception.NoMoreAddresses, exception.AllocationNotAllowed):
            continue
    raise exception.NoMoreAddresses(block_id=public[0].id)


def release(session, row):
    row.fixed_ip_id = None
    db_nat.unlink_all(session, row.id)
    return addresses.deallocate(session, row)


def associate(session, floating, fixed):
    if fixed.deallocated_at is not None:
        raise exception.AddressNotFound(address=fixed.id)
    floating.fixed_ip_id = fixed.id
    session.flush()
    return floating


def disassociate(session, floating):
    floating.fixed_ip_id = None
    session.flush()
    return floating


def link(session, ip_id, other_ids, side, scope=None):
    """NAT: link ``ip_id`` with each of ``other_ids`` on ``side``."""
    row = get_address(session, ip_id, scope)
    if not isinstance(other_ids, list) or not other_ids or len(
            other_ids) > 64:
        raise exception.InvalidInput(
            errors={'ids': 'must be a list of 1 to 64 address ids'})
    others = [get_address(session, other, scope) for other in other_ids]
    for other in others:
        if side == 'globals':
            db_nat.link(session, inside_global_id=other.id,
                        inside_local_id=row.id)
        else:
            db_nat.link(session, inside_global_id=row.id,
                        inside_local_id=other.id)
    return others


def unlink(session, ip_id, side, other_id=None, scope=None):
    row = get_address(session, ip_id, scope)
    if other_id is not None:
        values.string(other_id, 'id')
    removed = db_nat.unlink(session, row.id, side, other_id)
    if other_id is not None and not removed:
        raise exception.AddressNotFound(address=other_id)
