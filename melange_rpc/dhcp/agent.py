"""The DHCP agent: keeps a DHCP server in step with the manager.

One worker thread does all the driver work. A network is resynced (its
``get_dhcp_config`` fetched and handed to the driver) when:
- the agent starts (every network);
- a notification names it: the manager sends them after each committed
  change, and the listener wakes the worker at once, so the DHCP server
  follows an allocation within a second;
- ``[dhcp] resync_interval`` passed (every network): a notification lost
  while the agent or the broker was down heals here;
- its last resync failed (manager or broker away), ``[dhcp]
  retry_interval`` later.
Failures are logged and retried, never fatal: the agent outlives manager
and broker restarts.
"""

import threading
import time

from oslo_log import log as logging
import oslo_messaging as messaging

from melange_rpc import context
from melange_rpc import exception
from melange_rpc import rpc
from melange_rpc import rpcapi

LOG = logging.getLogger(__name__)

# The longest the worker sleeps: the driver's check (respawning a dead
# DHCP server) runs at least this often.
TICK = 1.0
# Calls that wait less than a resync interval; a lost reply is retried by
# the next resync, not by the client.
CALL_TIMEOUT = 10


class NotificationEndpoint:
    """Turns the manager's notifications into resyncs of their network."""

    def __init__(self, agent):
        self._agent = agent

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        network_id = (payload.get('network_id')
                      if isinstance(payload, dict) else None)
        if network_id:
            LOG.debug('%s about network %s', event_type, network_id)
            self._agent.mark(network_id)


class DhcpAgent:
    """Serves ``networks`` through ``driver``."""

    def __init__(self, driver, networks, conf, api=None):
        self.driver = driver
        self.networks = frozenset(networks)
        self.conf = conf
        self.api = api or rpcapi.MelangeAPI(
            timeout=conf.rpcapi.call_timeout or CALL_TIMEOUT, retries=0)
        self.ctxt = context.RequestContext(
            project_id=conf.dhcp.project_id, roles=[context.SERVICE_ROLE],
            overwrite=False)
        self._versions = {}
        self._dirty = set()
        self._retry_at = {}
        self._wake = threading.Condition()
        self._stopping = False
        self._worker = None
        self._listener = None
        self._listener_thread = None

    # -- what to resync ----------------------------------------------------

    def mark(self, network_id):
        """Resync ``network_id`` as soon as possible (if it is ours)."""
        if network_id not in self.networks:
            return
        with self._wake:
            self._dirty.add(network_id)
            self._retry_at.pop(network_id, None)
            self._wake.notify()

    def mark_all(self):
        with self._wake:
            self._dirty |= self.networks
            self._wake.notify()

    def _due(self, now):
        with self._wake:
            due = {network_id for network_id in self._dirty
                   if self._retry_at.get(network_id, 0) <= now}
            self._dirty -= due
            return sorted(due)

    def _sleep(self, next_full):
        with self._wake:
            if self._stopping:
                return
            now = time.monotonic()
            waits = [TICK, next_full - now]
            for network_id in self._dirty:
                waits.append(self._retry_at.get(network_id, 0) - now)
            self._wake.wait(max(0, min(waits)))

    # -- the work ----------------------------------------------------------

    def resync(self, network_id):
        """Apply the network's current configuration; False on failure."""
        try:
            config = self.api.get_dhcp_config(self.ctxt,
                                              network_id=network_id)
        except exception.NetworkNotFound:
            # No block in the network (yet, or any more): nothing to hand
            # out, and no server should answer for it.
            LOG.info('Network %s has no blocks; not serving it',
                     network_id)
            self._versions.pop(network_id, None)
            self.driver.disable(network_id)
            return True
        except Exception as exc:
            LOG.warning('Could not fetch the DHCP configuration of network '
                        '%s (%s: %s); retrying', network_id,
                        type(exc).__name__, exc)
            return False
        try:
            self.driver.sync(config)
        except Exception:
            LOG.exception('The DHCP driver failed to apply network %s',
                          network_id)
            return False
        if self._versions.get(network_id) != config['version']:
            LOG.info('Network %s at version %s: %d subnets, %d hosts',
                     network_id, config['version'], len(config['subnets']),
                     len(config['hosts']))
            self._versions[network_id] = config['version']
        return True

    def _run(self):
        interval = self.conf.dhcp.resync_interval
        next_full = time.monotonic()
        while not self._stopping:
            now = time.monotonic()
            if now >= next_full:
                self.mark_all()
                next_full = now + interval
            for network_id in self._due(now):
                if self._stopping:
                    break
                if not self.resync(network_id):
                    with self._wake:
                        self._dirty.add(network_id)
                        self._retry_at[network_id] = (
                            time.monotonic() +
                            self.conf.dhcp.retry_interval)
            try:
                self.driver.check()
            except Exception:
                LOG.exception('DHCP driver check failed')
            self._sleep(next_full)

    # -- notifications -----------------------------------------------------

    def _listen(self):
        """Start the notification listener, retrying while the broker is
        away (oslo.messaging reconnects it by itself once started)."""
        transport = messaging.get_notification_transport(
            self.conf, allowed_remote_exmods=rpc.ALLOWED_EXMODS)
        targets = [messaging.Target(topic=topic) for topic in
                   self.conf.oslo_messaging_notifications.topics]
        # A pool of its own: each agent gets every event, rather than
        # sharing them out with the other agents (and other listeners).
        pool = (self.conf.dhcp.notification_pool or
                'melange-rpc-dhcp-agent.%s' % self.conf.host)
        listener = messaging.get_notification_listener(
            transport, targets, [NotificationEndpoint(self)],
            executor='threading', pool=pool)
        while not self._stopping:
            try:
                listener.start()
            except Exception as exc:
                LOG.warning('Could not listen for notifications (%s); '
                            'retrying', exc)
                time.sleep(self.conf.dhcp.retry_interval)
                continue
            self._listener = listener
            LOG.info('Listening for notifications on %s (pool %s)',
                     ', '.join(t.topic for t in targets), pool)
            # Events sent before the listener's queue existed were lost.
            self.mark_all()
            return

    # -- life cycle --------------------------------------------------------

    def start(self):
        LOG.info('Serving networks %s with the %s driver',
                 ', '.join(sorted(self.networks)), self.conf.dhcp.driver)
        self._worker = threading.Thread(target=self._run,
                                        name='dhcp-resync', daemon=True)
        self._worker.start()
        self._listener_thread = threading.Thread(
            target=self._listen, name='dhcp-notifications', daemon=True)
        self._listener_thread.start()

    def stop(self):
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._listener is not None:
            self._listener.stop()
            self._listener.wait()
        if self._worker is not None:
            self._worker.join(CALL_TIMEOUT + 5)
        self.driver.stop()
        LOG.info('DHCP agent stopped')
