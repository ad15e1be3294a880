"""Importing a nova-network database: steps, batches, transactions.

The steps run in the order their objects refer to one another: networks
(blocks), VIFs (interfaces), fixed IPs (addresses on interfaces),
floating pools (public blocks), floating IPs (addresses associated with
fixed ones). What each row becomes is said in ``fixed`` and
``floating``; everything is made by the domain functions the manager's
RPC methods use, so counters, free ranges and every rule hold.

Each batch of nova rows is one write transaction (``db.api.writer``,
which retries it whole on a deadlock): an import stopped half way has
committed whole batches, and a second run creates only what is missing,
since every row first looks for what it maps to (blocks by network and
CIDR, addresses by block and address, interfaces by id). A dry run does
all of it in one transaction and rolls it back.

No notifications are sent: the import is not a caller's request, and
DHCP agents see the new hosts at their next resync.
"""

import sqlalchemy as sa

from melange_rpc import context
from melange_rpc.db import api as db_api
from melange_rpc import exception
from melange_rpc.ipam import addressing
from melange_rpc.ipam import values
from melange_rpc.migrate import batch as batches
from melange_rpc.migrate import fixed
from melange_rpc.migrate import floating
from melange_rpc.migrate import nova
from melange_rpc.migrate import tally as counts

BATCH_SIZE = 500


class _RolledBack(Exception):
    """Ends a dry run's transaction (rolled back), carrying its tally."""

    def __init__(self, tally):
        super().__init__('dry run')
        self.tally = tally


def floating_cidrs(values):
    """``POOL=CIDR`` texts as {pool: CIDR}; InvalidInput if malformed."""
    found = {}
    for value in values or ():
        pool, equals, cidr = value.partition('=')
        if not equals or not pool:
            raise exception.InvalidInput(
                errors={'floating_cidr': '%r is not POOL=CIDR' % value})
        found[pool] = addressing.parse_cidr(cidr, 'floating_cidr')
    return found


def run(nova_url, progress, dry_run=False, pool_cidrs=None,
        batch_size=BATCH_SIZE):
    """Import the nova-network database at ``nova_url``; the Tally."""
    values.integer(batch_size, 'batch_size', minimum=1)
    engine = sa.create_engine(nova_url)
    try:
        reader = nova.Reader(engine, batch_size)
        ctxt = context.get_admin_context()
        steps = _Steps(reader, progress, pool_cidrs or {})
        if not dry_run:
            return steps.run(lambda work: db_api.writer(ctxt, work))
        try:
            db_api.writer(ctxt, lambda session: _dry_run(session, steps))
        except _RolledBack as done:
            return done.tally
    finally:
        engine.dispose()


def _dry_run(session, steps):
    def in_session(work):
        tally = work(session)
        # One transaction holds everything: forget each batch's objects
        # once written, or the session would keep every imported row.
        session.flush()
        session.expunge_all()
        return tally
    raise _RolledBack(steps.run(in_session))


class _Steps:
    def __init__(self, reader, progress, pool_cidrs):
        self.reader = reader
        self.progress = progress
        self.pool_cidrs = pool_cidrs

    def run(self, transact):
        """Every step, each batch through ``transact(work)``, which runs
        ``work(session)`` in a transaction and returns its result."""
        reader = self.reader
        tally = counts.Tally()

        def step(title, total, rows_batches, handle):
            with self.progress.step(title, total) as advance:
                for rows in rows_batches:
                    tally.merge(transact(_work(rows, handle)))
                    advance(len(rows))

        step('networks', reader.count(nova.networks,
                                      nova.live(nova.networks)),
             reader.networks(),
             lambda batch, row: fixed.network(batch, row, reader))
        step('virtual interfaces',
             reader.count(nova.virtual_interfaces,
                          nova.live(nova.virtual_interfaces)),
             reader.vifs(), fixed.vif)
        step('fixed IPs', reader.count(nova.fixed_ips,
                                       nova.live(nova.fixed_ips),
                                       nova.FIXED_IN_USE),
             reader.fixed_ips(), fixed.fixed_ip)
        pools = reader.pools()
        step('floating pools', len(pools), _chunks(pools, reader.batch_size),
             lambda batch, name: floating.pool(
                 batch, name, reader, self.pool_cidrs.get(name)))
        step('floating IPs', reader.count(
                 nova.floating_ips, nova.live(nova.floating_ips),
                 nova.floating_ips.c.project_id.is_not(None)),
             reader.floating_ips(), floating.floating_ip)
        self._count_skipped(tally, set(pools))
        return tally

    def _count_skipped(self, tally, pools):
        """Rows the steps never read: soft-deleted, or nothing to import
        (free and reserved fixed IPs, free floating IPs)."""
        reader = self.reader
        tally.skipped(counts.BLOCKS, 'deleted networks',
                      reader.deleted(nova.networks))
        tally.skipped(counts.INTERFACES, 'deleted',
                      reader.deleted(nova.virtual_interfaces))
        tally.skipped(counts.FIXED_IPS, 'deleted',
                      reader.deleted(nova.fixed_ips))
        tally.skipped(counts.FIXED_IPS, 'free',
                      reader.idle_fixed_ips(reserved=False))
        tally.skipped(counts.FIXED_IPS, 'reserved',
                      reader.idle_fixed_ips(reserved=True))
        tally.skipped(counts.FLOATING_IPS, 'deleted',
                      reader.deleted(nova.floating_ips))
        tally.skipped(counts.FLOATING_IPS, 'free',
                      reader.free_floating_ips())
        for pool in set(self.pool_cidrs) - pools:
            tally.skipped(counts.FLOATING_BLOCKS,
                          'no such pool: %s' % pool)


def _work(rows, handle):
    def work(session):
        batch = batches.Batch(session)
        for row in rows:
            handle(batch, row)
        return batch.tally
    return work


def _chunks(items, size):
    return [items[start:start + size]
            for start in range(0, len(items), size)]
