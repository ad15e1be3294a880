"""Events about changes, emitted only after the change is committed.

The manager queues events on the request context while the transaction
runs (``queue``); the RPC frame sends them once it has committed
(``send_queued``) and drops them when the transaction rolls back or is
retried, so a listener never hears of a change that did not happen.
"""

import threading

from oslo_log import log as logging
import oslo_messaging as messaging

from melange_rpc import conf
from melange_rpc import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_ATTRIBUTE = '_melange_events'
_notifier = None
_lock = threading.Lock()


def _get_notifier():
    global _notifier
    with _lock:
        if _notifier is None:
            transport = messaging.get_notification_transport(
                CONF, allowed_remote_exmods=rpc.ALLOWED_EXMODS)
            # Notifier takes one driver name, or None for the configured
            # list; messagingv2 when none is configured.
            driver = (None if CONF.oslo_messaging_notifications.driver
                      else 'messagingv2')
            _notifier = messaging.Notifier(
                transport, publisher_id='melange-rpc.%s' % CONF.host,
                driver=driver, serializer=rpc.RequestContextSerializer())
    return _notifier


def reset(ctxt):
    setattr(ctxt, _ATTRIBUTE, [])


def queue(ctxt, event_type, payload):
    """Queue an event of the running transaction."""
    if CONF.notifications.enabled:
        getattr(ctxt, _ATTRIBUTE).append((event_type, payload))


def send_queued(ctxt):
    """Send what the committed transaction queued."""
    events = getattr(ctxt, _ATTRIBUTE, None) or []
    setattr(ctxt, _ATTRIBUTE, [])
    for event_type, payload in events:
        try:
            _get_notifier().info(ctxt, event_type, payload)
        except Exception:
            # The change is committed; a lost event is healed by the
            # listeners' periodic resync.
            LOG.exception('Could not send notification %s', event_type)
