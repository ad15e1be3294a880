"""SQL for IP blocks."""

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import attributes

from melange_rpc.db import free_ranges
from melange_rpc.db import functions
from melange_rpc.db import gates
from melange_rpc.db import inserts
from melange_rpc.db import models
from melange_rpc.db import pagination
from melange_rpc.db import prepared

IpBlock = models.IpBlock


def add(session, **values):
    block = IpBlock(allocated_count=0, retained_count=0, **values)
    session.add(block)
    session.flush()
    return block


def _owned_by(query, tenant_id):
    # Public blocks are shared space that only those who see every tenant
    # read or change; a tenant uses them through floating IPs.
    return query.where(IpBlock.tenant_id == tenant_id,
                       IpBlock.type == 'private')


_LOCKED = 'melange_locked_blocks'


def _get_statements():
    """get()'s four shapes (scoped or not, locked or not), built once."""
    by_id = (sa.select(IpBlock).where(IpBlock.id == sa.bindparam('block_id'))
             .execution_options(**prepared.PREPARE))
    scoped = _owned_by(by_id, sa.bindparam('tenant'))
    locking = {'populate_existing': True}
    return {
        (False, False): by_id,
        (True, False): scoped,
        (False, True): by_id.with_for_update().execution_options(**locking),
        (True, True): scoped.with_for_update().execution_options(**locking),
    }


_GET = _get_statements()


def get(session, block_id, tenant_id=None, lock=False):
    """The block, or None; ``tenant_id`` scopes the lookup to an owner.

    ``lock`` reads it FOR UPDATE: the newest committed version, held
    until the transaction ends.
    """
    params = {'block_id': block_id}
    if tenant_id is not None:
        params['tenant'] = tenant_id
    if lock:
        gates.enter(session, 'block:' + block_id)
    block = session.scalars(_GET[tenant_id is not None, bool(lock)],
                            params).first()
    if lock and block is not None:
        session.info.setdefault(_LOCKED, set()).add(block.id)
        session.info['holds_row_locks'] = True
    return block


_TABLE = IpBlock.__table__
_COLUMNS = tuple(_TABLE.c.keys())


def _booking_statements():
    """lock_for_allocation()'s shapes (per backend, scoped or not), built
    once.

    Core, not the ORM's UPDATE: the ORM's RETURNING into an entity costs
    a third of the allocation's Python, and all of it is spent while the
    block's lock is held (see _as_loaded).
    """
    # The subqueries name the updated row's id spelled out: SQLite's
    # RETURNING names columns unqualified, and a bare "id" in a subquery
    # would be the route's (or the interval's).
    updated_id = sa.literal_column('ip_blocks.id')
    has_routes = sa.exists().where(models.Route.block_id == updated_id)
    # The allocation's first read, the lowest free interval, comes back
    # with the lock too (free_ranges.hint_lowest). PostgreSQL reads it
    # through a function, with a snapshot taken after the lock is held
    # (db/functions.py); SQLite, one writer at a time, by subqueries.
    lowest = {
        'postgresql': (functions.lowest_free_range(updated_id),),
        'sqlite': free_ranges.BLOCKS.lowest_expressions(updated_id),
    }
    statements = {}
    for dialect, interval in lowest.items():
        by_id = (sa.update(_TABLE)
                 .where(_TABLE.c.id == sa.bindparam('block_id'))
                 .values(allocated_count=_TABLE.c.allocated_count + 1,
                         updated_at=_TABLE.c.updated_at)
                 .returning(*_TABLE.c, has_routes.label('has_routes'),
                            *interval))
        statements[dialect, False] = by_id.execution_options(
            **prepared.PREPARE)
        statements[dialect, True] = _owned_by(
            by_id, sa.bindparam('tenant')).execution_options(
            **prepared.PREPARE)
    return statements


_BOOK = _booking_statements()
_BOOKED = 'melange_booked_allocations'
# The databases that return the rows an UPDATE changed.
_RETURNING = ('postgresql', 'sqlite')


def _lowest_of_row(dialect, row):
    """The lowest free interval in a booking's row, as (id, first_key,
    last_key), or (None, None, None)."""
    interval = row[len(_COLUMNS) + 1:]
    if dialect != 'postgresql':
        return interval
    if interval[0] is None:
        return (None, None, None)
    range_id, first_key, last_key = interval[0]
    return int(range_id), first_key, last_key


def _as_loaded(session, row):
    """The block of a RETURNING row, as though a query had just loaded it
    with populate_existing: the session's own object refreshed, or a new
    one in the session (no statement either way)."""
    values = {name: row[index] for index, name in enumerate(_COLUMNS)}
    values['has_routes'] = row[len(_COLUMNS)]
    key = session.identity_key(IpBlock, values['id'])
    block = session.identity_map.get(key)
    if block is None:
        block = inserts.as_loaded(session, IpBlock, values)
    else:
        for name, value in values.items():
            attributes.set_committed_value(block, name, value)
    return block


def lock_for_allocation(session, block_id, tenant_id=None):
    """get(lock=True) before allocating one address of the block.

    Where an UPDATE can return its row (PostgreSQL, SQLite), the lock and
    the allocation's count are one statement instead of the lock's SELECT
    and the counter's UPDATE: the count is booked, and the allocation's
    count_change(allocated=1) moves nothing more. A booking no allocation
    used (the block was full and the call went on to the next one) is
    undone before commit (settle_bookings, run by db.api.writer).
    MariaDB has no UPDATE ... RETURNING and takes the two statements.
    """
    dialect = session.bind.dialect.name
    if dialect not in _RETURNING:
        return get(session, block_id, tenant_id, lock=True)
    params = {'block_id': block_id}
    if tenant_id is not None:
        params['tenant'] = tenant_id
    gates.enter(session, 'block:' + block_id)
    # A Core statement does not autoflush; the block's own pending
    # changes must reach the database before its row is read back.
    session.flush()
    row = session.connection().execute(
        _BOOK[dialect, tenant_id is not None], params).first()
    block = None
    if row is not None:
        block = _as_loaded(session, row)
        free_ranges.BLOCKS.hint_lowest(session, block.id,
                                       _lowest_of_row(dialect, row))
        session.info.setdefault(_LOCKED, set()).add(block.id)
        session.info['holds_row_locks'] = True
        booked = session.info.setdefault(_BOOKED, {})
        booked[block.id] = booked.get(block.id, 0) + 1
    return block


@sa.event.listens_for(orm.Session, 'after_transaction_end')
def _transaction_ended(session, transaction):
    """Locks and bookings last one transaction. The manager opens a
    session per call; a session used for several transactions (as tests
    do) must not carry them into the next."""
    if transaction.parent is None:
        for key in (_LOCKED, _BOOKED, 'holds_row_locks'):
            session.info.pop(key, None)


def booked(session, block):
    """Allocations of ``block`` counted in advance and not yet made."""
    return session.info.get(_BOOKED, {}).get(block.id, 0)


def settle_bookings(session):
    """Uncount booked allocations the call did not make, before commit."""
    for block_id, count in session.info.pop(_BOOKED, {}).items():
        if count:
            session.execute(_COUNT_CHANGE, {'block_id': block_id,
                                            'allocated': -count,
                                            'retained': 0})


def lock_to_allocate(session, block):
    """Hold ``block``'s row lock for the rest of the transaction, reading
    it afresh and booking the allocation about to be made
    (lock_for_allocation); a block this transaction already locked costs
    nothing.

    (A session is one transaction: the manager opens one per call.)
    """
    if block.id not in session.info.get(_LOCKED, ()):
        lock_for_allocation(session, block.id)


def list_page(session, limit=None, marker=None, scope=None, **filters):
    query = sa.select(IpBlock)
    if scope is not None:
        query = _owned_by(query, scope)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(IpBlock, name) == value)
    return pagination.by_creation(session, query, IpBlock, limit, marker)


def first_overlapping(session, first_key, last_key, exclude_id=None,
                      **filters):
    """A block whose span meets [first_key, last_key] (filters: col=value).

    A filter value of ``None`` means "IS NULL" here: the overlap rules
    distinguish top-level blocks (parent_id None) from subnets.
    """
    query = sa.select(IpBlock).where(IpBlock.first_key <= last_key,
                                     IpBlock.last_key >= first_key)
    if exclude_id is not None:
        query = query.where(IpBlock.id != exclude_id)
    for name, value in filters.items():
        column = getattr(IpBlock, name)
        query = query.where(column.is_(None) if value is None
                            else column == value)
    return session.scalars(query.limit(1)).first()


def network_types(session, network_id):
    """The distinct block types already in a network."""
    return set(session.scalars(
        sa.select(IpBlock.type).where(IpBlock.network_id == network_id)
        .distinct()))


def has_subnets(session, block_id):
    return session.execute(
        sa.select(IpBlock.id).where(IpBlock.parent_id == block_id).limit(1)
    ).first() is not None


_COUNT_CHANGE = sa.update(IpBlock.__table__).where(
    IpBlock.__table__.c.id == sa.bindparam('block_id')).values(
        allocated_count=IpBlock.__table__.c.allocated_count
        + sa.bindparam('allocated'),
        retained_count=IpBlock.__table__.c.retained_count
        + sa.bindparam('retained'),
        updated_at=IpBlock.__table__.c.updated_at).execution_options(
    **prepared.PREPARE)


def count_change(session, block, allocated=0, retained=0):
    """Move the block's counters in step with its addresses (atomic), in
    the database and in the loaded ``block`` alike.

    A Core UPDATE: counters are bookkeeping, not a change of the block,
    so ``updated_at`` stays as it is. One allocation booked by
    lock_for_allocation is already counted.
    """
    bookings = session.info.get(_BOOKED)
    if allocated == 1 and retained == 0 and bookings and bookings.get(
            block.id):
        bookings[block.id] -= 1
        return
    session.execute(_COUNT_CHANGE, {'block_id': block.id,
                                    'allocated': allocated,
                                    'retained': retained})
    # Without marking the object dirty: the UPDATE above already wrote it.
    attributes.set_committed_value(block, 'allocated_count',
                                   block.allocated_count + allocated)
    attributes.set_committed_value(block, 'retained_count',
                                   block.retained_count + retained)


def in_network(session, network_id, tenant_id=None, lock=False):
    """The blocks of a network in creation order."""
    query = (sa.select(IpBlock).where(IpBlock.network_id == network_id)
             .order_by(IpBlock.created_at, IpBlock.id)
             .execution_options(**prepared.PREPARE))
    if tenant_id is not None:
        query = _owned_by(query, tenant_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).all()
