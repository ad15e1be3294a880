#!/usr/bin/env python
"""Automatic allocation speed against block size and fill level.

The allocator keeps a block's free space as intervals and takes the first
address of the lowest one, so one automatic allocation should cost the
same in a /24 and a /64, empty or 99% full. This benchmark shows whether
it does. It runs in-process against the domain layer (no RPC), through
the same engine set-up and one-transaction-per-call helper the service
uses (db.api.writer), one transaction per allocation.

For each block size (/24, /16, /8, /64) and fill level (0%, 50%, 99%) a
new block is created with ipam.blocks.create and brought to the fill level
with bulk SQL, exactly as the allocator would have left it: rows in
ip_addresses for the lowest N allocatable addresses, free ranges starting
at the fill point, allocated_count = N. Where N is too large to store
(a /8 or a /64) only the ``--sample`` addresses just below the fill point
get rows; the free ranges and the counter still say N. The output marks
those cases: the allocator reads the free-range index, not the rows, so
its cost should not follow the row count, and the table shows the row
count next to the figure rather than hiding it.

A /16 with a policy of 500 unusable ranges (attached through
ipam.block_updates.update) is measured the same way.

K allocations are timed per case, each checked to be the address the
allocator must choose. The cases take turns in chunks, so a change in the
machine's load falls on all of them alike. When a block runs out of free
space (a /24 at 99% has three addresses left) it is put back to its fill
state, outside the timed part.

Run from the repository root:

    .venv/bin/python benchmarks/allocation_fill.py
    .venv/bin/python benchmarks/allocation_fill.py --db postgresql
    .venv/bin/python benchmarks/allocation_fill.py --quick
"""

import argparse
import datetime
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid

import netaddr
import sqlalchemy as sa

from melange_rpc import context
from melange_rpc.db import api as db_api
from melange_rpc.db import models
from melange_rpc.ipam import addresses
from melange_rpc.ipam import addressing
from melange_rpc.ipam import block_updates
from melange_rpc.ipam import blocks
from melange_rpc.ipam import policies

POSTGRES_ADMIN_URL = 'postgresql+psycopg2://postgres@127.0.0.1/postgres'
DEFAULT_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            'results', 'allocation_fill.json')
TENANT = 'bench-tenant'
FILLS = (0, 50, 99)
BIGINT_MAX = 2 ** 63 - 1
BATCH = 10000
WARMUP = 20
CHUNK = 50

# (label, CIDR pattern filled with the case number).
SIZES = (
    ('/24', '192.168.%d.0/24'),
    ('/16', '172.%d.0.0/16'),
    ('/8', '%d.0.0.0/8'),
    ('/64', 'fd00:0:0:%x::/64'),
)
POLICY_LABEL = '/16 + policy'
POLICY_RANGES = 500
# 500 ranges of 16 addresses, one every 128: 501 free intervals in a /16.
POLICY_STRIDE = 128
POLICY_LENGTH = 16


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Automatic allocations per second at 0%, 50% and 99% '
                    'fill, for /24, /16, /8 and /64 blocks.')
    parser.add_argument('--db', action='append',
                        choices=('sqlite', 'postgresql'),
                        help='database to run against (repeatable; '
                             'default sqlite)')
    parser.add_argument('--pg-url', default=POSTGRES_ADMIN_URL,
                        help='PostgreSQL server URL; a database of its own '
                             'is created there and dropped at the end '
                             '(default %(default)s)')
    parser.add_argument('-k', '--allocations', type=int, default=None,
                        help='timed allocations per case (default 1000, '
                             '200 with --quick)')
    parser.add_argument('--sample', type=int, default=None,
                        help='most address rows stored per block; above '
                             'it only the rows just below the fill point '
                             'are stored (default 200000, 20000 with '
                             '--quick)')
    parser.add_argument('--quick', action='store_true',
                        help='smaller K and sample, for a smoke run')
    parser.add_argument('--json', default=DEFAULT_JSON,
                        help='where to write the figures (default '
                             'benchmarks/results/allocation_fill.json)')
    args = parser.parse_args(argv)
    args.db = args.db or ['sqlite']
    if args.allocations is None:
        args.allocations = 200 if args.quick else 1000
    if args.sample is None:
        args.sample = 20000 if args.quick else 200000
    if args.allocations < 1 or args.sample < 0:
        parser.error('--allocations must be positive, --sample not '
                     'negative')
    return args


# -- databases --------------------------------------------------------------

class Database:
    """A database of the benchmark's own, created and removed here."""

    def __init__(self, backend, pg_url):
        self.backend = backend
        self._tmpdir = None
        self._admin = None
        self.name = 'melange_bench_%s' % uuid.uuid4().hex[:10]
        if backend == 'sqlite':
            self._tmpdir = tempfile.mkdtemp(prefix='melange-bench-')
            self.url = 'sqlite:///%s' % os.path.join(self._tmpdir,
                                                     'bench.sqlite')
        else:
            self._admin = sa.create_engine(pg_url,
                                           isolation_level='AUTOCOMMIT')
            self.url = sa.engine.make_url(pg_url).set(
                database=self.name).render_as_string(hide_password=False)

    def __enter__(self):
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.exec_driver_sql('CREATE DATABASE "%s"' % self.name)
        return self

    def __exit__(self, *exc):
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.exec_driver_sql('DROP DATABASE IF EXISTS "%s" '
                                     'WITH (FORCE)' % self.name)
            self._admin.dispose()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)


class Service:
    """The service's engine and transactions, pointed at one database.

    db.api.writer runs each call in a transaction of the module's
    context manager; a new manager made from it (same options and
    engine hooks: SQLite WAL, BEGIN IMMEDIATE, foreign keys) is swapped
    in for the run, so allocations go through exactly the code path the
    RPC methods use.
    """

    def __init__(self, url):
        self._saved = db_api.context_manager
        manager = db_api.context_manager.make_new_manager()
        manager.configure(connection=url)
        db_api.context_manager = manager
        self.engine = db_api.get_engine()
        self.statements = 0
        self.sql_time = 0.0
        self._started = None
        sa.event.listen(self.engine, 'before_cursor_execute', self._before)
        sa.event.listen(self.engine, 'after_cursor_execute', self._after)

    def _before(self, *args):
        self.statements += 1
        self._started = time.perf_counter()

    def _after(self, *args):
        self.sql_time += time.perf_counter() - self._started

    def write(self, fn):
        return db_api.writer(context.get_admin_context(), fn)

    def close(self):
        self.engine.dispose()
        db_api.context_manager = self._saved


# -- interval helpers -------------------------------------------------------

def free_intervals(conn, block_id):
    rows = conn.execute(
        sa.select(models.BlockFreeRange.first_key,
                  models.BlockFreeRange.last_key)
        .where(models.BlockFreeRange.block_id == block_id)
        .order_by(models.BlockFreeRange.first_key)).all()
    return [(int(a, 16), int(b, 16)) for a, b in rows]


def split_front(intervals, n):
    """(the first n addresses as intervals, what is left) of ``intervals``.
    """
    taken, rest = [], []
    for first, last in intervals:
        size = last - first + 1
        if n >= size:
            taken.append((first, last))
            n -= size
        elif n > 0:
            taken.append((first, first + n - 1))
            rest.append((first + n, last))
            n = 0
        else:
            rest.append((first, last))
    return taken, rest


def highest(intervals, count):
    """The ``count`` highest addresses of ``intervals``, ascending."""
    chosen = []
    for first, last in reversed(intervals):
        if count <= 0:
            break
        start = max(first, last - count + 1)
        chosen.append((start, last))
        count -= last - start + 1
    return [v for first, last in reversed(chosen)
            for v in range(first, last + 1)]


def walk(intervals):
    """Addresses of ``intervals`` in order, lowest first."""
    for first, last in intervals:
        value = first
        while value <= last:
            yield value
            value += 1


def size_of(intervals):
    return sum(last - first + 1 for first, last in intervals)


# -- one case ---------------------------------------------------------------

class Filled:
    """A block brought to a fill level, and how to put it back there."""

    def __init__(self, block_id, version, wanted, free, rows, counter):
        self.block_id = block_id
        self.version = version
        self.allocated = wanted     # addresses the fill stands for
        self.free = free            # free intervals after the fill
        self.rows = rows            # ip_addresses rows actually stored
        self.counter = counter      # what allocated_count was set to

    @property
    def sampled(self):
        return self.rows < self.allocated

    @property
    def counter_capped(self):
        return self.counter != self.allocated


def fill(service, block_id, version, percent, sample):
    """Allocate the lowest ``percent`` of the block's free space, in SQL."""
    with service.engine.begin() as conn:
        before = free_intervals(conn, block_id)
        wanted = size_of(before) * percent // 100
        taken, free = split_front(before, wanted)
        stored = highest(taken, min(wanted, sample))
        now = models.utcnow()
        for start in range(0, len(stored), BATCH):
            conn.execute(sa.insert(models.IpAddress), [{
                'id': str(uuid.uuid4()), 'block_id': block_id,
                'address': str(netaddr.IPAddress(value, version=version)),
                'address_key': addressing.key(value),
                'ip_version': version, 'tenant_id': TENANT,
                'leased': False, 'created_at': now,
            } for value in stored[start:start + BATCH]])
        # allocated_count is a signed 64-bit column; half a /64 already
        # fills it, so there it holds the stored rows instead.
        counter = wanted if wanted < BIGINT_MAX // 2 else len(stored)
        filled = Filled(block_id, version, wanted, free, len(stored),
                        counter)
        reset(conn, filled)
    return filled


def reset(conn, filled):
    """Put the block back to its fill state (free space, rows, counter)."""
    free_range = models.BlockFreeRange
    if filled.free:
        conn.execute(sa.delete(models.IpAddress).where(
            models.IpAddress.block_id == filled.block_id,
            models.IpAddress.address_key >= addressing.key(
                filled.free[0][0])))
    conn.execute(sa.delete(free_range).where(
        free_range.block_id == filled.block_id))
    if filled.free:
        conn.execute(sa.insert(free_range), [{
            'block_id': filled.block_id, 'first_key': addressing.key(a),
            'last_key': addressing.key(b)} for a, b in filled.free])
    conn.execute(sa.update(models.IpBlock)
                 .where(models.IpBlock.id == filled.block_id)
                 .values(allocated_count=filled.counter))


def create_block(service, cidr, policy_ranges=()):
    """Create the block (and attach a policy); return id and timings."""
    start = time.perf_counter()
    block_id = service.write(
        lambda session: blocks.create(session, cidr, TENANT).id)
    created = time.perf_counter() - start
    attached = None
    if policy_ranges:
        def attach(session):
            policy = policies.create(session, 'bench %s' % cidr, TENANT)
            for offset, length in policy_ranges:
                policies.add_range(session, policy, offset, length)
            block_updates.update(session, blocks.get(session, block_id),
                                 policy=policy)
        start = time.perf_counter()
        service.write(attach)
        attached = time.perf_counter() - start
    return block_id, created, attached


def allocate(session, block_id):
    block = blocks.get(session, block_id)
    return addresses.allocate(session, block, TENANT).address_key


class Case:
    """One block at one fill level, and its timed allocations."""

    def __init__(self, service, label, cidr, percent, sample,
                 policy_ranges=()):
        self.service = service
        self.label = label
        self.cidr = cidr
        self.percent = percent
        self.block_id, self.created, self.attached = create_block(
            service, cidr, policy_ranges)
        start = time.perf_counter()
        self.filled = fill(service, self.block_id,
                           netaddr.IPNetwork(cidr).version, percent, sample)
        self.fill_seconds = time.perf_counter() - start
        self._expected = None
        self.times, self.sql_times, self.statements = [], [], 0

    def run(self, count, timed=True):
        """Allocate ``count`` addresses, one transaction each, and check
        each is the one the allocator must choose; when the block runs
        out, put it back to its fill state (not timed)."""
        service = self.service
        for _ in range(count):
            want = next(self._expected, None) if self._expected else None
            if want is None:
                with service.engine.begin() as conn:
                    reset(conn, self.filled)
                self._expected = walk(self.filled.free)
                want = next(self._expected)
            statements, sql_time = service.statements, service.sql_time
            start = time.perf_counter()
            got = service.write(
                lambda session: allocate(session, self.block_id))
            elapsed = time.perf_counter() - start
            if got != addressing.key(want):
                raise RuntimeError(
                    '%s at %d%%: allocated %s, expected %s: the fill is not '
                    'what the allocator would have left'
                    % (self.label, self.percent, got, addressing.key(want)))
            if timed:
                self.times.append(elapsed)
                self.sql_times.append(service.sql_time - sql_time)
                self.statements += service.statements - statements

    def result(self):
        times, total = self.times, sum(self.times)
        filled = self.filled
        return {
            'block': self.label, 'cidr': self.cidr,
            'fill_percent': self.percent,
            'usable': size_of(filled.free) + filled.allocated,
            'allocated': filled.allocated, 'rows_stored': filled.rows,
            'sampled': filled.sampled, 'counter': filled.counter,
            'counter_capped': filled.counter_capped,
            'allocations': len(times), 'seconds': total,
            'allocations_per_second': len(times) / total,
            'mean_us': total / len(times) * 1e6,
            'median_us': statistics.median(times) * 1e6,
            'p95_us': percentile(times, 95) * 1e6,
            'sql_mean_us': statistics.fmean(self.sql_times) * 1e6,
            'statements_per_allocation': self.statements / len(times),
            'create_seconds': self.created,
            'policy_attach_seconds': self.attached,
            'fill_seconds': self.fill_seconds,
        }


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * pct // 100)]


def measure(cases, k):
    """Time every case side by side.

    Allocations alternate between the cases in chunks of CHUNK, so a
    change in the machine's load during the run falls on every size and
    fill level alike and the ratios between them stay meaningful.
    """
    for case in cases:
        case.run(min(WARMUP, k), timed=False)
    gc.collect()
    done = 0
    while done < k:
        chunk = min(CHUNK, k - done)
        for case in cases:
            case.run(chunk)
        done += chunk
    return [case.result() for case in cases]


def add_ratios(results):
    """Each case's time per allocation over its block's 0% time."""
    empty = {r['block']: r for r in results if r['fill_percent'] == 0}
    for r in results:
        base = empty[r['block']]
        r['ratio_mean'] = r['mean_us'] / base['mean_us']
        r['ratio_median'] = r['median_us'] / base['median_us']
    smallest = empty[SIZES[0][0]]
    for r in results:
        r['ratio_mean_vs_empty_24'] = r['mean_us'] / smallest['mean_us']


def run_database(backend, args):
    with Database(backend, args.pg_url) as database:
        service = Service(database.url)
        try:
            # The models' schema; the migrations build the same one
            # (tests/functional/test_migrations.py).
            models.Base.metadata.create_all(service.engine)
            with service.engine.connect() as conn:
                version = conn.exec_driver_sql(
                    'select sqlite_version()' if backend == 'sqlite'
                    else 'show server_version').scalar()
            groups = []
            for number, (label, pattern) in enumerate(SIZES):
                groups.append((label, [
                    (pattern % (number * 10 + i + 16), percent, ())
                    for i, percent in enumerate(FILLS)]))
            ranges = [(i * POLICY_STRIDE + POLICY_STRIDE // 2,
                       POLICY_LENGTH) for i in range(POLICY_RANGES)]
            groups.append((POLICY_LABEL, [
                ('172.%d.0.0/16' % (100 + i), percent, ranges)
                for i, percent in enumerate(FILLS)]))
            cases = []
            for label, specs in groups:
                print('  creating and filling %s blocks ...' % label,
                      end='', file=sys.stderr, flush=True)
                started = time.perf_counter()
                cases += [Case(service, label, cidr, percent, args.sample,
                               policy_ranges)
                          for cidr, percent, policy_ranges in specs]
                print(' %.1fs' % (time.perf_counter() - started),
                      file=sys.stderr, flush=True)
            if backend == 'postgresql':
                # What autovacuum would have done after so many inserts.
                with service.engine.connect().execution_options(
                        isolation_level='AUTOCOMMIT') as conn:
                    conn.exec_driver_sql('ANALYZE')
            print('  allocating ...', end='', file=sys.stderr, flush=True)
            started = time.perf_counter()
            results = measure(cases, args.allocations)
            print(' %.1fs' % (time.perf_counter() - started),
                  file=sys.stderr, flush=True)
            add_ratios(results)
            return {'backend': backend, 'server_version': version,
                    'results': results}
        finally:
            service.close()


# -- output -----------------------------------------------------------------

def _count(value):
    if value >= 10 ** 8:
        return '%.3g' % value
    return '{:,}'.format(value)


NOTES = """\
  allocated  addresses the fill stands for (N); rows: ip_addresses rows
             actually stored for the block
  alloc/s    timed allocations / their total time (one transaction each)
  med, p95   time of one allocation, microseconds
  SQL us     mean time spent inside SQL statements per allocation
  SQL        statements per allocation
  x0%  x0%m  mean (median) time per allocation over that of the same block
             size at 0% fill: the figure the issue bounds at 1.5
  x/24       mean time per allocation over that of an empty /24"""


def render(run, args):
    results = run['results']
    lines = ['%s %s: %d timed automatic allocations per case, one '
             'transaction each' % (run['backend'], run['server_version'],
                                   args.allocations), '',
             'Block creation (ipam.blocks.create, one transaction each; '
             'median of 3)',
             '  %-13s %22s %10s' % ('block', 'usable addresses',
                                    'create ms')]
    labels = list(dict.fromkeys(r['block'] for r in results))
    for label in labels:
        rows = [r for r in results if r['block'] == label]
        created = statistics.median(r['create_seconds'] for r in rows)
        lines.append('  %-13s %22s %10.2f'
                     % (label, _count(rows[0]['usable']), created * 1e3))
        attach = [r['policy_attach_seconds'] for r in rows
                  if r['policy_attach_seconds'] is not None]
        if attach:
            lines.append('  %-13s %22s %10.2f'
                         % ('  + policy', 'attach, %d ranges'
                            % POLICY_RANGES,
                            statistics.median(attach) * 1e3))
    header = ('  %-13s %4s %10s %9s %7s %6s %6s %6s %4s %5s %5s %5s'
              % ('block', 'fill', 'allocated', 'rows', 'alloc/s', 'med',
                 'p95', 'SQL us', 'SQL', 'x0%', 'x0%m', 'x/24'))
    lines += ['', 'Automatic allocation (us: microseconds)', header,
              '  ' + '-' * (len(header) - 2)]
    for r in results:
        lines.append(
            '  %-13s %3d%% %10s %9s %7.0f %6.0f %6.0f %6.0f %4.1f %5.2f '
            '%5.2f %5.2f'
            % (r['block'], r['fill_percent'],
               _count(r['allocated']) + ('+' if r['counter_capped']
                                         else ' '),
               _count(r['rows_stored']) + ('*' if r['sampled'] else ' '),
               r['allocations_per_second'], r['median_us'], r['p95_us'],
               r['sql_mean_us'], r['statements_per_allocation'],
               r['ratio_mean'], r['ratio_median'],
               r['ratio_mean_vs_empty_24']))
    lines += ['', NOTES]
    if any(r['sampled'] for r in results):
        lines.append(
            '  *          sampled: only the %s addresses just below the '
            'fill point have\n'
            '             rows; the free ranges, the fill point and the '
            'counter are those\n'
            '             of the full fill. The allocator does not read '
            'these rows; only\n'
            '             the unique index it inserts into is smaller '
            'than at a real fill.' % _count(args.sample))
    if any(r['counter_capped'] for r in results):
        lines.append(
            '  +          allocated_count is a signed 64-bit column and '
            'cannot hold half a\n'
            '             /64: it holds the stored rows instead (only '
            'max_allocation\n'
            '             reads it).')
    if any(r['block'] == POLICY_LABEL for r in results):
        lines.append(
            '  %-10s the /16 with a policy of %d unusable ranges of %d '
            'addresses, one\n'
            '             every %d (%d free intervals when empty), '
            'attached with\n'
            '             block_updates.update; fill counts allocatable '
            'addresses.'
            % (POLICY_LABEL.split()[-1], POLICY_RANGES, POLICY_LENGTH,
               POLICY_STRIDE, POLICY_RANGES + 1))
    lines.append('')
    slow = [r for r in results if r['ratio_mean'] > 1.5]
    for r in slow:
        lines.append('  OVER 1.5x: %s at %d%% takes %.2fx its 0%% time'
                     % (r['block'], r['fill_percent'], r['ratio_mean']))
    if not slow:
        lines.append('  Every fill level is within 1.5x of its 0% time '
                     '(mean).')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    report = {
        'benchmark': 'allocation_fill',
        'generated_at': datetime.datetime.now(
            datetime.timezone.utc).isoformat(),
        'python': platform.python_version(),
        'sqlalchemy': sa.__version__,
        'machine': platform.platform(), 'cpus': os.cpu_count(),
        'allocations_per_case': args.allocations,
        'sample_rows': args.sample, 'quick': args.quick,
        'runs': [],
    }
    for backend in args.db:
        print('%s:' % backend, file=sys.stderr, flush=True)
        started, cpu = time.perf_counter(), time.process_time()
        run = run_database(backend, args)
        run['wall_seconds'] = time.perf_counter() - started
        run['cpu_seconds'] = time.process_time() - cpu
        run['load_average'] = os.getloadavg()
        report['runs'].append(run)
        print()
        print(render(run, args))
        print('  Whole run on %s: %.0f s, %.0f s of it on this process\'s '
              'CPU; load average\n  %.1f %.1f %.1f.'
              % ((backend, run['wall_seconds'], run['cpu_seconds'])
                 + tuple(run['load_average'])))
    directory = os.path.dirname(os.path.abspath(args.json))
    os.makedirs(directory, exist_ok=True)
    with open(args.json, 'w') as out:
        json.dump(report, out, indent=2)
        out.write('\n')
    print()
    print('Figures written to %s' % args.json)


if __name__ == '__main__':
    main()
