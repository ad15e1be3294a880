"""Prepared statements on PostgreSQL (db.prepared), on a database of
their own: the same answers as the statement sent as text, one PREPARE
per connection, a refusal that leaves the transaction as it was, and a
connection opened after one was lost preparing again."""

import pytest
import sqlalchemy as sa

from melange_rpc.db import prepared
from tests import services

T = sa.table('t', sa.column('id', sa.Integer), sa.column('name', sa.String),
             sa.column('note', sa.Text))
BY_ID = (sa.select(T.c.id, T.c.name, T.c.note)
         .where(T.c.id == sa.bindparam('wanted'))
         .execution_options(**prepared.PREPARE))
RENAME = (sa.update(T).where(T.c.id == sa.bindparam('wanted'))
          .values(name=sa.bindparam('new_name')).returning(T.c.name)
          .execution_options(**prepared.PREPARE))


@pytest.fixture
def engine(tmp_path):
    with services.engine_on_own_database('postgresql', tmp_path,
                                         'prepared') as engine:
        prepared.enable(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql('CREATE TABLE t (id integer PRIMARY KEY, '
                                 'name varchar(20), note text)')
            conn.execute(sa.insert(T), [
                {'id': 1, 'name': 'a', 'note': '5%'},
                {'id': 2, 'name': 'b', 'note': None}])
        yield engine


class Sent:
    """The statements as they go to psycopg2 (after db.prepared's
    listener, which was added first)."""

    def __init__(self, engine):
        self.statements = []
        sa.event.listen(engine, 'before_cursor_execute', self._sent)

    def _sent(self, conn, cursor, statement, *args):
        self.statements.append(statement)


def prepared_here(conn):
    return conn.execute(sa.text(
        'SELECT name FROM pg_prepared_statements WHERE name LIKE :ours'),
        {'ours': 'melange%'}).scalars().all()


def test_a_marked_statement_is_prepared_once_per_connection(engine):
    sent = Sent(engine)
    with engine.connect() as conn:
        answers = [conn.execute(BY_ID, {'wanted': n}).all()
                   for n in (1, 2, 3, 1)]
        names = prepared_here(conn)
    assert answers == [[(1, 'a', '5%')], [(2, 'b', None)], [],
                       [(1, 'a', '5%')]]
    assert len(names) == 1
    executed = sent.statements[:4]
    assert executed == ['EXECUTE %s(%%(wanted)s)' % names[0]] * 4


def test_rows_changed_and_returned_as_with_text(engine):
    with engine.connect() as conn, conn.begin():
        renamed = conn.execute(RENAME, {'wanted': 1, 'new_name': 'z'})
        assert renamed.rowcount == 1
        assert renamed.all() == [('z',)]
        missed = conn.execute(RENAME, {'wanted': 9, 'new_name': 'z'})
        assert missed.rowcount == 0
        assert conn.execute(BY_ID, {'wanted': 1}).one().name == 'z'


def test_a_percent_sign_in_the_statement_is_kept(engine):
    # psycopg2 takes "%%" for "%" only where it interpolates parameters,
    # which the PREPARE's text does not go through.
    five = (sa.select(T.c.id)
            .where(T.c.note.like(sa.literal_column("'5%'")),
                   T.c.id >= sa.bindparam('least'))
            .execution_options(**prepared.PREPARE))
    with engine.connect() as conn:
        assert [conn.execute(five, {'least': 0}).scalars().all()
                for _ in range(2)] == [[1], [1]]
        assert len(prepared_here(conn)) == 1


def test_unmarked_statements_go_as_text(engine):
    sent = Sent(engine)
    with engine.connect() as conn:
        plain = sa.select(T.c.name).where(T.c.id == sa.bindparam('wanted'))
        assert conn.execute(plain, {'wanted': 2}).scalar() == 'b'
        assert prepared_here(conn) == []
    assert sent.statements[0].startswith('SELECT t.name')


def test_a_statement_postgresql_will_not_prepare_goes_as_text(engine):
    # "$1 IS NULL": PREPARE cannot tell the parameter's type; as text,
    # the value is a literal and the statement runs.
    untyped = (sa.select(sa.bindparam('value').is_(None))
               .execution_options(**prepared.PREPARE))
    sent = Sent(engine)
    with engine.connect() as conn, conn.begin():
        conn.execute(RENAME, {'wanted': 2, 'new_name': 'kept'})
        assert conn.execute(untyped, {'value': 'x'}).scalar() is False
        # The refusal was undone by its savepoint: the transaction goes
        # on, with what it did before.
        assert conn.execute(BY_ID, {'wanted': 2}).one().name == 'kept'
        assert conn.execute(untyped, {'value': None}).scalar() is True
    refused = [s for s in sent.statements if 'IS NULL' in s]
    assert len(refused) == 2
    assert all(s.startswith('SELECT') for s in refused)


def test_a_new_connection_prepares_again(engine):
    with engine.connect() as conn:
        assert conn.execute(BY_ID, {'wanted': 1}).one().id == 1
        pid = conn.exec_driver_sql('SELECT pg_backend_pid()').scalar()
    # The server ends the pooled connection's session, and its prepared
    # statements with it.
    killer = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    with killer.connect() as other:
        other.execute(sa.text('SELECT pg_terminate_backend(:pid, 10000)'),
                      {'pid': pid})
    killer.dispose()
    with pytest.raises(sa.exc.DBAPIError) as lost:
        with engine.connect() as conn:
            conn.execute(BY_ID, {'wanted': 1})
    assert lost.value.connection_invalidated
    with engine.connect() as conn:
        assert conn.execute(BY_ID, {'wanted': 2}).one().id == 2
        assert conn.exec_driver_sql(
            'SELECT pg_backend_pid()').scalar() != pid
        assert len(prepared_here(conn)) == 1
