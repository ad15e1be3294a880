"""Real services the tests use: RabbitMQ, PostgreSQL, MariaDB, SQLite.

Each test run makes its own databases and exchange (names carry a run id),
so runs never collide, and drops its databases at the end. A service that
cannot be reached is an error, never a skip: the suite proves nothing
without it.
"""

import contextlib
import os
import socket
import uuid

import sqlalchemy as sa

RABBIT_URL = os.environ.get('MELANGE_TEST_TRANSPORT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')
POSTGRES_ADMIN_URL = os.environ.get(
    'MELANGE_TEST_POSTGRES_URL', 'postgresql+psycopg2://postgres@127.0.0.1/postgres')
MYSQL_ADMIN_URL = os.environ.get(
    'MELANGE_TEST_MYSQL_URL', 'mysql+pymysql://root@127.0.0.1/test')

BACKENDS = ('sqlite', 'postgresql', 'mysql')

RUN_ID = uuid.uuid4().hex[:8]


def run_name(*parts):
    """A name unique to this run (and xdist worker), safe for SQL and AMQP."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'main')
    return '_'.join(('melange', RUN_ID, worker) + parts)


def require_port(name, host, port):
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise RuntimeError(
            '%s is not reachable on %s:%s (%s). Start it: see README.md '
            '"Running the tests".' % (name, host, port, exc))


def require_rabbitmq():
    require_port('RabbitMQ', '127.0.0.1', 5672)


class Database:
    """A database of its own for one backend, created and dropped here."""

    def __init__(self, backend, tmpdir, admin_url=None, purpose=None):
        self.backend = backend
        # ``purpose`` tells apart the databases one worker has at once.
        self.name = run_name(backend, *([purpose] if purpose else []))
        if backend == 'sqlite':
            self.url = 'sqlite:///%s' % os.path.join(tmpdir, self.name +
                                                      '.sqlite')
            return
        admin_url = admin_url or (POSTGRES_ADMIN_URL
                                  if backend == 'postgresql'
                                  else MYSQL_ADMIN_URL)
        self.port = sa.engine.make_url(admin_url).port or (
            5432 if backend == 'postgresql' else 3306)
        self._admin = sa.create_engine(admin_url, pool_pre_ping=True,
                                       isolation_level='AUTOCOMMIT')
        url = sa.engine.make_url(admin_url).set(database=self.name)
        if backend == 'mysql':
            url = url.update_query_dict({'charset': 'utf8mb4'})
        self.url = url.render_as_string(hide_password=False)

    def create(self):
        if self.backend == 'sqlite':
            return
        require_port(self.backend, '127.0.0.1', self.port)
        with self._admin.connect() as conn:
            if self.backend == 'postgresql':
                conn.exec_driver_sql('CREATE DATABASE "%s"' % self.name)
            else:
                conn.exec_driver_sql(
                    'CREATE DATABASE `%s` CHARACTER SET utf8mb4' % self.name)

    def drop(self):
        if self.backend == 'sqlite':
            return
        with self._admin.connect() as conn:
            if self.backend == 'postgresql':
                conn.exec_driver_sql(
                    'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)
            else:
                conn.exec_driver_sql('DROP DATABASE IF EXISTS `%s`'
                                     % self.name)
        self._admin.dispose()


@contextlib.contextmanager
def engine_on_own_database(backend, tmpdir, purpose):
    """An engine on a database of its own, dropped afterwards."""
    database = Database(backend, str(tmpdir), purpose=purpose)
    database.create()
    engine = sa.create_engine(database.url)
    try:
        yield engine
    finally:
        engine.dispose()
        database.drop()
