"""Private service nodes that a test may stop, kill and start again.

The machine's own RabbitMQ and PostgreSQL serve every other test of the
run, so a test that takes a broker or a database down brings up a node of
its own: RabbitMQ (one node, or several joined into a cluster) and
PostgreSQL, each on free loopback ports with its data under a temporary
directory, and removes it at the end.
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

RABBIT_BIN = '/usr/lib/rabbitmq/bin'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError('%s did not listen on port %d within %d s'
                                   % (what, port, timeout))
            time.sleep(0.2)


def wait_until_closed(port, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
        except OSError:
            return
        if time.monotonic() > deadline:
            raise RuntimeError('%s still listens on port %d' % (what, port))
        time.sleep(0.2)


class RabbitNode:
    """One RabbitMQ node of our own: its name, ports, data and cookie.

    Nodes made with the same ``cookie`` (and ``home``) can be clustered.
    The node runs as the current user with HOME in its directory, so the
    node and rabbitmqctl share the Erlang cookie written there; Erlang's
    distribution listens on loopback only.
    """

    def __init__(self, name, base_dir, home=None):
        self.name = name
        self.node = '%s@localhost' % name
        self.port = free_port()
        self.dist_port = free_port()
        self.dir = os.path.join(base_dir, name)
        self.home = home or self.dir
        os.makedirs(self.dir, exist_ok=True)
        cookie = os.path.join(self.home, '.erlang.cookie')
        if not os.path.exists(cookie):
            with open(cookie, 'w') as f:
                f.write(secrets.token_hex(16).upper())
            os.chmod(cookie, 0o400)
        self.config = os.path.join(self.dir, 'rabbitmq.conf')
        with open(self.config, 'w') as f:
            f.write('listeners.tcp.default = 127.0.0.1:%d\n' % self.port)
            f.write('loopback_users = none\n')
        self.plugins = os.path.join(self.dir, 'enabled_plugins')
        with open(self.plugins, 'w') as f:
            f.write('[].\n')
        self.log_path = os.path.join(self.dir, 'node.log')
        self.process = None
        self.url = 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def _env(self):
        env = dict(os.environ)
        env.update({
            'HOME': self.home,
            'RABBITMQ_NODENAME': self.node,
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': str(self.port),
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': os.path.join(self.dir, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(self.dir, 'log'),
            'RABBITMQ_CONFIG_FILE': self.config,
            'RABBITMQ_ENABLED_PLUGINS_FILE': self.plugins,
            # Not the machine's rabbitmq-env.conf: it names its node.
            'RABBITMQ_CONF_ENV_FILE': os.path.join(self.dir, 'none.conf'),
            'RABBITMQ_PID_FILE': os.path.join(self.dir, 'pid'),
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
                '-kernel inet_dist_use_interface {127,0,0,1}',
        })
        return env

    def start(self, timeout=90):
        log = open(self.log_path, 'ab')
        self.process = subprocess.Popen(
            [os.path.join(RABBIT_BIN, 'rabbitmq-server')], env=self._env(),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        # The AMQP listener opens last, once the node has booted;
        # rabbitmqctl cannot reach the node before it has registered.
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('RabbitMQ node %s exited (%s); see %s'
                                   % (self.node, self.process.returncode,
                                      self.log_path))
            try:
                socket.create_connection(('127.0.0.1', self.port),
                                         timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError('RabbitMQ node %s did not start in '
                                       '%d s; see %s' % (self.node, timeout,
                                                         self.log_path))
                time.sleep(0.2)
        self.ctl('await_startup', timeout=timeout)

    def ctl(self, *args, timeout=60, check=True):
        return subprocess.run(
            [os.path.join(RABBIT_BIN, 'rabbitmqctl'), '-n', self.node]
            + list(args), env=self._env(), capture_output=True, text=True,
            timeout=timeout, check=check)

    def stop(self, timeout=60):
        """Stop the node (its data stays: start() brings it back)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.ctl('stop', timeout=timeout, check=False)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
        wait_until_closed(self.port, timeout, 'RabbitMQ node %s' % self.node)

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def join(self, other):
        """Join ``other``'s cluster (this node must be running)."""
        self.ctl('stop_app')
        self.ctl('join_cluster', other.node)
        self.ctl('start_app')

    def destroy(self):
        try:
            self.stop(timeout=30)
        except Exception:
            self.kill()
        # The Erlang port mapper keeps no state of ours; the data goes.
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresNode:
    """A PostgreSQL server of our own (initdb, pg_ctl) on a free port.

    PostgreSQL refuses to run as root; as root the node belongs to the
    ``postgres`` user, in a directory of its own under /tmp.
    """

    def __init__(self):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix='melange-pg-')
        self.data = os.path.join(self.dir, 'data')
        self.log_path = os.path.join(self.dir, 'server.log')
        self._as = []
        if os.geteuid() == 0:
            user = pwd.getpwnam('postgres')
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as = ['runuser', '-u', 'postgres', '--']
        self.url = ('postgresql+psycopg2://postgres@127.0.0.1:%d/postgres'
                    % self.port)

    def _run(self, *args, timeout=120):
        return subprocess.run(self._as + list(args), capture_output=True,
                              text=True, check=True, timeout=timeout,
                              cwd=self.dir)

    def create(self):
        self._run(os.path.join(self.bin, 'initdb'), '-D', self.data,
                  '-U', 'postgres', '-A', 'trust', '--no-sync')

    def start(self):
        options = ('-c listen_addresses=127.0.0.1 -p %d -k %s '
                   '-c fsync=off -c max_connections=200'
                   % (self.port, self.dir))
        self._run(os.path.join(self.bin, 'pg_ctl'), '-D', self.data, '-l',
                  self.log_path, '-o', options, '-w', 'start')

    def stop(self, mode='fast'):
        """Stop the server; ``immediate`` is a crash (recovery at start)."""
        self._run(os.path.join(self.bin, 'pg_ctl'), '-D', self.data, '-m',
                  mode, '-w', 'stop')

    def destroy(self):
        try:
            self.stop('immediate')
        except subprocess.CalledProcessError:
            pass     # not running
        shutil.rmtree(self.dir, ignore_errors=True)


def _postgres_bin():
    base = '/usr/lib/postgresql'
    versions = sorted(os.listdir(base), key=lambda v: int(v.split('.')[0]))
    if not versions:
        raise RuntimeError('PostgreSQL server binaries not found in %s'
                           % base)
    return os.path.join(base, versions[-1], 'bin')


class RabbitCluster:
    """``size`` RabbitNodes joined into one cluster, on loopback.

    The nodes share one home, hence one Erlang cookie: that is what lets
    them (and rabbitmqctl) talk to each other. Node 1 founds the cluster,
    the others join it; a node stopped later and started again rejoins
    by itself, as it remembers its peers in its own data directory.
    """

    def __init__(self, base_dir, size=3, prefix=None):
        prefix = prefix or 'melange-%s' % secrets.token_hex(4)
        self.home = os.path.join(base_dir, 'home')
        os.makedirs(self.home, exist_ok=True)
        self.nodes = [RabbitNode('%s-%d' % (prefix, i + 1), base_dir,
                                 home=self.home)
                      for i in range(size)]

    @property
    def url(self):
        """A multi-host transport_url that lists every node."""
        return 'rabbit://%s/' % ','.join(
            'guest:guest@127.0.0.1:%d' % node.port for node in self.nodes)

    def start(self, timeout=180):
        # Each node boots for several seconds of CPU; booting them side by
        # side halves the wait on a machine with two cores.
        errors = []

        def boot(node):
            try:
                node.start(timeout=timeout)
            except Exception as exc:      # reported below, in order
                errors.append(exc)

        threads = [threading.Thread(target=boot, args=(node,))
                   for node in self.nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        for node in self.nodes[1:]:
            node.join(self.nodes[0])
        self.wait_running(len(self.nodes), timeout)

    def query(self, *args):
        """``rabbitmqctl <args> --formatter json`` on a node that is up,
        parsed; the answers are the cluster's (connections, queues, ...
        of every node)."""
        failures = []
        for node in self.nodes:
            if node.process is None or node.process.poll() is not None:
                continue
            try:
                done = node.ctl(*args, '--formatter', 'json', check=False)
            except subprocess.TimeoutExpired:
                # A node busy leaving or joining; another may answer.
                failures.append('%s: no answer' % node.node)
                continue
            if done.returncode == 0:
                return json.loads(done.stdout)
            failures.append('%s: %s' % (node.node, done.stderr.strip()))
        raise RuntimeError('no node answered %s: %s'
                           % (' '.join(args), '; '.join(failures)))

    def running(self):
        """The running nodes, as one that is up sees the cluster."""
        try:
            return sorted(self.query('cluster_status')['running_nodes'])
        except RuntimeError:
            return []

    def wait_running(self, count, timeout=120):
        deadline = time.monotonic() + timeout
        while len(self.running()) != count:
            if time.monotonic() > deadline:
                raise RuntimeError('the cluster has %s running, not %d nodes'
                                   % (self.running(), count))
            time.sleep(1)

    def node_on_port(self, port):
        return next(node for node in self.nodes if node.port == port)

    def destroy(self):
        """Kill every node and remove its data, whatever state it is in:
        nothing of a test's cluster is worth a graceful stop."""
        for node in self.nodes:
            try:
                node.kill()
            except Exception:
                pass      # already gone; the others must go all the same
            node.process = None
            shutil.rmtree(node.dir, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)
