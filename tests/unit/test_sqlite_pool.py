"""A SQLite file's connections are pooled, like every other backend's."""

import threading

from oslo_db.sqlalchemy import engines
import sqlalchemy as sa

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
