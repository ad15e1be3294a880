"""A SQLite file's log is checkpointed by a thread, never by a COMMIT."""

import sqlite3
import threading

from oslo_db.sqlalchemy import engines
import pytest

from melange_rpc.db import api as db_api
from melange_rpc.db import sqlite_checkpoints
from melange_rpc.db import sqlite_turns


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / 'log.db')


@pytest.fixture
def engine(path):
    # As the enginefacade builds it (tests/unit/test_sqlite_pool.py).
    engine = engines.create_engine('sqlite:///%s' % path, sqlite_fk=True)
    db_api._on_engine_create(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def table(engine, monkeypatch):
    """A table to write to, with the engine's own checkpointer idle:
    the tests run their rounds themselves."""
    monkeypatch.setattr(sqlite_checkpoints, 'INTERVAL', 3600)
    with engine.begin() as conn:
        conn.exec_driver_sql('CREATE TABLE t (x)')


def _running(path):
    return [thread for thread in threading.enumerate()
            if isinstance(thread, sqlite_checkpoints._Checkpointer)
            and thread.path == path]


def _write(engine, transactions):
    for _ in range(transactions):
        with engine.begin() as conn:
            conn.exec_driver_sql('INSERT INTO t VALUES (randomblob(6000))')


def _log_pages(path):
    """(pages in the log, pages copied), by a checkpoint of its own."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        return sqlite_checkpoints._copy(other)[1:]
    finally:
        other.close()


def test_each_process_checkpoints_in_one_thread_until_disposed(engine, path):
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.exec_driver_sql(
                'PRAGMA wal_autocheckpoint').scalar() == 0
    assert len(_running(path)) == 1
    engine.dispose()
    assert _running(path) == []
    # The next connection of the process starts it again.
    with engine.connect() as conn:
        conn.exec_driver_sql('SELECT 1')
    assert len(_running(path)) == 1


def test_commits_leave_the_log_and_a_round_starts_it_again(
        engine, path, table):
    _write(engine, 400)
    # Each row is two pages or more: SQLite's own checkpoint, at 1000
    # pages, would have started the log again long before this.
    log, _ = _log_pages(path)
    assert log > 1000

    checkpointer = sqlite_checkpoints._Checkpointer(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        checkpointer.checkpoint(connection)
        assert checkpointer.copied == (0, log, log)
        # Everything was copied: the next writer starts the log afresh.
        _write(engine, 1)
        log, copied = _log_pages(path)
        assert log < 10 and copied == log
    finally:
        connection.close()


def test_a_round_with_nothing_new_does_not_wait_for_the_writers(
        engine, path, table):
    _write(engine, 5)
    checkpointer = sqlite_checkpoints._Checkpointer(path)
    connection = sqlite3.connect(path, isolation_level=None,
                                 check_same_thread=False)

    def round_while_a_writer_holds_the_turn():
        checkpoint = threading.Thread(target=checkpointer.checkpoint,
                                      args=(connection,))
        with sqlite_turns.turn(path):
            checkpoint.start()
            checkpoint.join(timeout=2)
            finished = not checkpoint.is_alive()
        checkpoint.join()
        return finished

    try:
        checkpointer.checkpoint(connection)
        assert round_while_a_writer_holds_the_turn()
        # With a write since, the round waits for its turn.
        _write(engine, 1)
        assert not round_while_a_writer_holds_the_turn()
    finally:
        connection.close()
