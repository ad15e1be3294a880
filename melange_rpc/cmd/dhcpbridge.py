"""melange-rpc-dhcpbridge: dnsmasq's --dhcp-script.

dnsmasq runs it as ``<script> add|old|del <mac> <address> [hostname]``
for every lease event (for IPv6 the second argument is the client's DUID
and the MAC comes in DNSMASQ_MAC). The dnsmasq driver starts dnsmasq with
MELANGE_NETWORK_ID and MELANGE_CONFIG_FILE (the agent's configuration
files, separated by ``os.pathsep``) in its environment, which dnsmasq
passes on. Each event becomes a ``lease_ip`` or ``release_ip`` cast: the
manager records the lease, and ignores one that no longer matches the
address's MAC.
"""

import os
import sys

from oslo_log import log as logging

from melange_rpc import conf
from melange_rpc import config
from melange_rpc import context
from melange_rpc import rpc
from melange_rpc import rpcapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# add: a new lease; old: an existing one seen again (dnsmasq restarted,
# or a renewal); del: the lease ended (released or expired).
_LEASE_ACTIONS = {'add': 'lease', 'old': 'lease', 'del': 'release'}


def lease_event(argv, environ):
    """{action, network_id, address, mac_address, hostname}, or None for
    an event that says nothing about a lease (init, tftp, arp-*)."""
    if not argv or argv[0] not in _LEASE_ACTIONS or len(argv) < 3:
        return None
    address = argv[2]
    mac_address = argv[1]
    if ':' in address:
        mac_address = environ.get('DNSMASQ_MAC')
        if not mac_address:
            return None
    return {'action': _LEASE_ACTIONS[argv[0]],
            'network_id': environ['MELANGE_NETWORK_ID'],
            'address': address, 'mac_address': mac_address,
            'hostname': argv[3] if len(argv) > 3 and argv[3] else None}


def main(argv=None, environ=None):
    argv = sys.argv[1:] if argv is None else argv
    environ = os.environ if environ is None else environ
    if 'MELANGE_NETWORK_ID' not in environ:
        sys.stderr.write('melange-rpc-dhcpbridge: MELANGE_NETWORK_ID is not '
                         'set; run it as dnsmasq\'s --dhcp-script from the '
                         'melange-rpc dnsmasq driver\n')
        return 2
    event = lease_event(argv, environ)
    if event is None:
        return 0
    args = []
    for path in environ.get('MELANGE_CONFIG_FILE', '').split(os.pathsep):
        if path:
            args += ['--config-file', path]
    config.parse_args(args)
    config.setup_logging()
    api = rpcapi.MelangeAPI()
    ctxt = context.RequestContext(project_id=CONF.dhcp.project_id,
                                  roles=[context.SERVICE_ROLE])
    try:
        if event['action'] == 'lease':
            api.lease_ip_async(ctxt, event['network_id'], event['address'],
                               event['mac_address'],
                               hostname=event['hostname'])
        else:
            api.release_ip_async(ctxt, event['network_id'],
                                 event['address'], event['mac_address'])
    except Exception:
        # dnsmasq logs the exit status; the manager's lease record heals
        # at the next event of this lease.
        LOG.exception('Could not send the %s of %s (%s) in network %s',
                      event['action'], event['address'],
                      event['mac_address'], event['network_id'])
        return 1
    finally:
        rpc.cleanup()
    LOG.debug('Sent the %s of %s (%s) in network %s', event['action'],
              event['address'], event['mac_address'], event['network_id'])
    return 0


if __name__ == '__main__':
    sys.exit(main())
