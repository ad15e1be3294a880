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

from oslo_log import log as logging
import sqlalchemy as sa

from melange_rpc.db import folded_transactions

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

# Statements PostgreSQL would not prepare: sent as text from then on.
_refused = set()


def _texts(statement):
    """The PREPARE and the EXECUTE that stand for ``statement``."""
    order = []

    def number(match):
        if match.group(1) not in order:
            order.append(match.group(1))
        return '$%d' % (order.index(match.group(1)) + 1)

    body = _PLACEHOLDER.sub(number, statement).replace('%%', '%')
    digest = hashlib.sha1(statement.encode('utf-8')).hexdigest()
    name = 'melange_' + digest[:20]
    execute = 'EXECUTE ' + name
    if order:
        execute += '(%s)' % ', '.join('%%(%s)s' % param for param in order)
    return 'PREPARE %s AS %s' % (name, body), execute


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
        prepare, execute = _texts(statement)
        if not _prepare(cursor, prepare):
            _refused.add(statement)
            return statement, parameters
        prepared[statement] = execute
    return execute, parameters


def _prepare(cursor, prepare):
    """PREPARE on the cursor's connection; False if PostgreSQL refused.

    Inside a transaction (psycopg2's, which it begins if no statement
    has, or a folding writer's: db.folded_transactions) a refusal would
    abort it, so the PREPARE runs inside a savepoint, in the same round
    trip.
    """
    connection = cursor.connection
    outside = connection.autocommit and (
        folded_transactions.outside_transaction(connection))
    try:
        if outside:
            cursor.execute(prepare)
        else:
            cursor.execute('SAVEPOINT melange_prepare; %s; '
                           'RELEASE SAVEPOINT melange_prepare'
                           % prepare)
        return True
    except (connection.ProgrammingError,
            connection.NotSupportedError) as error:
        LOG.debug('Not prepared (%s): %s', error, prepare)
        if not outside:
            cursor.execute('ROLLBACK TO SAVEPOINT melange_prepare')
        return False
