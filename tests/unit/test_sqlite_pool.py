"""A SQLite file's connections are pooled, like every other backend's."""

import sqlite3
import threading

from oslo_db.sqlalchemy import engines
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from melange_rpc.db import api as db_api


def _engine(tmp_path):
    # As the enginefacade builds it: oslo.db's engine (a NullPool for a
    # SQLite file), then the service's own set-up.
    engine = engines.create_engine('sqlite:///%s' % (tmp_path / 'pool.db'),
                                   sqlite_fk=True)
    db_api._on_engine_create(engine)
    return engine


def test_transactions_reuse_an_open_connection(tmp_path):
    engine = _engine(tmp_path)
    opened = []
    sa.event.listen(engine, 'connect', lambda *args: opened.append(1))
    try:
        assert isinstance(engine.pool, sa.pool.QueuePool)
        for _ in range(5):
            with engine.begin() as conn:
                conn.exec_driver_sql('CREATE TABLE IF NOT EXISTS t (x)')
                conn.exec_driver_sql('INSERT INTO t VALUES (1)')
        assert len(opened) == 1
    finally:
        engine.dispose()


def test_a_pooled_connection_keeps_the_pragmas_and_serves_any_thread(
        tmp_path):
    engine = _engine(tmp_path)
    seen = {}

    def read():
        with engine.connect() as conn:
            seen['journal'] = conn.exec_driver_sql(
                'PRAGMA journal_mode').scalar()
            seen['foreign_keys'] = conn.exec_driver_sql(
                'PRAGMA foreign_keys').scalar()

    try:
        with engine.connect() as conn:
            conn.exec_driver_sql('SELECT 1')
        # The connection opened here, used by another thread.
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
        assert seen == {'journal': 'wal', 'foreign_keys': 1}
    finally:
        engine.dispose()


def test_a_writer_holds_the_write_lock_from_its_first_statement(tmp_path):
    engine = _engine(tmp_path)
    seen = []
    sa.event.listen(engine, 'before_cursor_execute',
                    lambda conn, cursor, statement, *args: seen.append(
                        statement))
    other = sqlite3.connect(str(tmp_path / 'pool.db'), timeout=0,
                            isolation_level=None)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql('CREATE TABLE t (x)')
        seen.clear()
        with orm.Session(engine) as session, session.begin():
            db_api._begin_writing(session)
            # Nothing written yet, and no other writer gets in.
            with pytest.raises(sqlite3.OperationalError, match='locked'):
                other.execute('BEGIN IMMEDIATE')
            session.execute(sa.text('INSERT INTO t VALUES (1)'))
        assert seen == ['BEGIN IMMEDIATE', 'INSERT INTO t VALUES (1)']
        # The pooled connection's next transaction is an ordinary one.
        seen.clear()
        with engine.begin() as conn:
            conn.exec_driver_sql('SELECT x FROM t')
        assert seen == ['BEGIN', 'SELECT x FROM t']
    finally:
        other.close()
        engine.dispose()
