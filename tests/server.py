"""Run real melange-rpc-server processes for the functional tests."""

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from tests import services

BIN = os.path.dirname(sys.executable)


def write_config(path, **sections):
    with open(path, 'w') as f:
        for section, options in sections.items():
            f.write('[%s]\n' % section)
            for name, value in options.items():
                f.write('%s = %s\n' % (name, value))
            f.write('\n')
    return path


class Server:
    """melange-rpc-server on its own database and topic."""

    def __init__(self, backend, tmpdir, exchange, workers=2, extra=None,
                 name='', transport_url=None, admin_url=None):
        self.backend = backend
        self.tmpdir = tmpdir
        self.database = services.Database(backend, tmpdir, admin_url)
        if name:
            self.database.name += '_' + name
            self.database.url = self.database.url.replace(
                services.run_name(backend), self.database.name)
        self.topic = services.run_name('topic', backend, *filter(None,
                                                               [name]))
        # Named after the server too: several may share one directory.
        label = '-'.join(filter(None, [backend, name]))
        self.log_path = os.path.join(tmpdir, 'server-%s.log' % label)
        options = {
            'DEFAULT': {
                'transport_url': transport_url or services.RABBIT_URL,
                'control_exchange': exchange,
                'rpc_topic': self.topic,
                'host': 'test-%s' % (name or backend),
                'workers': workers,
                'state_path': tmpdir,
                'graceful_shutdown_timeout': 30,
            },
            'database': {'connection': self.database.url},
            'oslo_messaging_rabbit': {'heartbeat_timeout_threshold': 0},
        }
        for section, values in (extra or {}).items():
            options.setdefault(section, {}).update(values)
        self.config = write_config(
            os.path.join(tmpdir, 'melange-%s.conf' % label), **options)
        self.process = None
        self._engine = None

    def manage(self, *args):
        return subprocess.run(
            [os.path.join(BIN, 'melange-rpc-manage'), '--config-file',
             self.config] + list(args),
            check=True, capture_output=True, text=True)

    def create(self):
        self.database.create()
        self.manage('db', 'sync')

    def start(self):
        self._log = open(self.log_path, 'ab')
        self.process = subprocess.Popen(
            [os.path.join(BIN, 'melange-rpc-server'), '--config-file',
             self.config],
            stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, api, ctxt, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('melange-rpc-server exited (%s); log: %s'
                                   % (self.process.returncode,
                                      self.log_path))
            try:
                return api.with_timeout(2).ping(ctxt)
            except Exception:
                if time.monotonic() > deadline:
                    raise

    def signal(self, signum):
        os.kill(self.process.pid, signum)

    def stop(self, timeout=60):
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

    @property
    def engine(self):
        if self._engine is None:
            # pre_ping: a test may have restarted the database since.
            self._engine = sa.create_engine(self.database.url,
                                            pool_pre_ping=True)
        return self._engine

    def destroy(self):
        self.stop()
        if self._engine is not None:
            self._engine.dispose()
        self.database.drop()
