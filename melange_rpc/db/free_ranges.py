"""SQL for free space: intervals of never-used keys, per owner.

Blocks keep their free addresses here and MAC ranges their free MACs, in
two tables of the same shape; ``BLOCKS`` and ``MACS`` are the two views.
Every method takes integers and turns them into keys here, so callers
never build key strings themselves.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from melange_rpc.db import models
from melange_rpc.db import prepared
from melange_rpc.ipam import addressing

HeldRange = models.BlockHeldRange
_HINTS = 'melange_lowest_free'
# Parameter names of a row inserted by take(): apart from the interval's.
_ROW = 'row_'


class IntervalSet:
    """Free intervals [first, last] of owners (blocks, MAC ranges).

    The statements of the allocation path are built once, here: a
    statement built per call costs SQLAlchemy more CPU than the database
    spends running it, and PostgreSQL prepares them (db.prepared). They
    run on the session's connection: they are Core statements, and
    Session.execute's ORM layer costs each one ~35 us of CPU for nothing.
    """

    def __init__(self, model, owner):
        self.model = model
        self.owner = getattr(model, owner)
        self.owner_name = owner
        table = model.__table__
        columns = (table.c.id, table.c.first_key, table.c.last_key)
        mine = table.c[owner] == sa.bindparam('owner')
        self._lowest = (sa.select(*columns).where(mine)
                        .order_by(table.c.first_key).limit(1)
                        .with_for_update()
                        .execution_options(**prepared.PREPARE))
        self._containing = (sa.select(*columns)
                            .where(mine, table.c.first_key
                                   <= sa.bindparam('key'))
                            .order_by(table.c.first_key.desc()).limit(1)
                            .with_for_update()
                            .execution_options(**prepared.PREPARE))
        # "Still as I read it": the conditional part of take().
        unchanged = (table.c.id == sa.bindparam('range_id'),
                     table.c.first_key == sa.bindparam('old_first'),
                     table.c.last_key == sa.bindparam('old_last'))
        self._delete = (sa.delete(table).where(*unchanged)
                        .execution_options(**prepared.PREPARE))
        self._set_first = (sa.update(table).where(*unchanged)
                           .values(first_key=sa.bindparam('new_key'))
                           .execution_options(**prepared.PREPARE))
        self._set_last = (sa.update(table).where(*unchanged)
                          .values(last_key=sa.bindparam('new_key'))
                          .execution_options(**prepared.PREPARE))
        self._insert = sa.insert(table)
        self._combined = {}

    def _columns(self):
        return (self.model.id, self.model.first_key, self.model.last_key)

    def add(self, session, owner_id, intervals):
        """Insert intervals [(first, last), ...] as free space."""
        rows = [{self.owner_name: owner_id,
                 'first_key': addressing.key(first),
                 'last_key': addressing.key(last)}
                for first, last in intervals if first <= last]
        if rows:
            session.connection().execute(self._insert, rows)

    def lowest(self, session, owner_id):
        """The owner's lowest free interval, locked, as (id, first, last),
        or the one read with the owner's lock (hint_lowest), once."""
        hinted = session.info.get(_HINTS, {}).pop(owner_id, None)
        if hinted is not None:
            return hinted
        return _ints(session.connection().execute(
            self._lowest, {'owner': owner_id}).first())

    def lowest_expressions(self, owner):
        """Scalar subqueries of the lowest free interval's id, first and
        last key for ``owner`` (a column), to read beside another row."""
        # Intervals never overlap: first_key orders an owner's intervals
        # strictly, and each subquery meets the same one.
        table = self.model.__table__
        return tuple(
            sa.select(column).where(table.c[self.owner_name] == owner)
            .order_by(table.c.first_key).limit(1).scalar_subquery()
            for column in (table.c.id, table.c.first_key, table.c.last_key))

    def hint_lowest(self, session, owner_id, row):
        """Remember (id, first_key, last_key) as read with the owner's row
        lock: the next lowest() of this transaction need not read it.

        The hint is read after the lock is held (on PostgreSQL through
        db/functions.py, whose snapshot is newer than the statement's), so
        it is the current interval. Should it not be, take()'s
        conditional UPDATE fails and the interval is read afresh. No
        interval at all is no hint: the block is read again before it is
        called full.
        """
        if row[0] is not None:
            session.info.setdefault(_HINTS, {})[owner_id] = _ints(row)

    def containing(self, session, owner_id, value):
        """The free interval that holds ``value``, locked, or None."""
        found = _ints(session.connection().execute(
            self._containing,
            {'owner': owner_id, 'key': addressing.key(value)}).first())
        if found is None or found[2] < value:
            return None
        return found

    def take(self, session, owner_id, interval, value, upto=None,
             then=None):
        """Remove [value, upto] (default: just ``value``) from ``interval``.

        ``interval`` is (id, first, last) as read under lock. Returns False
        if another transaction changed it since (the caller reads again);
        the conditional UPDATE makes that visible on every backend,
        whatever its isolation level.

        ``then`` (an inserts.Row: the address allocated) is inserted if
        and only if the take succeeds. On PostgreSQL, when the interval
        loses its head (an automatic allocation always takes the lowest
        address), both are one statement: the block's lock, held since
        the allocation began, is held for one round trip less.
        """
        range_id, first, last = interval
        upto = value if upto is None else upto
        params = {'range_id': range_id, 'old_first': addressing.key(first),
                  'old_last': addressing.key(last)}
        if value == first:
            statement = self._delete if upto == last else self._set_first
            if upto < last:
                params['new_key'] = addressing.key(upto + 1)
            if then is not None and _writable_ctes(session):
                params.update({_ROW + k: v for k, v in then.values.items()})
                return session.connection().execute(
                    self._then_insert(statement, then.table),
                    params).rowcount == 1
            result = session.connection().execute(statement, params)
        else:
            params['new_key'] = addressing.key(value - 1)
            result = session.connection().execute(self._set_last, params)
            if result.rowcount == 1 and upto < last:
                self.add(session, owner_id, [(upto + 1, last)])
        if result.rowcount == 1 and then is not None:
            then.insert(session)
        return result.rowcount == 1

    def _then_insert(self, change, table):
        """``INSERT INTO table SELECT <row> FROM (change RETURNING id)``:
        the row goes in only if ``change`` matched its interval."""
        key = (change, table)
        statement = self._combined.get(key)
        if statement is None:
            taken = change.returning(self.model.__table__.c.id).cte('taken')
            # psycopg2 sends values as untyped literals: each is cast to
            # its column's type, which INSERT ... SELECT does not do.
            row = sa.select(*(sa.cast(sa.bindparam(_ROW + c.key), c.type)
                              for c in table.c)).select_from(taken)
            statement = self._combined[key] = sa.insert(table).from_select(
                list(table.c), row).execution_options(**prepared.PREPARE)
        return statement

    def give_back(self, session, owner_id, value):
        """Return one key to the free space, merged with its neighbours.

        Merging keeps an owner that churns (allocate, release, allocate) at
        a handful of rows instead of one row per key ever released.
        """
        model = self.model
        below = (self.containing(session, owner_id, value - 1)
                 if value > 0 else None)
        above = session.execute(
            sa.select(model.id, model.last_key)
            .where(self.owner == owner_id,
                   model.first_key == addressing.key(value + 1))
            .with_for_update()).first()
        if below is not None and below[2] == value - 1:
            new_last = int(above.last_key, 16) if above is not None else value
            session.execute(sa.update(model).where(model.id == below[0])
                            .values(last_key=addressing.key(new_last)))
            if above is not None:
                session.execute(sa.delete(model).where(model.id == above.id))
        elif above is not None:
            session.execute(sa.update(model).where(model.id == above.id)
                            .values(first_key=addressing.key(value)))
        else:
            self.add(session, owner_id, [(value, value)])

    def remove_span(self, session, owner_id, first, last):
        """Remove [first, last] from the free space."""
        rows = session.execute(
            sa.select(*self._columns())
            .where(self.owner == owner_id,
                   self.model.first_key <= addressing.key(last),
                   self.model.last_key >= addressing.key(first))
            .with_for_update()).all()
        for row in rows:
            range_id, r_first, r_last = _ints(row)
            session.execute(sa.delete(self.model)
                            .where(self.model.id == range_id))
            self.add(session, owner_id,
                     [(r_first, first - 1), (last + 1, r_last)])

    def overlapping(self, session, owner_id, first, last):
        """Free intervals meeting [first, last], as (first, last) ints."""
        rows = session.execute(
            sa.select(self.model.first_key, self.model.last_key)
            .where(self.owner == owner_id,
                   self.model.first_key <= addressing.key(last),
                   self.model.last_key >= addressing.key(first))).all()
        return [(int(a, 16), int(b, 16)) for a, b in rows]


BLOCKS = IntervalSet(models.BlockFreeRange, 'block_id')


def clear(session, block_id):
    """Drop all the block's free space (it was divided into subnets)."""
    session.execute(sa.delete(models.BlockFreeRange)
                    .where(models.BlockFreeRange.block_id == block_id))
    session.execute(sa.delete(HeldRange).where(HeldRange.block_id == block_id))


def hold(session, block_id, first, last):
    """Set [first, last] aside: an octet rule excludes all of it."""
    session.execute(sa.insert(HeldRange), [{
        'block_id': block_id, 'first_key': addressing.key(first),
        'last_key': addressing.key(last)}])


def release_holds(session, block_id):
    """Remove and return the block's held intervals as (first, last) ints."""
    rows = session.execute(
        sa.select(HeldRange.id, HeldRange.first_key, HeldRange.last_key)
        .where(HeldRange.block_id == block_id).with_for_update()).all()
    if rows:
        session.execute(sa.delete(HeldRange).where(
            HeldRange.id.in_([row.id for row in rows])))
    return [(int(row.first_key, 16), int(row.last_key, 16)) for row in rows]


@sa.event.listens_for(orm.Session, 'after_transaction_end')
def _transaction_ended(session, transaction):
    """A hint is good for the transaction that read it."""
    if transaction.parent is None:
        session.info.pop(_HINTS, None)


def _writable_ctes(session):
    """Whether the database runs INSERT/UPDATE/DELETE inside WITH (only
    PostgreSQL of ours: SQLite and MariaDB take SELECT only there)."""
    return session.bind.dialect.name == 'postgresql'


def _ints(row):
    if row is None:
        return None
    return row[0], int(row[1], 16), int(row[2], 16)
