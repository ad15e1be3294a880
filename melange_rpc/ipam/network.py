"""Network-level allocation: an interface's addresses from a network."""

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import blocks as db_blocks
from melange_rpc.ipam import addressing
from melange_rpc.ipam import addresses
from melange_rpc.ipam import allocator
from melange_rpc.ipam import blocks


def blocks_of(session, network_id, scope=None, tenant_id=None):
    """The network's blocks visible to ``scope``, or NetworkNotFound."""
    found = db_blocks.in_network(session, network_id, scope)
    if not found:
        raise exception.NetworkNotFound(network_id=network_id)
    if tenant_id is not None:
        found = [b for b in found if b.tenant_id == tenant_id]
    return found


def allocate_for_interface(session, network_id, interface, tenant_id,
                           scope=None, addresses_wanted=None, found=None):
    """One IPv4 and one IPv6 address, or exactly ``addresses_wanted``.

    ``found``: the network's blocks, if the caller has read them.
    """
    candidates = found or blocks_of(session, network_id, scope)
    leaves = _leaves(candidates)
    if addresses_wanted is not None:
        return [_allocate_explicit(session, leaves, interface, tenant_id,
                                   text)
                for text in _address_list(addresses_wanted)]
    rows = []
    for version in (4, 6):
        family = [b for b in candidates if b.ip_version == version]
        if not family:
            continue
        usable = [b for b in leaves
                  if b.ip_version == version and b.allocatable]
        rows.append(_allocate_first(session, family, usable, interface,
                                    tenant_id))
    return rows


def _leaves(candidates):
    """The blocks not divided into subnets, without asking the database.

    A subnet is always in its parent's network (subnets.create refuses
    another, block_updates refuses to move either), so the network's own
    blocks name every divided one, except where the listing is limited
    to a tenant and the subnet is another's: _allocate_first passes such
    a parent by when the allocator finds it divided.
    """
    divided = {b.parent_id for b in candidates if b.parent_id is not None}
    return [b for b in candidates if b.id not in divided]


def _allocate_first(session, family, usable, interface, tenant_id):
    for block in usable:
        if allocator.seems_full(block):
            continue
        try:
            return addresses.allocate(session, block, tenant_id,
                                      interface=interface)
        except exception.NoMoreAddresses:
            continue
        except exception.AllocationNotAllowed:
            if not db_blocks.has_subnets(session, block.id):
                raise
    raise exception.NoMoreAddresses(block_id=family[0].id)


def _address_list(wanted):
    if not isinstance(wanted, list) or not wanted or len(wanted) > 64:
        raise exception.InvalidInput(
            errors={'addresses': 'must be a list of 1 to 64 addresses'})
    return wanted


def _allocate_explicit(session, leaves, interface, tenant_id, text):
    ip = addressing.parse_address(text, 'addresses')
    for block in leaves:
        if ip.version == block.ip_version and ip in blocks.cidr_of(block):
            return addresses.allocate(session, block, tenant_id,
                                      interface=interface, address=str(ip))
    raise exception.AddressNotInBlock(address=str(ip),
                                      cidr='any block of the network')


def deallocate_for_interface(session, network_id, interface):
    rows = db_addresses.of_interface(session, interface.id, network_id,
                                     lock=True)
    for row in rows:
        addresses.deallocate(session, row)
    return rows
