"""Server-side prepared statements on PostgreSQL, through psycopg2.

psycopg2 sends every statement as text, and PostgreSQL parses and plans
it again each time. For the joins of the hot paths planning costs the
server more than running them: get_instance_network_info's statement
plans in 0.17 ms and runs in 0.04 (EXPLAIN ANALYZE on this project's
VM), and the allocation's statements are planned while the block's lock
is held. psycopg 3 prepares repeated statements itself, but binds
parameters with their types on the server, which this SQL was not
written for (see benchmarks/README.md).

So the engine prepares them in SQL. A statement marked for it
(``PREPARE``, as execution options) is sent once per connection as
``PREPARE name AS ...`` and from then on as ``EXECUTE name(...)``, its
parameters interpolated by psycopg2 as before, into the EXECUTE's
arguments. A prepared statement lives as long as its connection; a
PREPARE that fails (the statement cannot be prepared) is undone by a
savepoint, and that statement is then sent as text for the life of the
process. ``[database] prepared_statements = false`` turns this off, for
a pooler between the workers and PostgreSQL that does not keep a
server connection per client connection (PgBouncer in transaction
mode).
"""

import hashlib
import re
import threading

from oslo_log import log as logging
import sqlalchemy as sa

LOG = logging.getLogger(__name__)

# execution_options of a statement worth preparing: one the hot paths
# run on every call, built once (free_ranges, blocks, idempotency...).
PREPARE = {'melange_prepare': True}

_PLACEHOLDER = re.compile(r'%\(([^)]+)\)s')
# Per DBAPI connection (its pool record's info): statement text -> the
# EXECUTE text, for the statements prepared there.
_INFO_KEY = 'melange_prepared'
# A bound on a connection's prepared statements: the marked statements
# are a few dozen; a statement whose text varies (an IN list of any
# length) must not grow the server's memory without end.
MAX_PER_CONNECTION = 128

_shapes = {}
_refused = set()
_lock = threading.Lock()


class _Shape:
    """A statement's PREPARE and EXECUTE texts."""

    __slots__ = ('name', 'prepare', 'execute')

    def __init__(self, statement):
        order = []

        def number(match):
            if match.group(1) not in order:
                order.append(match.group(1))
            return '$%d' % (order.index(match.group(1)) + 1)

        body = _PLACEHOLDER.sub(number, statement).replace('%%', '%')
        self.name = 'melange_' + hashlib.sha1(
            statement.encode('utf-8')).hexdigest()[:20]
        self.prepare = 'PREPARE %s AS %s' % (self.name, body)
        self.execute = 'EXECUTE %s' % self.name
        if order:
            self.execute += '(%s)' % ', '.join(
                '%%(%s)s' % name for name in order)


def _shape(statement):
    with _lock:
        shape = _shapes.get(statement)
        if shape is None:
            shape = _shapes[statement] = _Shape(statement)
        return shape


def enable(engine):
    """Prepare marked statements on ``engine`` (PostgreSQL, psycopg2)."""
    if engine.dialect.name != 'postgresql' or (
            engine.dialect.driver != 'psycopg2'):
        return
    sa.event.listen(engine, 'before_cursor_execute', _as_prepared,
                    retval=True)


def _as_prepared(conn, cursor, statement, parameters, context, executemany):
    if (executemany or context is None or statement in _refused
            or not context.execution_options.get('melange_prepare')
            or not isinstance(parameters, dict)):
        return statement, parameters
    prepared = conn.connection.info.setdefault(_INFO_KEY, {})
    execute = prepared.get(statement)
    if execute is None:
        if len(prepared) >= MAX_PER_CONNECTION:
            return statement, parameters
        shape = _shape(statement)
        if not _prepare(cursor, shape):
            with _lock:
                _refused.add(statement)
            return statement, parameters
        execute = prepared[statement] = shape.execute
    return execute, parameters


def _prepare(cursor, shape):
    """PREPARE on the cursor's connection; False if PostgreSQL refused.

    Outside autocommit the PREPARE runs in the call's transaction (which
    psycopg2 begins, if no statement has): a refusal there would abort
    it, so it runs inside a savepoint, in the same round trip.
    """
    connection = cursor.connection
    try:
        if connection.autocommit:
            cursor.execute(shape.prepare)
        else:
            cursor.execute('SAVEPOINT melange_prepare; %s; '
                           'RELEASE SAVEPOINT melange_prepare'
                           % shape.prepare)
        return True
    except (connection.ProgrammingError,
            connection.NotSupportedError) as error:
        LOG.debug('Not prepared (%s): %s', error, shape.prepare)
        if not connection.autocommit:
            cursor.execute('ROLLBACK TO SAVEPOINT melange_prepare')
        return False
