"""Usage figures of a block, from its counters and arithmetic only."""

from melange_rpc.db import addresses as db_addresses
from melange_rpc.ipam import addressing
from melange_rpc.ipam import blocks
from melange_rpc.ipam import policies


def of(session, block):
    """API.md's usage dict for ``block``.

    ``reserved`` counts what can never be handed out. A policy attached
    after allocation may cover addresses already allocated or retained:
    those count once, as allocated or deallocated, not again as reserved,
    so ``free`` stays what automatic allocation can still hand out and
    ``utilization`` a fraction from 0 to 1.
    """
    policy = policies.exclusions_for(session, block)
    cidr = blocks.cidr_of(block)
    size = cidr.size
    bounds = addressing.usable_bounds(cidr)
    reserved = size
    if bounds is not None:
        reserved = size - (bounds[1] - bounds[0] + 1)
        if policy:
            reserved += policy.count(*bounds) - db_addresses.count_excluded(
                session, block.id, policy.spans, policy.octets,
                policy.octet_digits)
        gateway = blocks.gateway_of(block)
        if gateway is not None and not policy.excludes(int(gateway)):
            reserved += 1
    allocated = block.allocated_count
    deallocated = block.retained_count
    usable = size - reserved
    return {
        'block_id': block.id, 'cidr': block.cidr, 'size': size,
        'allocated': allocated, 'deallocated': deallocated,
        'reserved': reserved,
        'free': max(usable - allocated - deallocated, 0),
        'utilization': ((allocated + deallocated) / usable
                        if usable > 0 else 0),
    }
