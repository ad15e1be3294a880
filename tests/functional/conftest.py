"""Functional fixtures: real servers on RabbitMQ, one per database backend."""

import contextlib
import os
import uuid

import pytest
import sqlalchemy as sa

from melange_rpc import config
from melange_rpc import context
from melange_rpc import rpc
from melange_rpc import rpcapi
from tests import server as server_fixture
from tests import services


@pytest.fixture(scope='session')
def client_config(tmp_path_factory):
    """Configure this process's oslo.config as a caller on our exchange;
    the file's path, for caller processes of the tests' own."""
    services.require_rabbitmq()
    path = server_fixture.write_config(
        str(tmp_path_factory.mktemp('client') / 'client.conf'),
        DEFAULT={'transport_url': services.RABBIT_URL,
                 'control_exchange': services.run_name('exchange')},
        rpcapi={'call_timeout': 30})
    config.parse_args(['--config-file', path])
    return path


@pytest.fixture(scope='session')
def exchange(client_config):
    """The AMQP exchange of this test run."""
    return services.run_name('exchange')


class Melange:
    """A running service and the ways a test talks to it."""

    def __init__(self, server, transport_url=None):
        self.server = server
        self.backend = server.backend
        # The client's own broker, unless the server uses another one.
        transport = (rpc.get_transport(transport_url)
                     if transport_url else None)
        self.api = rpcapi.MelangeAPI(topic=server.topic, transport=transport)
        self.admin = context.RequestContext(
            project_id='admin-project', user_id='admin', roles=['admin'])

    def tenant(self, project_id=None):
        """A member of a project (a fresh one unless named)."""
        return context.RequestContext(
            project_id=project_id or 'tenant-' + uuid.uuid4().hex[:8],
            user_id='user', roles=['member'])

    def snapshot(self):
        """Every row of every table, to show a failed call changed nothing."""
        with self.server.engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            return {
                name: sorted(tuple(str(v) for v in row)
                             for row in conn.execute(table.select()))
                for name, table in metadata.tables.items()
                if name != 'alembic_version'}


@contextlib.contextmanager
def running(server):
    """``server`` created, started and answering, as a Melange; destroyed
    at the end, whatever happens."""
    try:
        server.create()
        server.start()
        service = Melange(server)
        server.wait_ready(service.api, service.admin)
        yield service
    finally:
        server.destroy()


@pytest.fixture(scope='session', params=services.BACKENDS)
def melange(request, exchange, tmp_path_factory):
    """melange-rpc-server (2 workers) on each database backend in turn."""
    tmpdir = str(tmp_path_factory.mktemp('melange-' + request.param))
    server = server_fixture.Server(request.param, tmpdir, exchange)
    try:
        with running(server) as service:
            yield service
    finally:
        if os.path.exists(server.log_path):
            with open(server.log_path) as log:
                tracebacks = log.read().count('Traceback')
            # Typed errors are logged without tracebacks; a traceback is
            # a crash the tests did not see.
            assert tracebacks == 0, 'server log has tracebacks: %s' % (
                server.log_path)


@pytest.fixture
def tenant(melange):
    return melange.tenant()
