"""SQL for MAC ranges and the MACs in use."""

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import attributes
from sqlalchemy.orm import util as orm_util

from melange_rpc.db import free_ranges
from melange_rpc.db import gates
from melange_rpc.db import inserts
from melange_rpc.db import models
from melange_rpc.db import pagination
from melange_rpc.db import prepared

MacRange = models.MacRange
MacAddress = models.MacAddress

FREE = free_ranges.IntervalSet(models.MacFreeRange, 'mac_range_id')

_RANGES = 'melange_mac_ranges'


def add_range(session, **values):
    session.info.pop(_RANGES, None)
    mac_range = MacRange(allocated_count=0, **values)
    session.add(mac_range)
    session.flush()
    return mac_range


# The statements of a MAC's allocation, built once (prepared on
# PostgreSQL): an interface created without a MAC takes one.
_by_id = sa.select(MacRange).where(MacRange.id == sa.bindparam('range_id'))
_GET_RANGE = {
    False: _by_id.execution_options(**prepared.PREPARE),
    True: _by_id.with_for_update().execution_options(
        populate_existing=True, **prepared.PREPARE)}
_IN_ORDER = sa.select(MacRange).order_by(
    MacRange.created_at, MacRange.id).execution_options(**prepared.PREPARE)
_ranges = MacRange.__table__
_COUNT_CHANGE = (sa.update(_ranges)
                 .where(_ranges.c.id == sa.bindparam('range_id'))
                 .values(allocated_count=_ranges.c.allocated_count
                         + sa.bindparam('delta'),
                         updated_at=_ranges.c.updated_at)
                 .execution_options(**prepared.PREPARE))


def get_range(session, mac_range_id, lock=False):
    """The range, or None; ``lock`` reads it afresh FOR UPDATE.

    Every change to a range's free MACs holds the range's row lock
    first, as allocations from a block hold the block's (db.blocks.get).
    """
    if lock:
        gates.enter(session, 'mac-range:' + mac_range_id)
    mac_range = session.scalars(_GET_RANGE[bool(lock)],
                                {'range_id': mac_range_id}).first()
    if lock:
        session.info['holds_row_locks'] = True
    return mac_range


def list_ranges(session, limit=None, marker=None):
    return pagination.by_creation(session, sa.select(MacRange), MacRange,
                                  limit, marker)


def ranges_in_order(session):
    """Every range, oldest first (ranges are few).

    Read once per transaction: a device's interfaces each take a MAC, and
    the list only guides the choice (the allocator locks the range it
    takes from and reads its free MACs afresh).
    """
    ranges = session.info.get(_RANGES)
    if ranges is None:
        ranges = session.info[_RANGES] = session.scalars(_IN_ORDER).all()
    return ranges


def overlapping_range(session, first_key, last_key):
    return session.scalars(sa.select(MacRange).where(
        MacRange.first_key <= last_key,
        MacRange.last_key >= first_key).limit(1)).first()


def range_containing(session, key):
    return session.scalars(sa.select(MacRange).where(
        MacRange.first_key <= key, MacRange.last_key >= key)
        .limit(1)).first()


def delete_range(session, mac_range):
    session.info.pop(_RANGES, None)
    session.execute(sa.delete(MacRange).where(MacRange.id == mac_range.id))


def count_change(session, mac_range_id, delta):
    """Move the range's count, in the database and in the loaded range
    (if the session holds it) alike; ``updated_at`` stays as it is."""
    session.connection().execute(_COUNT_CHANGE, {'range_id': mac_range_id,
                                                 'delta': delta})
    held = session.identity_map.get(
        orm_util.identity_key(MacRange, mac_range_id))
    if held is not None:
        attributes.set_committed_value(held, 'allocated_count',
                                       held.allocated_count + delta)


def add_mac(session, **values):
    """Store a MAC in use with one INSERT (db.inserts)."""
    return inserts.add(session, MacAddress, **values)


def get_mac(session, address, lock=False):
    query = sa.select(MacAddress).where(MacAddress.address == address)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def delete_mac(session, mac):
    session.execute(sa.delete(MacAddress).where(MacAddress.id == mac.id))


@sa.event.listens_for(orm.Session, 'after_transaction_end')
def _transaction_ended(session, transaction):
    """Another transaction may have added or deleted ranges since."""
    if transaction.parent is None:
        session.info.pop(_RANGES, None)
