import collections
import os
import time
import uuid

import psutil
import pytest
import sqlalchemy as sa

from melange_rpc import context
from tests.functional import conftest
from tests import server as server_fixture

# The functional tests' session fixtures: this run's exchange, and this
# process configured as a caller on it.
client_config = conftest.client_config
exchange = conftest.exchange


def nova():
    """The context Nova calls with: the service role, acting for tenants."""
    return context.RequestContext(project_id='nova', roles=['service'])


def start_service(backend, tmpdir, exchange, name, workers=2, **kwargs):
    """A melange-rpc-server of a test's own, ready; stop it with
    ``service.server.destroy()``."""
    server = server_fixture.Server(backend, str(tmpdir), exchange,
                                   workers=workers, name=name, **kwargs)
    server.create()
    server.start()
    service = conftest.Melange(server, kwargs.get('transport_url'))
    try:
        server.wait_ready(service.api, service.admin)
    except Exception:
        server.destroy()
        raise
    return service


def workers_of(server):
    """The worker processes of a running server (the launcher's children)."""
    return psutil.Process(server.process.pid).children()


def stored_addresses(service, block_id):
    with service.server.engine.connect() as conn:
        return conn.execute(sa.text(
            'SELECT address FROM ip_addresses WHERE block_id = :b'),
            {'b': block_id}).scalars().all()


def duplicates(values):
    """The values that occur more than once."""
    return [v for v, n in collections.Counter(values).items() if n > 1]


def wait_for_rows(service, block_id, count, timeout=120):
    """Wait until a load under way has stored ``count`` addresses."""
    deadline = time.monotonic() + timeout
    while len(stored_addresses(service, block_id)) < count:
        if time.monotonic() > deadline:
            raise AssertionError('the load did not get going')
        time.sleep(0.1)


def keyed_jobs(count, **kwargs):
    """``count`` rpcapi kwargs dicts, each with an idempotency key of its
    own, so that a test can send a failed one again."""
    return [dict(kwargs, idempotency_key='job-%s' % uuid.uuid4().hex)
            for _ in range(count)]


def client_config_for(tmpdir, transport_url, exchange):
    """A caller's config file for a broker of a test's own."""
    return server_fixture.write_config(
        os.path.join(str(tmpdir), 'client-%s.conf' % uuid.uuid4().hex[:6]),
        DEFAULT={'transport_url': transport_url,
                 'control_exchange': exchange})


@pytest.fixture
def own_server(exchange, tmp_path):
    """A server of this test's own (PostgreSQL, 2 workers) to signal."""
    service = start_service('postgresql', tmp_path, exchange, 'own')
    yield service
    service.server.destroy()
