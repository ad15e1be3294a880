"""The engine facade and the one-transaction-per-call helpers.

``writer(ctxt, fn)`` runs ``fn(session)`` in one write transaction and
retries the whole of it when the database reports a deadlock or a lost
race on a unique key (oslo.db translates those into DBDeadlock /
DBDuplicateEntry for every backend; PostgreSQL runs at READ COMMITTED, so
no serialization failures arise), or when it could not be reached. A retried
call starts from a fresh transaction, so it sees the winner's rows and
decides again; the caller never sees the retry.
"""

import contextlib
import threading

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from melange_rpc import conf
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import folded_transactions
from melange_rpc.db import gates
from melange_rpc.db import prepared
from melange_rpc.db import sqlite_checkpoints
from melange_rpc.db import sqlite_turns

CONF = conf.CONF

context_manager = enginefacade.transaction_context()
# thread_checkin: oslo.db's sleep(0) after every check-in, there for
# eventlet's green threads. The manager runs OS threads (no eventlet): the
# sleep only hands the GIL away once more per call.
context_manager.configure(sqlite_fk=True, thread_checkin=False)


def _on_engine_create(engine):
    _no_pre_ping(engine)
    if engine.dialect.name == 'sqlite':
        _tune_sqlite(engine)
    if CONF.database.prepared_statements:
        prepared.enable(engine)
    # After prepared: the BEGIN goes before the EXECUTE that stands for
    # the first statement.
    folded_transactions.enable(engine)


def _no_pre_ping(engine):
    """Check out pooled connections without oslo.db's "SELECT 1" first.

    oslo.db turns SQLAlchemy's pre-ping on for every engine: one more
    round trip to the database on every call, a fifth of a read's. A
    connection that died while pooled (the server restarted) fails its
    first statement instead; SQLAlchemy then invalidates the whole pool,
    and that failure is a DBConnectionError, which writer() retries from
    a fresh transaction and reader() retries as a disconnect. The pool
    attribute is SQLAlchemy's own switch for it; oslo.db has none.
    """
    engine.pool._pre_ping = False


def _tune_sqlite(engine):
    path = engine.url.database
    file_based = bool(path) and path != ':memory:'
    if file_based:
        _pool_sqlite_connections(engine)
    _begin_immediate_for_writers(engine)

    @sa.event.listens_for(engine, 'connect')
    def _connect(dbapi_con, con_record):
        # WAL lets readers run beside the one writer; the busy timeout
        # makes several worker processes queue for the write lock
        # instead of failing.
        dbapi_con.execute('PRAGMA journal_mode=WAL')
        dbapi_con.execute('PRAGMA busy_timeout=30000')
        dbapi_con.execute('PRAGMA synchronous=NORMAL')
        if file_based:
            sqlite_checkpoints.disable(dbapi_con)
            sqlite_checkpoints.start(path)

    if file_based:
        # Dropped before a fork and at shutdown: the thread goes with the
        # pool, and the next connection of the process starts it again.
        sa.event.listen(engine, 'engine_disposed',
                        lambda engine: sqlite_checkpoints.stop(path))


def _pool_sqlite_connections(engine):
    """Keep a SQLite file's connections open between transactions.

    oslo.db gives a SQLite file a NullPool (SQLAlchemy 2 pools them; oslo.db
    keeps what SQLAlchemy 1 did): every transaction then opened the file,
    ran the PRAGMAs below and closed it again, 2.4 ms of a 3.9 ms
    allocate_ip; and the last connection to close checkpointed the
    write-ahead log into the file and deleted it, with their fsyncs. The
    pool's idle connections (and the checkpointer's, see
    sqlite_checkpoints) keep the file open from a worker's first call
    to its last. SQLAlchemy's pysqlite dialect makes file connections
    usable from any thread, which a pool needs. The pool is sized like
    every other backend's ([database] max_pool_size, max_overflow,
    pool_timeout). Built as QueuePool.recreate() builds one, with the old
    pool's event listeners (oslo.db's and ours); so this runs before ours
    are added.
    """
    nullpool = engine.pool
    options = CONF.database
    engine.pool = sa.pool.QueuePool(
        nullpool._creator, pool_size=options.max_pool_size or 5,
        max_overflow=options.max_overflow or 0,
        timeout=options.pool_timeout or 30, recycle=nullpool._recycle,
        pre_ping=False, echo=nullpool.echo,
        logging_name=nullpool._orig_logging_name,
        reset_on_return=nullpool._reset_on_return,
        _dispatch=nullpool.dispatch, dialect=nullpool._dialect)
    nullpool.dispose()


# SQLite: a write transaction must take the write lock when it begins.
# One that reads first and writes later fails at once with "database is
# locked" if another process committed in between (WAL keeps its
# snapshot), without waiting the busy timeout; BEGIN IMMEDIATE takes the
# lock, waiting for it. oslo.db emits every transaction's plain BEGIN from
# a "begin" listener, unless the connection's info says the transaction
# has begun. A writer's connection is marked so when it is checked out,
# and its first statement is BEGIN IMMEDIATE (_begin_writing): one
# statement, where BEGIN and a write that matched no row were two.
_writer_checkout = threading.local()
_BEGUN = 'in_transaction'       # oslo.db's marker (engines._init_events)


def _begin_immediate_for_writers(engine):
    @sa.event.listens_for(engine, 'checkout')
    def _checkout(dbapi_con, record, proxy):
        if getattr(_writer_checkout, 'wanted', False):
            record.info[_BEGUN] = True


def _begin_writing(session):
    _writer_checkout.wanted = True
    try:
        connection = session.connection()
    finally:
        _writer_checkout.wanted = False
    connection.exec_driver_sql('BEGIN IMMEDIATE')


context_manager.append_on_engine_create(_on_engine_create)


def get_engine():
    return context_manager.writer.get_engine()


def dispose():
    """Drop pooled connections (before a fork, or at shutdown)."""
    if context_manager.is_started:
        get_engine().dispose()


@contextlib.contextmanager
def _connect_failures_as_connection_errors():
    """A connect that fails (the server is down, starting or stopping) is
    a DBConnectionError: oslo.db recognises only older libpq's wording of
    it for PostgreSQL ("could not connect to server"), and passes the
    rest on as a bare OperationalError. A failure with no statement is
    one of connecting."""
    try:
        yield
    except sa.exc.OperationalError as exc:
        if exc.statement is None:
            raise db_exc.DBConnectionError(exc) from exc
        raise


def _is_retriable(exc):
    return isinstance(exc, (db_exc.DBDeadlock, db_exc.DBDuplicateEntry,
                            db_exc.DBConnectionError))


@oslo_db_api.wrap_db_retry(max_retries=20, retry_interval=0.01,
                           max_retry_interval=0.5, inc_retry_interval=True,
                           exception_checker=_is_retriable)
def writer(ctxt, fn, last=None):
    """Run ``fn(session)`` in one write transaction, retrying races.

    ``last(session, result)``, if given, runs the transaction's last
    statement, marked folded_transactions.LAST: its COMMIT is sent with
    it on PostgreSQL. Everything else of the call is written before it.
    """
    session = None
    try:
        with _connect_failures_as_connection_errors(), _sqlite_writer_turn():
            with context_manager.writer.using(ctxt) as session:
                if session.bind.dialect.name == 'sqlite':
                    _begin_writing(session)
                else:
                    folded_transactions.begin(session)
                result = fn(session)
                db_blocks.settle_bookings(session)
                if last is not None:
                    session.flush()
                    last(session, result)
                return result
    finally:
        # Committed or rolled back: the row locks are gone, so is the gate.
        if session is not None:
            gates.leave(session)


def _sqlite_writer_turn():
    """SQLite has one writer at a time: the writers of every worker
    process queue on a lock file beside the database (see sqlite_turns)."""
    engine = get_engine()
    if engine.dialect.name != 'sqlite' or not engine.url.database:
        return contextlib.nullcontext()
    return sqlite_turns.turn(engine.url.database)


# PostgreSQL runs at READ COMMITTED: each statement of a transaction reads
# its own snapshot, so a read-only transaction there adds nothing but its
# BEGIN and ROLLBACK, two round trips of a call that is often one SELECT.
# Reads on PostgreSQL run in autocommit. MariaDB (REPEATABLE READ) and
# SQLite keep the transaction: there it is one snapshot for all the call's
# statements.
@oslo_db_api.wrap_db_retry(max_retries=5, retry_interval=0.05,
                           retry_on_disconnect=True)
def reader(ctxt, fn):
    """Run ``fn(session)`` as one read-only call."""
    with _connect_failures_as_connection_errors():
        with context_manager.reader.using(ctxt) as session:
            if session.bind.dialect.name != 'postgresql':
                return fn(session)
            with _autocommit(session):
                return fn(session)


@contextlib.contextmanager
def _autocommit(session):
    """psycopg2's own switch, set and reset on the client: SQLAlchemy's
    AUTOCOMMIT isolation level would send a SET on every check-in."""
    dbapi_connection = session.connection().connection.dbapi_connection
    dbapi_connection.autocommit = True
    try:
        yield
    finally:
        # A connection that died under the call is closed: setting its
        # switch would raise over the error that is to be retried.
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False
