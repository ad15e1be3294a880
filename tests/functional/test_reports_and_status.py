"""Operator diagnostics: a Guru Meditation report from a live worker on
SIGUSR2, and ``melange-rpc-status upgrade check`` on the schema."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.functional import conftest
from tests.reliability import conftest as reliability
from tests import server as server_fixture

STATUS = os.path.join(os.path.dirname(sys.executable), 'melange-rpc-status')


@pytest.fixture(scope='module')
def reporting(exchange, tmp_path_factory):
    tmpdir = tmp_path_factory.mktemp('reports')
    reports = tmpdir / 'gmr'
    reports.mkdir()
    server = server_fixture.Server(
        'sqlite', str(tmpdir), exchange, workers=1, name='reports',
        extra={'oslo_reports': {'log_dir': str(reports)}})
    with conftest.running(server) as service:
        yield service, reports


def test_sigusr2_makes_a_worker_report_and_carry_on(reporting):
    service, reports = reporting
    [worker] = reliability.workers_of(service.server)
    os.kill(worker.pid, signal.SIGUSR2)
    deadline = time.monotonic() + 30
    while not list(reports.iterdir()):
        assert time.monotonic() < deadline, 'no report written'
        time.sleep(0.2)
    time.sleep(0.5)             # the report is written in one go; let it
    [report] = list(reports.iterdir())
    text = report.read_text()
    for section in ('Guru Meditation', 'Package', 'Threads',
                    'Configuration'):
        assert section in text
    assert 'product = melange-rpc' in text
    # The RPC server's threads are in the stacks; secrets are not.
    assert 'oslo_messaging' in text
    assert service.server.database.url not in text
    assert 'connection = ***' in text
    assert service.api.ping(service.admin)['service'] == 'melange-rpc'


def test_upgrade_check_passes_on_a_synced_schema(reporting):
    service, _ = reporting
    result = subprocess.run([STATUS, '--config-file', service.server.config,
                             'upgrade', 'check'], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Schema at revision' in result.stdout


def test_upgrade_check_fails_on_a_database_without_schema(tmp_path):
    config = server_fixture.write_config(
        str(tmp_path / 'empty.conf'),
        database={'connection': 'sqlite:///%s' % (tmp_path / 'empty.db')})
    result = subprocess.run([STATUS, '--config-file', config, 'upgrade',
                             'check'], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert 'no schema; run melange-rpc-manage db' in result.stdout
