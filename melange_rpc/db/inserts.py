"""A row inserted with one Core INSERT and kept as the session's object.

The ORM's unit of work (session.add, then flush) costs several times the
INSERT itself: it sorts the pending objects, builds the statement and
reads back what it wrote. The hot paths (an address, an interface) know
every value before the INSERT; the object the session gets is persistent
as though just loaded, so reading it costs no statement, and changing it
later is an ordinary ORM update.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy import orm

from melange_rpc.db import prepared

# An INSERT statement per table, built once (SQLAlchemy caches the
# compiled form by statement).
_INSERTS = {}

# The databases with INSERT ... ON CONFLICT DO NOTHING ... RETURNING, and
# the statements built with it, per (dialect, table).
_ON_CONFLICT = {'postgresql': postgresql.insert, 'sqlite': sqlite.insert}
_INSERTS_IF_NEW = {}


def can_insert_if_new(dialect):
    return dialect in _ON_CONFLICT


def _defaults(table):
    """Each column's Python-side default (None where it has none)."""
    values = dict.fromkeys(table.c.keys())
    for column in table.c:
        default = column.default
        if default is None:
            continue
        if default.is_scalar:
            values[column.key] = default.arg
        elif default.is_callable:
            # SQLAlchemy wraps a default callable to take the execution
            # context; ours (models.utcnow) ignore it.
            values[column.key] = default.arg(None)
    return values


class Row:
    """A row of ``model``'s table: ``values``, the rest column defaults.

    It can be inserted on its own (``insert``), or by a statement that
    inserts it only if another change succeeds (free_ranges.take, on
    PostgreSQL); ``adopt`` then makes it the session's object.
    """

    def __init__(self, model, **values):
        self.model = model
        self.table = model.__table__
        self.values = _defaults(self.table)
        self.values.update(values)

    def insert(self, session):
        statement = _INSERTS.get(self.table)
        if statement is None:
            statement = _INSERTS[self.table] = sa.insert(
                self.table).execution_options(**prepared.PREPARE)
        session.connection().execute(statement, self.values)

    def insert_if_new(self, session):
        """INSERT unless a row with the same primary key exists (one
        statement: can_insert_if_new); whether it did. A conflict on
        another unique key is an error as with insert()."""
        dialect = session.bind.dialect.name
        statement = _INSERTS_IF_NEW.get((dialect, self.table))
        if statement is None:
            key = list(self.table.primary_key)
            statement = _INSERTS_IF_NEW[dialect, self.table] = (
                _ON_CONFLICT[dialect](self.table)
                .on_conflict_do_nothing(index_elements=key)
                .returning(*key).execution_options(**prepared.PREPARE))
        return session.connection().execute(
            statement, self.values).first() is not None

    def adopt(self, session):
        """The inserted row as an object of the session, without a flush."""
        return as_loaded(session, self.model, self.values)


def as_loaded(session, model, values):
    """A new object of ``model`` in the session, persistent with
    ``values`` as though a query had loaded it (no statement).

    Built the way the ORM's loader builds one: ``values`` go straight into
    the instance's dict. The mapped constructor would instead send each
    value through attribute instrumentation, history and events that
    make_transient_to_detached then throws away; for a block's 30 columns
    that was a tenth of an allocation's CPU.
    """
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    orm.make_transient_to_detached(instance)
    session.add(instance)
    return instance


def add(session, model, **values):
    """INSERT ``values`` (the rest: column defaults) into ``model``'s
    table and return the object, in the session, without a flush."""
    row = Row(model, **values)
    row.insert(session)
    return row.adopt(session)
