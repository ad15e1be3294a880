"""Housekeeping a worker runs beside its calls.

- reclaim addresses retained past ``[ipam] deallocated_ip_retention``,
  every ``[ipam] reclaim_interval`` seconds;
- purge expired idempotency records.

Every worker runs them; workers skip rows another one has locked, so
running N of them costs nothing but a few empty queries.
"""

import threading
import time

from oslo_log import log as logging

from melange_rpc import conf
from melange_rpc import context
from melange_rpc.db import api as db_api
from melange_rpc.db import idempotency
from melange_rpc.ipam import addresses
from melange_rpc.manager import events
from melange_rpc import notifications

CONF = conf.CONF
LOG = logging.getLogger(__name__)

TICK = 1.0
PURGE_INTERVAL = 300


def reclaim_retained(older_than=None):
    """Reclaim what has been retained long enough; return how many."""
    if older_than is None:
        older_than = CONF.ipam.deallocated_ip_retention
    ctxt = context.get_admin_context()
    reclaimed = db_api.writer(
        ctxt, lambda session: addresses.reclaim(session, older_than))
    if reclaimed:
        LOG.info('Reclaimed %d deallocated addresses', reclaimed)
        # After the commit, as the RPC methods' events are.
        notifications.reset(ctxt)
        events.reclaimed(ctxt, reclaimed)
        notifications.send_queued(ctxt)
    return reclaimed


def purge_idempotency_keys():
    purged = db_api.writer(context.get_admin_context(),
                           idempotency.purge_expired)
    if purged:
        LOG.info('Purged %d expired idempotency records', purged)
    return purged


class PeriodicTasks(threading.Thread):
    def __init__(self, stopping):
        super().__init__(name='melange-periodic', daemon=True)
        self._stopping = stopping
        self._next = {}

    def _due(self, name, interval):
        now = time.monotonic()
        if interval <= 0 or now < self._next.get(name, now):
            return False
        self._next[name] = now + interval
        return True

    def run(self):
        while not self._stopping.wait(TICK):
            for name, interval, task in (
                    ('reclaim', CONF.ipam.reclaim_interval,
                     reclaim_retained),
                    ('purge', PURGE_INTERVAL, purge_idempotency_keys)):
                if not self._due(name, interval):
                    continue
                try:
                    task()
                except Exception:
                    # A task that fails (database down) tries again next
                    # time; it must never take the worker down.
                    LOG.exception('Periodic task %s failed', name)
