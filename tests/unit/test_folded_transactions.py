"""A writer's BEGIN and COMMIT sent with its statements on PostgreSQL
(db.folded_transactions), on a database of its own: the round trips a
transaction takes, its atomicity when the last statement fails, a
transaction ended without a marked statement, executemany, prepared
statements inside, and the connection back in the pool as it was."""

from psycopg2 import extensions
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from melange_rpc.db import folded_transactions
from melange_rpc.db import prepared
from tests import services

T = sa.table('t', sa.column('id', sa.Integer), sa.column('name', sa.String))
INSERT = sa.insert(T)
LAST_INSERT = sa.insert(T).execution_options(**folded_transactions.LAST)
BY_ID = (sa.select(T.c.name).where(T.c.id == sa.bindparam('wanted'))
         .execution_options(**prepared.PREPARE))


class CountingCursor(extensions.cursor):
    """Every execute() is one round trip to the server: in autocommit
    psycopg2 sends nothing else (no BEGIN, no COMMIT of its own)."""

    sent = []

    def execute(self, query, vars=None):
        CountingCursor.sent.append(query)
        return super().execute(query, vars)


@pytest.fixture
def engine(tmp_path):
    with services.engine_on_own_database('postgresql', tmp_path,
                                         'folded') as plain:
        engine = sa.create_engine(
            plain.url, connect_args={'cursor_factory': CountingCursor})
        prepared.enable(engine)
        folded_transactions.enable(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql('CREATE TABLE t (id integer PRIMARY KEY, '
                                 'name varchar(20))')
        CountingCursor.sent = []
        yield engine
        engine.dispose()


def writing(engine):
    """A writer's session, as db.api.writer makes it."""
    session = orm.Session(engine)
    session.begin()
    folded_transactions.begin(session)
    return session


def stored(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(T.c.id, T.c.name)
                            .order_by(T.c.id)).all()


def pooled_connection(engine):
    """The pool's one connection, with its psycopg2 settings."""
    with engine.connect() as conn:
        dbapi_connection = conn.connection.dbapi_connection
        return (dbapi_connection.autocommit,
                dbapi_connection.info.transaction_status)


def test_two_statements_are_two_round_trips(engine):
    with writing(engine) as session:
        conn = session.connection()
        conn.execute(INSERT, {'id': 1, 'name': 'a'})
        conn.execute(LAST_INSERT, {'id': 2, 'name': 'b'})
        # Committed by the last statement, before SQLAlchemy's commit.
        dbapi_connection = conn.connection.dbapi_connection
        assert folded_transactions.outside_transaction(dbapi_connection)
        session.commit()
    assert CountingCursor.sent == [
        'BEGIN; INSERT INTO t (id, name) VALUES (%(id)s, %(name)s)',
        'INSERT INTO t (id, name) VALUES (%(id)s, %(name)s); COMMIT']
    assert stored(engine) == [(1, 'a'), (2, 'b')]
    assert pooled_connection(engine) == (
        False, extensions.TRANSACTION_STATUS_IDLE)


def test_a_last_statement_that_fails_commits_nothing(engine):
    session = writing(engine)
    conn = session.connection()
    conn.execute(INSERT, {'id': 1, 'name': 'a'})
    with pytest.raises(sa.exc.IntegrityError):
        conn.execute(LAST_INSERT, {'id': 1, 'name': 'again'})
    session.rollback()
    session.close()
    assert CountingCursor.sent[-1] == 'ROLLBACK'
    assert stored(engine) == []
    assert pooled_connection(engine) == (
        False, extensions.TRANSACTION_STATUS_IDLE)


def test_a_transaction_without_a_marked_last_statement_commits_alone(
        engine):
    with writing(engine) as session:
        session.connection().execute(INSERT, {'id': 1, 'name': 'a'})
        session.commit()
    assert CountingCursor.sent == [
        'BEGIN; INSERT INTO t (id, name) VALUES (%(id)s, %(name)s)',
        'COMMIT']
    assert stored(engine) == [(1, 'a')]


def test_an_error_in_the_middle_rolls_the_whole_transaction_back(engine):
    session = writing(engine)
    conn = session.connection()
    conn.execute(INSERT, {'id': 1, 'name': 'a'})
    with pytest.raises(sa.exc.DataError):
        conn.execute(INSERT, {'id': 2, 'name': 'x' * 50})
    session.close()        # rolls back, as oslo.db's session does
    assert stored(engine) == []
    assert pooled_connection(engine) == (
        False, extensions.TRANSACTION_STATUS_IDLE)


def test_executemany_first_begins_on_its_own(engine):
    session = writing(engine)
    conn = session.connection()
    conn.execute(INSERT, [{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}])
    assert CountingCursor.sent[0] == 'BEGIN'
    with pytest.raises(sa.exc.IntegrityError):
        conn.execute(LAST_INSERT, {'id': 2, 'name': 'again'})
    session.close()
    assert stored(engine) == []


def test_prepared_statements_inside_a_folded_transaction(engine):
    with engine.begin() as conn:
        conn.execute(INSERT, {'id': 1, 'name': 'a'})
    CountingCursor.sent = []
    with writing(engine) as session:
        conn = session.connection()
        # The first statement: prepared outside the transaction (there is
        # none yet), then executed with the BEGIN.
        assert conn.execute(BY_ID, {'wanted': 1}).scalar() == 'a'
        conn.execute(LAST_INSERT, {'id': 2, 'name': 'b'})
        session.commit()
    assert CountingCursor.sent[0].startswith('PREPARE melange_')
    assert CountingCursor.sent[1].startswith('BEGIN; EXECUTE melange_')
    assert len(CountingCursor.sent) == 3
    assert stored(engine) == [(1, 'a'), (2, 'b')]


def test_a_refused_prepare_inside_leaves_the_transaction_going(engine):
    # "$1 IS NULL": PREPARE cannot tell the parameter's type (see
    # test_prepared_statements); labelled, to be a text of its own here.
    untyped = (sa.select(sa.bindparam('value').is_(None).label('folded'))
               .execution_options(**prepared.PREPARE))
    with writing(engine) as session:
        conn = session.connection()
        conn.execute(INSERT, {'id': 1, 'name': 'a'})
        # Refused inside the transaction the BEGIN opened: undone by its
        # savepoint, and the statement runs as text.
        assert conn.execute(untyped, {'value': None}).scalar() is True
        conn.execute(LAST_INSERT, {'id': 2, 'name': 'b'})
        session.commit()
    assert any(s.startswith('SAVEPOINT melange_prepare; PREPARE')
               for s in CountingCursor.sent)
    assert stored(engine) == [(1, 'a'), (2, 'b')]


def test_readers_and_plain_transactions_are_left_as_they_are(engine):
    with engine.begin() as conn:
        conn.execute(INSERT, {'id': 1, 'name': 'a'})
    assert CountingCursor.sent == [
        'INSERT INTO t (id, name) VALUES (%(id)s, %(name)s)']
    assert stored(engine) == [(1, 'a')]


def test_a_connection_lost_in_a_folded_transaction_is_replaced(engine):
    session = writing(engine)
    conn = session.connection()
    conn.execute(INSERT, {'id': 1, 'name': 'a'})
    backend = conn.exec_driver_sql('SELECT pg_backend_pid()').scalar()
    with engine.connect() as other:
        other.execute(sa.text('SELECT pg_terminate_backend(:pid)'),
                      {'pid': backend})
    with pytest.raises(sa.exc.OperationalError):
        conn.execute(LAST_INSERT, {'id': 2, 'name': 'b'})
    session.close()
    with writing(engine) as session:
        session.connection().execute(LAST_INSERT, {'id': 3, 'name': 'c'})
        session.commit()
    assert stored(engine) == [(3, 'c')]
