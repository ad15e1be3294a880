#!/usr/bin/env python
"""melange-rpc against the bare message bus, side by side, in one run.

An IPAM call is a message round trip plus one small transaction; the
bare round trip is the limit. This benchmark starts

  (a) a no-op echo RPC server: melange-rpc's own server frame (the same
      oslo.messaging transport, serializer, dispatcher, executor and
      launcher, the same options and worker count) serving endpoints
      that return their arguments, and
  (b) real melange-rpc-server processes on a fresh database,

and drives both with the same callers through the real RabbitMQ: for
workers W in {1, 2}, concurrent callers C in {1, 16, 64} and databases
SQLite and PostgreSQL it prints calls/s, p50 and p99 latency and the
ratio to the echo server, and writes the figures as JSON.

The methods measured run on a database that holds 1,000,000 allocations
(loaded with SQL, not through RPC). The same methods are measured once
before the load (W=2, C=16) to show whether a figure changes as the
database grows. ``--memory`` instead allocates 100,000 addresses through
a W=2 server and reports its workers' RSS.

    .venv/bin/python benchmarks/rpc_throughput.py            # full run
    .venv/bin/python benchmarks/rpc_throughput.py --quick    # smoke run

See benchmarks/README.md for what the figures mean.
"""

import argparse
import contextlib
import itertools
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import psutil
import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
POSTGRES_ADMIN_URL = 'postgresql+psycopg2://postgres@127.0.0.1/postgres'
DEFAULT_JSON = os.path.join(HERE, 'results', 'rpc_throughput.json')
TENANT = 'bench-tenant'
CALLER_PROCESSES = 4
STORED = 1000000

# What each measured method is called with; ``jobs()`` in the callers
# turns these into one kwargs dict per call.
METHODS = (
    'allocate_ip',                 # automatic, one /16
    'allocate_ip (10 blocks)',     # automatic, round robin over 10 blocks
    'allocate_ips_for_interface',  # one IPv4 and one IPv6 address
    'allocate_for_instance',       # 2 NICs on 2 networks
    'get_instance_network_info',
    'deallocate_ip',
    'list_ips',                    # one page of the 1,000,000
)
READS = ('get_instance_network_info', 'list_ips')


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--db', action='append',
                        choices=('sqlite', 'postgresql'),
                        help='database (repeatable; default both)')
    parser.add_argument('--workers', type=int, action='append',
                        help='W (repeatable; default 1 and 2)')
    parser.add_argument('--callers', type=int, action='append',
                        help='C (repeatable; default 1, 16 and 64)')
    parser.add_argument('--seconds', type=float, default=None,
                        help='measured seconds per point (default 2.5, '
                             '1 with --quick)')
    parser.add_argument('--stored', type=int, default=None,
                        help='allocations loaded before the main phase '
                             '(default 1,000,000; 150,000 with --quick)')
    parser.add_argument('--method', action='append', choices=METHODS,
                        help='measure only this method (repeatable; '
                             'default all)')
    parser.add_argument('--profile', action='store_true',
                        help='record the worker with py-spy (samples that '
                             'hold the GIL) at each loaded W=1 C=16 point; '
                             'collapsed stacks go beside the JSON')
    parser.add_argument('--quick', action='store_true',
                        help='shorter points and a smaller load')
    parser.add_argument('--memory', action='store_true',
                        help='only: allocate 100,000 addresses through a '
                             'W=2 server, report its workers\' RSS')
    parser.add_argument('--pg-url', default=POSTGRES_ADMIN_URL)
    parser.add_argument('--json', default=DEFAULT_JSON)
    parser.add_argument('--echo-server', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('--config-file', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.db = args.db or ['sqlite', 'postgresql']
    args.workers = args.workers or [1, 2]
    args.callers = args.callers or [1, 16, 64]
    args.methods = tuple(args.method or METHODS)
    if args.seconds is None:
        args.seconds = 1.0 if args.quick else 2.5
    if args.stored is None:
        # Each loaded deallocate_ip point takes 20,000 of them, 6 points.
        args.stored = 150000 if args.quick else STORED
    return args


# -- the echo server ---------------------------------------------------------

class Echo:
    """Any method: returns its arguments (the bus and the frame, no work)."""

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)

        def echo(ctxt, **kwargs):
            return kwargs
        return echo


def serve_echo(config_file):
    from melange_rpc import config
    from melange_rpc import conf
    from melange_rpc import manager
    from melange_rpc.manager import service
    config.parse_args(['--config-file', config_file])
    config.setup_logging()
    echo = Echo()
    echo.target = manager.TARGET
    launcher = service.launch(
        conf.CONF.workers,
        service.ManagerService(endpoints=[echo], housekeeping=False))
    launcher.wait()


# -- processes ---------------------------------------------------------------

def write_config(path, **sections):
    with open(path, 'w') as f:
        for section, options in sections.items():
            f.write('[%s]\n' % section)
            for name, value in options.items():
                f.write('%s = %s\n' % (name, value))
    return path


class Server:
    """melange-rpc-server (or the echo server) with W workers on a topic."""

    def __init__(self, run, workers, database_url=None):
        self.workers = workers
        self.topic = 'bench-%s-%s' % (run.id, uuid.uuid4().hex[:6])
        self.config = write_config(
            os.path.join(run.tmp, self.topic + '.conf'),
            DEFAULT={'transport_url': RABBIT_URL,
                     'control_exchange': run.exchange,
                     'rpc_topic': self.topic, 'workers': workers,
                     'state_path': run.tmp, 'host': self.topic},
            database={'connection': database_url or 'sqlite://'})
        if database_url is None:
            command = [sys.executable, os.path.abspath(__file__),
                       '--echo-server', '--config-file', self.config]
        else:
            command = [os.path.join(BIN, 'melange-rpc-server'),
                       '--config-file', self.config]
        self.log = open(os.path.join(run.tmp, self.topic + '.log'), 'ab')
        self.process = subprocess.Popen(command, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.callers = run.callers
        self.callers.wait_ready(self.topic)

    def worker_rss(self):
        """RSS of each worker process, in MB."""
        return [child.memory_info().rss / 2 ** 20 for child in
                psutil.Process(self.process.pid).children()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _caller(connection, config_file):
    """A caller process: runs the points it is sent, returns latencies."""
    from melange_rpc import config
    from melange_rpc import context
    from melange_rpc import rpcapi
    config.parse_args(['--config-file', config_file])
    ctxt = context.RequestContext(project_id='nova', roles=['service'])
    while True:
        command = connection.recv()
        if command is None:
            return
        kind, topic, payload = command
        api = rpcapi.MelangeAPI(topic=topic, timeout=60, retries=0)
        if kind == 'ping':
            deadline = time.monotonic() + 60
            while True:
                try:
                    api.with_timeout(2).ping(ctxt)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
            connection.send('ready')
        elif kind == 'call':
            method, kwargs = payload
            connection.send(getattr(api, method)(ctxt, **kwargs))
        else:
            connection.send(_measure(api, ctxt, **payload))


def _jobs(method, spec):
    """One kwargs dict per call, for the rpcapi helper ``method``."""
    if method == 'allocate_ip':
        return itertools.repeat({'block_id': spec['block_id'],
                                 'tenant_id': TENANT})
    if method == 'allocate_ip (10 blocks)':
        return ({'block_id': b, 'tenant_id': TENANT}
                for b in itertools.cycle(spec['block_ids']))
    if method == 'allocate_ips_for_interface':
        return ({'network_id': spec['network_id'], 'tenant_id': TENANT,
                 'interface_id': str(uuid.uuid4())}
                for _ in itertools.count())
    if method == 'allocate_for_instance':
        return ({'device_id': str(uuid.uuid4()), 'tenant_id': TENANT,
                 'interfaces': [{'network_id': n}
                                for n in spec['network_ids']]}
                for _ in itertools.count())
    if method == 'get_instance_network_info':
        return ({'device_id': d} for d in itertools.cycle(spec['devices']))
    if method == 'deallocate_ip':
        return ({'block_id': spec['block_id'], 'address': a}
                for a in spec['addresses'])
    if method == 'list_ips':
        return itertools.repeat({'block_id': spec['block_id'],
                                 'limit': 100})
    raise ValueError(method)


def _rpc_name(method):
    return method.split(' ')[0]


def _measure(api, ctxt, method, spec, threads, warmup, seconds):
    """Run ``threads`` callers for warmup + seconds; return the latencies
    of the calls that started in the measured window, and errors."""
    jobs = _jobs(method, spec)
    lock = threading.Lock()
    start = time.monotonic() + warmup
    end = start + seconds
    latencies, errors = [], []
    call = getattr(api, _rpc_name(method))

    def run():
        while True:
            with lock:
                kwargs = next(jobs, None)
            began = time.monotonic()
            if kwargs is None or began >= end:
                return
            try:
                call(ctxt, **kwargs)
            except Exception as exc:
                errors.append('%s: %s' % (type(exc).__name__, exc))
                continue
            if began >= start:
                with lock:
                    latencies.append(time.monotonic() - began)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[:3], len(errors)


class Callers:
    """CALLER_PROCESSES caller processes, kept for the whole run."""

    def __init__(self, config_file):
        context = multiprocessing.get_context('spawn')
        self.connections = []
        self.processes = []
        for _ in range(CALLER_PROCESSES):
            ours, theirs = context.Pipe()
            process = context.Process(target=_caller,
                                      args=(theirs, config_file))
            process.start()
            self.connections.append(ours)
            self.processes.append(process)

    def wait_ready(self, topic):
        self.connections[0].send(('ping', topic, None))
        self.connections[0].recv()

    def call(self, topic, method, **kwargs):
        self.connections[0].send(('call', topic, (method, kwargs)))
        return self.connections[0].recv()

    def measure(self, topic, method, spec, callers, seconds, warmup=0.5,
                server=None):
        """One point: ``callers`` concurrent callers over the processes;
        with ``server``, also the CPU each part of the machine spent."""
        processes = min(callers, CALLER_PROCESSES)
        threads = callers // processes
        for index in range(processes):
            part = dict(spec)
            if 'addresses' in spec:
                part['addresses'] = spec['addresses'][index::processes]
            self.connections[index].send(('measure', topic, {
                'method': method, 'spec': part, 'threads': threads,
                'warmup': warmup, 'seconds': seconds}))
        meter = CpuMeter(server, self.processes) if server else None
        if meter:
            time.sleep(warmup)
            meter.start()
            time.sleep(seconds)
            meter.stop()
        latencies, errors, failed = [], [], 0
        for index in range(processes):
            got, some, count = self.connections[index].recv()
            latencies += got
            errors += some
            failed += count
        got = figures(latencies, seconds, failed, errors)
        if meter and got['calls']:
            got['cpu_ms_per_call'] = meter.per_call(got['calls'])
        return got

    def close(self):
        for connection in self.connections:
            connection.send(None)
        for process in self.processes:
            process.join(10)


class CpuMeter:
    """CPU seconds the parts of the machine spend in a measured window:
    the server's workers (with SQLite, the database's work too), the
    PostgreSQL server, RabbitMQ, and the callers. Where a call's time goes
    when the 2 cores are the limit."""

    GROUPS = ('workers', 'postgres', 'rabbitmq', 'callers')

    def __init__(self, server, callers):
        self.server = server
        self.callers = callers
        self.before = None
        self.spent = None

    def _processes(self):
        found = [('workers', child) for child in
                 psutil.Process(self.server.process.pid).children()]
        found += [('callers', psutil.Process(p.pid)) for p in self.callers]
        for process in psutil.process_iter(['name']):
            name = process.info['name'] or ''
            if name.startswith('postgres'):
                found.append(('postgres', process))
            elif name.startswith('beam'):
                found.append(('rabbitmq', process))
        return found

    @staticmethod
    def _cpu(process):
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return None

    def start(self):
        self.before = {(group, process.pid): (process, self._cpu(process))
                       for group, process in self._processes()}

    def stop(self):
        self.spent = dict.fromkeys(self.GROUPS, 0.0)
        for (group, _), (process, before) in self.before.items():
            after = self._cpu(process)
            if before is not None and after is not None:
                self.spent[group] += after - before

    def per_call(self, calls):
        return {group: 1000 * spent / calls
                for group, spent in self.spent.items()}


def figures(latencies, seconds, failed=0, errors=()):
    latencies = sorted(latencies)
    if not latencies:
        return {'calls_per_s': 0.0, 'p50_ms': None, 'p99_ms': None,
                'calls': 0, 'failed': failed, 'errors': list(errors)}
    return {
        'calls_per_s': len(latencies) / seconds,
        'p50_ms': 1000 * statistics.median(latencies),
        'p99_ms': 1000 * latencies[min(len(latencies) - 1,
                                       int(len(latencies) * 0.99))],
        'calls': len(latencies), 'failed': failed, 'errors': list(errors),
    }


# -- databases and what they hold ---------------------------------------------

class Database:
    """A fresh database of the run's own, with the schema; dropped at the
    end."""

    def __init__(self, backend, run, pg_url):
        self.backend = backend
        self.name = 'melange_bench_%s' % run.id
        self._admin = None
        if backend == 'sqlite':
            self.url = 'sqlite:///%s' % os.path.join(run.tmp,
                                                     self.name + '.sqlite')
        else:
            self._admin = sa.create_engine(pg_url,
                                           isolation_level='AUTOCOMMIT')
            with self._admin.connect() as conn:
                conn.exec_driver_sql('CREATE DATABASE "%s"' % self.name)
            self.url = sa.engine.make_url(pg_url).set(
                database=self.name).render_as_string(hide_password=False)
        config = write_config(os.path.join(run.tmp, self.name + '.conf'),
                              database={'connection': self.url})
        subprocess.run([os.path.join(BIN, 'melange-rpc-manage'),
                        '--config-file', config, 'db', 'sync'],
                       check=True, capture_output=True)
        self.engine = sa.create_engine(self.url)

    def count(self):
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(
                'SELECT count(*) FROM ip_addresses').scalar()

    def drop(self):
        self.engine.dispose()
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" '
                                     'WITH (FORCE)' % self.name)
            self._admin.dispose()


def load_allocations(database, block_id, first, count):
    """Store ``count`` allocated IPv4 addresses from integer ``first`` on
    in one block, in SQL, as the allocator would have left them: rows,
    free space starting after them, the block's counter."""
    with database.engine.begin() as conn:
        if database.backend == 'postgresql':
            conn.execute(sa.text(
                "INSERT INTO ip_addresses (id, block_id, address, "
                "address_key, ip_version, tenant_id, leased, created_at) "
                "SELECT gen_random_uuid()::text, :block, "
                "host('0.0.0.0'::inet + (:first + g)), "
                "lpad(to_hex(:first + g), 32, '0'), 4, :tenant, false, "
                "now() at time zone 'utc' "
                "FROM generate_series(0, :count - 1) AS g"),
                {'block': block_id, 'first': first, 'count': count,
                 'tenant': TENANT})
        else:
            conn.execute(sa.text(
                "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 "
                "FROM g WHERE n < :count - 1) "
                "INSERT INTO ip_addresses (id, block_id, address, "
                "address_key, ip_version, tenant_id, leased, created_at) "
                "SELECT lower(hex(randomblob(16))), :block, "
                "((:first + n) >> 24) || '.' || (((:first + n) >> 16) & 255)"
                " || '.' || (((:first + n) >> 8) & 255) || '.' || "
                "((:first + n) & 255), printf('%032x', :first + n), 4, "
                ":tenant, 0, datetime('now') FROM g"),
                {'block': block_id, 'first': first, 'count': count,
                 'tenant': TENANT})
        # The free space now starts after the stored addresses.
        last_key = conn.execute(sa.text(
            'SELECT last_key FROM ip_block_free_ranges WHERE block_id = :b'
            ' ORDER BY first_key DESC LIMIT 1'), {'b': block_id}).scalar()
        conn.execute(sa.text(
            'DELETE FROM ip_block_free_ranges WHERE block_id = :b'),
            {'b': block_id})
        conn.execute(sa.text(
            'INSERT INTO ip_block_free_ranges (block_id, first_key, '
            'last_key) VALUES (:b, :f, :l)'),
            {'b': block_id, 'f': '%032x' % (first + count), 'l': last_key})
        conn.execute(sa.text(
            'UPDATE ip_blocks SET allocated_count = allocated_count + :n '
            'WHERE id = :b'), {'n': count, 'b': block_id})
    if database.backend == 'postgresql':
        with database.engine.connect().execution_options(
                isolation_level='AUTOCOMMIT') as conn:
            conn.exec_driver_sql('VACUUM ANALYZE')


class Fixtures:
    """The blocks, networks and devices the measured calls use."""

    def __init__(self, callers, topic):
        call = lambda method, **kw: callers.call(topic, method, **kw)  # noqa
        admin = dict(tenant_id=TENANT)
        self.big = call('create_block', cidr='10.0.0.0/8', **admin)
        one = call('create_block', cidr='172.16.0.0/16', **admin)
        ten = [call('create_block', cidr='172.%d.0.0/16' % (20 + i),
                    network_id='bench-ten', **admin)['id']
               for i in range(10)]
        call('create_block', cidr='172.40.0.0/16', network_id='bench-v46',
             **admin)
        call('create_block', cidr='fd00:40::/64', network_id='bench-v46',
             **admin)
        for index, network in enumerate(('bench-vm-a', 'bench-vm-b')):
            call('create_block', cidr='172.%d.0.0/16' % (50 + index),
                 network_id=network, **admin)
        devices = []
        for _ in range(50):
            device = str(uuid.uuid4())
            call('allocate_for_instance', device_id=device,
                 tenant_id=TENANT,
                 interfaces=[{'network_id': 'bench-vm-a'},
                             {'network_id': 'bench-vm-b'}])
            devices.append(device)
        self.specs = {
            'allocate_ip': {'block_id': one['id']},
            'allocate_ip (10 blocks)': {'block_ids': ten},
            'allocate_ips_for_interface': {'network_id': 'bench-v46'},
            'allocate_for_instance': {
                'network_ids': ['bench-vm-a', 'bench-vm-b']},
            'get_instance_network_info': {'devices': devices},
            'list_ips': {'block_id': self.big['id']},
        }
        self.next_free = int.from_bytes(bytes([10, 0, 0, 1]), 'big')
        self.deallocatable = []

    def load(self, database, count):
        """Store ``count`` more allocations in the /8; the deallocate_ip
        points take theirs from them."""
        first = self.next_free
        load_allocations(database, self.big['id'], first, count)
        self.next_free += count
        self.deallocatable = ['%d.%d.%d.%d' % tuple(
            (value >> shift) & 255 for shift in (24, 16, 8, 0))
            for value in range(first, first + count)]

    def spec(self, method):
        if method == 'deallocate_ip':
            taken, self.deallocatable = (self.deallocatable[:20000],
                                         self.deallocatable[20000:])
            return {'block_id': self.big['id'], 'addresses': taken}
        return self.specs[method]


# -- the run ------------------------------------------------------------------

class Run:
    def __init__(self):
        self.id = uuid.uuid4().hex[:8]
        self.began = time.monotonic()
        self.exchange = 'melange_bench_%s' % self.id
        self.tmp = tempfile.mkdtemp(prefix='melange-bench-')
        self.client_config = write_config(
            os.path.join(self.tmp, 'client.conf'),
            DEFAULT={'transport_url': RABBIT_URL,
                     'control_exchange': self.exchange})
        self.callers = Callers(self.client_config)

    def close(self):
        self.callers.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def print_row(row):
    ratio = row.get('ratio')
    p99 = row.get('p99_vs_echo')
    cpu = row.get('cpu_ms_per_call')
    print('%-10s %2s %3s  %-28s %8.1f %7s %7s %8s %6s %6s %19s%s' % (
        row['db'], row['workers'], row['callers'], row['method'],
        row['calls_per_s'],
        '%.1f' % row['p50_ms'] if row['p50_ms'] is not None else '-',
        '%.1f' % row['p99_ms'] if row['p99_ms'] is not None else '-',
        '%.1f' % row['echo_per_s'] if 'echo_per_s' in row else '',
        '%.2f' % ratio if ratio is not None else '',
        '%.2f' % p99 if p99 is not None else '',
        '/'.join('%.1f' % cpu[g] for g in CpuMeter.GROUPS) if cpu else '',
        '  (%d failed: %s)' % (row['failed'], row['errors'][:1])
        if row['failed'] else ''), flush=True)


HEADER = '%-10s %2s %3s  %-28s %8s %7s %7s %8s %6s %6s %19s' % (
    'db', 'W', 'C', 'method', 'calls/s', 'p50 ms', 'p99 ms', 'echo/s',
    'ratio', 'p99 x', 'CPU ms/call w/pg/mq/c')


class Bracket:
    """The echo server beside melange-rpc's, at the same W, measured just
    before and just after each run of points at one C.

    The VM's speed drifts by the minute (the echo has moved by half
    between two points a minute apart), and a ratio is only as good as
    its two figures are close in time: each point is compared with the
    echo as it was at the moment the point ran (``echo_at``).
    """

    def __init__(self, run, args, echo_server, backend, callers, phase):
        self.run = run
        self.args = args
        self.echo_server = echo_server
        self.backend = backend
        self.callers = callers
        self.phase = phase
        self.before = self.after = None

    def echo(self, when):
        got = timed(lambda: self.run.callers.measure(
            self.echo_server.topic, 'allocate_ip',
            {'block_id': str(uuid.uuid4())}, self.callers, self.args.seconds,
            server=self.echo_server), self.run)
        return dict(got, db=self.backend, workers=self.echo_server.workers,
                    callers=self.callers, phase=self.phase, when=when)

    def measure(self, points):
        """Echo, ``points()`` (melange-rpc's rows, each with its ``at_s``),
        echo again; print and return the rows, each with its ratios."""
        self.before = self.echo('before')
        rows = points()
        self.after = self.echo('after')
        print_row(dict(self.before, db='echo', method='(any), before'))
        for row in rows:
            _compare(row, self.echo_at(row['at_s']))
            print_row(row)
            if row.get('profile'):
                print('   ' + row['profile'])
        print_row(dict(self.after, db='echo', method='(any), after'))
        return rows

    def echo_at(self, at):
        """The echo figures to compare a point that ran at ``at`` with:
        calls/s interpolated between the two echo points; p99 the lower
        of the two, so that a stall in one echo point does not flatter
        melange-rpc's p99."""
        span = self.after['at_s'] - self.before['at_s']
        share = min(1.0, max(0.0, (at - self.before['at_s']) / span)
                    ) if span > 0 else 0.5
        first, last = self.before['calls_per_s'], self.after['calls_per_s']
        p99s = [p for p in (self.before['p99_ms'], self.after['p99_ms'])
                if p is not None]
        return {'calls_per_s': first + share * (last - first),
                'p99_ms': min(p99s) if p99s else None}


def timed(measure, run):
    """``measure()``'s figures, with the middle of the measured window in
    seconds since the run began (``at_s``)."""
    began = time.monotonic()
    got = measure()
    return dict(got, at_s=(began + time.monotonic()) / 2 - run.began)


@contextlib.contextmanager
def servers(run, workers, database_url):
    """The echo server and melange-rpc's, both with ``workers`` workers;
    the one not measured sits idle on its own topic."""
    echo_server = Server(run, workers)
    try:
        server = Server(run, workers, database_url)
        try:
            yield echo_server, server
        finally:
            server.stop()
    finally:
        echo_server.stop()


def measure_backend(run, args, backend, echoes, rows):
    """``backend``'s points into ``rows``, the echo figures beside them
    into ``echoes``."""
    database = Database(backend, run, args.pg_url)
    try:
        # Growth: the methods on the nearly empty database, W=2, C=16,
        # compared as ratios, as the loaded points are: the machine's
        # speed may change during the load.
        with servers(run, max(args.workers), database.url) as (
                echo_server, server):
            fixtures = Fixtures(run.callers, server.topic)
            fixtures.load(database, 40000)
            print('\n-- %s, before the load (%d allocations stored)'
                  % (backend, database.count()))
            print(HEADER)
            bracket = Bracket(run, args, echo_server, backend, 16, 'empty')
            empty = bracket.measure(lambda: [
                point(run, args, server, backend, method, fixtures, 16,
                      phase='empty') for method in args.methods])
            echoes += [bracket.before, bracket.after]
        started = time.monotonic()
        fixtures.load(database, args.stored)
        stored = database.count()
        print('\n-- %s, %d allocations stored (loaded with SQL in %.0f s)'
              % (backend, stored, time.monotonic() - started))
        for workers in args.workers:
            print(HEADER)
            with servers(run, workers, database.url) as (echo_server, server):
                for callers in args.callers:
                    bracket = Bracket(run, args, echo_server, backend,
                                      callers, 'loaded')
                    rows += bracket.measure(lambda: [
                        point(run, args, server, backend, method, fixtures,
                              callers, phase='loaded', stored=stored)
                        for method in args.methods])
                    echoes += [bracket.before, bracket.after]
                rss = server.worker_rss()
                print('   worker RSS after this W: %s MB'
                      % ', '.join('%.0f' % r for r in rss))
                rows.append({'db': backend, 'workers': workers,
                             'phase': 'rss', 'worker_rss_mb': rss})
        rows.extend(empty)
    finally:
        database.drop()


def point(run, args, server, backend, method, fixtures, callers, phase,
          stored=None):
    spy = None
    if args.profile and phase == 'loaded' and (server.workers,
                                                callers) == (1, 16):
        spy = Profile(args, server, backend, method)
    got = timed(lambda: run.callers.measure(
        server.topic, method, fixtures.spec(method), callers, args.seconds,
        server=server), run)
    row = dict(got, db=backend, workers=server.workers, callers=callers,
               method=method, phase=phase, stored=stored)
    if spy:
        row['profile'] = spy.report()
    return row


def _compare(row, base):
    """Add the ratios of ``row`` to the echo figures ``base``."""
    if base['calls_per_s']:
        row['echo_per_s'] = base['calls_per_s']
        row['ratio'] = row['calls_per_s'] / base['calls_per_s']
        if row['p99_ms'] is not None and base['p99_ms']:
            row['p99_echo_ms'] = base['p99_ms']
            row['p99_vs_echo'] = row['p99_ms'] / base['p99_ms']


class Profile:
    """py-spy on the one worker for one point: where the worker's CPU
    goes (``--gil``: only samples of a thread holding the GIL, which is
    the worker's Python work), written as collapsed stacks."""

    def __init__(self, args, server, backend, method):
        worker, = psutil.Process(server.process.pid).children()
        self.path = os.path.join(
            os.path.dirname(os.path.abspath(args.json)), 'profiles',
            '%s-%s.txt' % (backend, method.replace(' ', '_')
                           .replace('(', '').replace(')', '')))
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        # The measured window starts after the callers' warm-up.
        self.process = subprocess.Popen(
            [os.path.join(BIN, 'py-spy'), 'record', '--pid',
             str(worker.pid), '--gil', '--nonblocking', '--format', 'raw',
             '--rate', '200', '--duration', str(int(args.seconds + 1)),
             '--output', self.path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def report(self):
        _, error = self.process.communicate()
        if self.process.returncode or not os.path.exists(self.path):
            # Attaching takes ptrace rights: root, or CAP_SYS_PTRACE.
            return ('py-spy could not record the worker: %s'
                    % error.decode(errors='replace').strip()[-300:])
        samples = in_call = 0
        for line in open(self.path):
            stack, _, count = line.rstrip().rpartition(' ')
            samples += int(count)
            if 'melange_rpc/db/api.py' in stack:
                in_call += int(count)
        return ('py-spy: %d samples, %.0f%% in the call\'s transaction '
                '(db.api writer/reader), the rest the bus and the frame: %s'
                % (samples, 100 * in_call / max(samples, 1), self.path))


def summary(rows):
    """The issue's targets, each as met or missed, from this run's rows."""
    print('\n-- targets (ratios within this run)')
    loaded = [r for r in rows if r.get('phase') == 'loaded']
    checks = []
    for backend, floor in (('postgresql', 0.6), ('sqlite', 0.5)):
        mine = [r for r in loaded if r['db'] == backend
                and r['method'] == 'allocate_ip' and 'ratio' in r]
        if mine:
            worst = min(mine, key=lambda r: r['ratio'])
            checks.append(('allocate_ip >= %.1f x echo on %s' % (
                floor, backend), worst['ratio'] >= floor,
                'worst %.2f at W=%d C=%d' % (worst['ratio'],
                                             worst['workers'],
                                             worst['callers'])))
            p99 = max((r for r in mine if 'p99_vs_echo' in r),
                      key=lambda r: r['p99_vs_echo'], default=None)
            if p99:
                checks.append(('allocate_ip p99 <= 2 x echo p99 on %s'
                               % backend, p99['p99_vs_echo'] <= 2,
                               'worst %.2f at W=%d C=%d' % (
                                   p99['p99_vs_echo'], p99['workers'],
                                   p99['callers'])))
    reads = [r for r in loaded if r['method'] in READS and 'ratio' in r]
    if reads:
        worst = min(reads, key=lambda r: r['ratio'])
        checks.append(('reads >= 0.8 x echo', worst['ratio'] >= 0.8,
                       'worst %.2f (%s, %s, W=%d C=%d)' % (
                           worst['ratio'], worst['method'], worst['db'],
                           worst['workers'], worst['callers'])))
    for row in [r for r in rows if r.get('phase') == 'empty']:
        after = [r for r in loaded if r['db'] == row['db']
                 and r['method'] == row['method']
                 and r['workers'] == row['workers']
                 and r['callers'] == row['callers']]
        # Ratios to the echo beside each: the two points are minutes
        # apart, and the machine's speed is not constant.
        if after and row.get('ratio') and 'ratio' in after[0]:
            change = after[0]['ratio'] / row['ratio'] - 1
            checks.append(('%s on %s, empty -> loaded within 20%%' % (
                row['method'], row['db']), change >= -0.2,
                '%+.0f%%' % (100 * change)))
    for row in [r for r in rows if r.get('phase') == 'rss']:
        checks.append(('worker RSS < 150 MB (%s, W=%d)' % (
            row['db'], row['workers']),
            max(row['worker_rss_mb']) < 150,
            'max %.0f MB' % max(row['worker_rss_mb'])))
    for name, met, detail in checks:
        print('%-7s %-58s %s' % ('met' if met else 'MISSED', name, detail))
    return [{'target': n, 'met': m, 'detail': d} for n, m, d in checks]


def measure_memory(run, args):
    """100,000 allocations through a W=2 server; its workers' RSS."""
    database = Database(args.db[-1], run, args.pg_url)
    try:
        server = Server(run, 2, database.url)
        try:
            fixtures = Fixtures(run.callers, server.topic)
            before = server.worker_rss()
            done, started = 0, time.monotonic()
            while done < 100000:
                got = run.callers.measure(
                    server.topic, 'allocate_ip (10 blocks)',
                    fixtures.spec('allocate_ip (10 blocks)'), 16, 30,
                    warmup=0)
                done += got['calls']
                print('%6d allocations, %5.0f s, worker RSS %s MB' % (
                    done, time.monotonic() - started,
                    ', '.join('%.0f' % r for r in server.worker_rss())),
                    flush=True)
            return {'db': database.backend, 'allocations': done,
                    'rss_before_mb': before,
                    'rss_after_mb': server.worker_rss()}
        finally:
            server.stop()
    finally:
        database.drop()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.echo_server:
        return serve_echo(args.config_file)
    run = Run()
    began = time.monotonic()
    result = {'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
              'machine': {'cpus': os.cpu_count(),
                          'python': platform.python_version()},
              'seconds_per_point': args.seconds}
    try:
        if args.memory:
            result['memory'] = measure_memory(run, args)
        else:
            echoes, rows = [], []
            for backend in args.db:
                measure_backend(run, args, backend, echoes, rows)
            result['echo'] = echoes
            result['points'] = rows
            result['targets'] = summary(rows)
    finally:
        run.close()
    result['wall_seconds'] = time.monotonic() - began
    print('\nwall %.0f s, load average %s' % (
        result['wall_seconds'], ', '.join('%.1f' % x
                                          for x in os.getloadavg())))
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, 'w') as f:
        json.dump(result, f, indent=1)
    print('figures written to %s' % args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
