"""A writer's BEGIN and COMMIT sent with its statements (PostgreSQL).

psycopg2 begins a transaction with a BEGIN of its own before the first
statement, and commits with a COMMIT of its own: each one more round trip
to the server. An allocate_ip was five (BEGIN, the block's lock, the
address, the idempotency record, COMMIT), and the block's row lock was
held through the last three, while the worker's thread waited for each
reply and then for the GIL.

So a writer's connection runs in psycopg2's autocommit mode, where
psycopg2 sends no transaction control, and the transaction control goes
in the SQL: ``BEGIN;`` before the first statement, and ``; COMMIT`` after
the last one when it is marked so (``LAST``: the idempotency record, a
keyed call's last statement). psycopg2 interpolates the parameters on
the client and sends the text as one query, which PostgreSQL runs in
order, stopping at the first error: a failed last statement commits
nothing, and its transaction is rolled back as before. The allocation is
then three round trips, two of them under the block's lock.

A transaction whose last statement was not marked is committed by a
COMMIT sent on its own, as before; one that fails is rolled back by a
ROLLBACK when the server has a transaction open. libpq keeps the
server's transaction status from every reply, so finding out costs no
round trip. The connection leaves autocommit when it goes back to the
pool.
"""

import functools
import weakref

import sqlalchemy as sa

# execution_options of a writer's last statement: its COMMIT goes with it.
LAST = {'melange_commits': True}

# The pool record's info: this connection is a folding writer's.
_FOLDING = 'melange_folding'
# psycopg2's (libpq's) names for what it reports, without importing
# psycopg2 where PostgreSQL is not used: connection.status, and
# connection.info.transaction_status.
_STATUS_READY = 1               # extensions.STATUS_READY: nothing begun
_TRANSACTION_IDLE = 0           # extensions.TRANSACTION_STATUS_IDLE

_enabled = weakref.WeakSet()    # the dialects of the engines enable()d


def enable(engine):
    """Fold the writers' transaction control on ``engine`` (PostgreSQL
    through psycopg2; other engines are left as they are)."""
    if engine.dialect.name != 'postgresql' or (
            engine.dialect.driver != 'psycopg2'):
        return
    dialect = engine.dialect
    # Methods of this engine's own dialect object: SQLAlchemy ends every
    # transaction through them, the pool's reset of a returned connection
    # included, and has no event that could take their place.
    dialect.do_commit = functools.partial(_end, dialect.do_commit, 'COMMIT')
    dialect.do_rollback = functools.partial(_end, dialect.do_rollback,
                                            'ROLLBACK')
    sa.event.listen(engine, 'before_cursor_execute', _with_control,
                    retval=True)
    sa.event.listen(engine, 'checkin', _checked_in)
    _enabled.add(dialect)


def begin(session):
    """Make ``session``'s transaction (a writer's, begun and with no
    statement run yet) fold its BEGIN and COMMIT, where enable() did."""
    connection = session.connection()
    record = connection.connection
    dbapi_connection = record.dbapi_connection
    if (connection.dialect in _enabled
            and dbapi_connection.status == _STATUS_READY):
        dbapi_connection.autocommit = True
        record.info[_FOLDING] = True


def _with_control(conn, cursor, statement, parameters, context,
                  executemany):
    if not conn.connection.info.get(_FOLDING):
        return statement, parameters
    if outside_transaction(cursor.connection):
        if executemany:
            # executemany sends its text once per row: BEGIN alone.
            cursor.execute('BEGIN')
        else:
            statement = 'BEGIN; ' + statement
    if (not executemany and context is not None
            and context.execution_options.get('melange_commits')):
        statement += '; COMMIT'
    return statement, parameters


def _end(plain, word, connection):
    dbapi_connection = getattr(connection, 'dbapi_connection', connection)
    if not dbapi_connection.autocommit:
        return plain(connection)
    # Autocommit: a folding writer's, or a reader's (db.api), which has
    # no transaction open on the server.
    if not outside_transaction(dbapi_connection):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(word)


def _checked_in(dbapi_connection, record):
    if record.info.pop(_FOLDING, False) and dbapi_connection is not None \
            and not dbapi_connection.closed:
        dbapi_connection.autocommit = False


def outside_transaction(dbapi_connection):
    """Whether the server has no transaction open on this connection."""
    return dbapi_connection.info.transaction_status == _TRANSACTION_IDLE
