"""Choosing addresses, and keeping a block's free space exact.

Free space lives in a block's free intervals (db.free_ranges). The lowest
free address is the start of the lowest interval, found through the
(block_id, first_key) index. Workers allocating from one block queue on
the block's row lock (check_can_allocate) before they read it; on SQLite
the write transaction already holds the database's write lock. The
unique key on (block_id, address_key) remains the final arbiter.
"""

import sqlalchemy as sa

from melange_rpc import exception
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import free_ranges
from melange_rpc.db import models
from melange_rpc.ipam import addressing
from melange_rpc.ipam import blocks
from melange_rpc.ipam import space

# A changed interval between read and update means another worker took an
# address from it; each retry re-reads the newest interval.
_MAX_ATTEMPTS = 64


def check_can_allocate(session, block):
    """Lock the block, then refuse if its cap is reached.

    Every allocation from a block holds the block's row lock. The call
    needs it anyway to move the block's counters; taking it first makes
    workers queue on one primary-key row before they touch the free
    intervals. Locking a free interval first let InnoDB (MariaDB)
    deadlock: its next-key locks on the (block_id, first_key) index meet
    the index entry that the interval's update moves. The lock also keeps
    two workers from both taking the last address ``max_allocation``
    allows.
    """
    db_blocks.lock_to_allocate(session, block)
    used = (block.allocated_count - db_blocks.booked(session, block)
            + block.retained_count)
    if block.max_allocation is not None and used >= block.max_allocation:
        raise exception.NoMoreAddresses(block_id=block.id)


def seems_full(block):
    """Whether the block's counters, as read (without its lock), leave no
    usable address: network-level allocation passes such a block by
    instead of queueing on its lock to learn that it is full. A block
    whose policy fills it up is found full under the lock instead."""
    usable = space.usable_size(blocks.cidr_of(block))
    if block.gateway is not None:
        usable -= 1
    return block.allocated_count + block.retained_count >= usable


def refuse(session, block, error):
    """Raise ``error``, or AllocationNotAllowed if the block is divided.

    A divided block has no free space (subnets.create clears it), so the
    allocator meets it as "nothing free"; the reason is looked up only
    then, never on the way to a successful allocation.
    """
    if db_blocks.has_subnets(session, block.id):
        raise exception.AllocationNotAllowed(
            reason='block %s is divided into subnets' % block.cidr)
    raise error


def allocate_lowest(session, block, policy, row_for):
    """Take the lowest free address the policy allows, and store
    ``row_for(value)`` (an inserts.Row) with it; return that row.

    Addresses an octet rule excludes are set aside (held) as they are met,
    so the next allocation does not meet them again. Holding an interval
    is progress, each one is met once; only a lost race (another worker
    changed the interval) counts against the attempts.
    """
    lost_races = 0
    while lost_races < _MAX_ATTEMPTS:
        interval = free_ranges.BLOCKS.lowest(session, block.id)
        if interval is None:
            raise exception.NoMoreAddresses(block_id=block.id)
        _, first, last = interval
        value = policy.next_allowed(first, last)
        if value is None:
            if free_ranges.BLOCKS.take(session, block.id, interval, first,
                                       last):
                free_ranges.hold(session, block.id, first, last)
            else:
                lost_races += 1
            continue
        row = row_for(value)
        if free_ranges.BLOCKS.take(session, block.id, interval, first, value,
                                   then=row):
            if value > first:
                free_ranges.hold(session, block.id, first, value - 1)
            return row
        lost_races += 1
    raise exception.NoMoreAddresses(block_id=block.id)


def check_specific(block, ip, policy):
    """Refuse an address the block could never hand out, with the reason."""
    cidr = blocks.cidr_of(block)
    if ip.version != cidr.version or ip not in cidr:
        raise exception.AddressNotInBlock(address=str(ip), cidr=block.cidr)
    if addressing.is_reserved(cidr, ip, blocks.gateway_of(block)):
        raise exception.AllocationNotAllowed(
            reason='%s is a reserved address of %s' % (ip, block.cidr))
    if policy.excludes(int(ip)):
        raise exception.AddressDisallowedByPolicy(address=str(ip))


def allocate_specific(session, block, ip, policy, row_for):
    """Take ``ip`` out of the block's free space, and store
    ``row_for(int(ip))`` with it; return that row."""
    check_specific(block, ip, policy)
    value = int(ip)
    row = row_for(value)
    for _ in range(_MAX_ATTEMPTS):
        interval = free_ranges.BLOCKS.containing(session, block.id, value)
        if interval is None:
            raise exception.DuplicateAddress(address=str(ip))
        if free_ranges.BLOCKS.take(session, block.id, interval, value,
                                   then=row):
            return row
    raise exception.DuplicateAddress(address=str(ip))


def take_if_free(session, block, value):
    """Remove one address from the free space if it is there (a gateway)."""
    for _ in range(_MAX_ATTEMPTS):
        interval = free_ranges.BLOCKS.containing(session, block.id, value)
        if interval is None:
            return False
        if free_ranges.BLOCKS.take(session, block.id, interval, value):
            return True
    return False


def withdraw(session, block, first, last):
    """Cut [first, last] out of the free space (a policy range)."""
    free_ranges.BLOCKS.remove_span(session, block.id, first, last)


def release_holds(session, block):
    return free_ranges.release_holds(session, block.id)


def restore(session, block, first, last, policy):
    """Give [first, last] back to the free space, except what must not be:
    reserved addresses, the gateway, policy ranges, addresses allocated or
    retained, and what is already free. Cost follows the addresses stored
    inside the span, never the span's size.
    """
    if db_blocks.has_subnets(session, block.id):
        return
    cidr = blocks.cidr_of(block)
    bounds = addressing.usable_bounds(cidr)
    if bounds is None:
        return
    holes = list(policy.spans)
    gateway = blocks.gateway_of(block)
    if gateway is not None:
        holes.append((int(gateway), int(gateway)))
    holes += free_ranges.BLOCKS.overlapping(session, block.id, first, last)
    holes += [(v, v) for v in _stored(session, block.id, first, last)]
    span = space.subtract([(max(first, bounds[0]), min(last, bounds[1]))],
                          holes)
    free_ranges.BLOCKS.add(session, block.id, span)


def release(session, block, value, policy):
    """Give one reclaimed address back, merged with its neighbours."""
    if policy.in_span(value) or db_blocks.has_subnets(session, block.id):
        return
    free_ranges.BLOCKS.give_back(session, block.id, value)


def _stored(session, block_id, first, last):
    keys = session.scalars(
        sa.select(models.IpAddress.address_key).where(
            models.IpAddress.block_id == block_id,
            models.IpAddress.address_key.between(addressing.key(first),
                                                 addressing.key(last))))
    return [int(k, 16) for k in keys]
