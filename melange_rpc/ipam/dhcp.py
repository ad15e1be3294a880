"""What a DHCP server needs of a network, and the leases it reports."""

import hashlib
import json

from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import models
from melange_rpc.ipam import addressing
from melange_rpc.ipam import macs
from melange_rpc.ipam import network
from melange_rpc.ipam import values


def hostname(address):
    """``host-`` and the address with ``.``/``:`` as ``-`` (API.md)."""
    return 'host-' + address.replace('.', '-').replace(':', '-')


def config(session, network_id, render_block, routes_of):
    """{network_id, subnets, hosts, version}; ``version`` is a digest of
    everything else, so it changes exactly when hosts or subnets do."""
    values.string(network_id, 'network_id')
    found = network.blocks_of(session, network_id)
    routes = routes_of({block.id: block.has_routes for block in found})
    subnets = []
    for block in found:
        view = render_block(block)
        view['routes'] = [{'destination': r.destination,
                           'gateway': r.gateway} for r in routes[block.id]]
        subnets.append(view)
    hosts = [{'mac_address': interface.mac_address, 'address': row.address,
              'hostname': hostname(row.address),
              'interface_id': interface.id}
             for row, interface in db_addresses.dhcp_hosts(session,
                                                           network_id)]
    digest = hashlib.sha256(json.dumps(
        [[{k: v for k, v in s.items() if k not in ('created_at',
                                                    'updated_at')}
          for s in subnets], hosts],
        sort_keys=True).encode()).hexdigest()[:16]
    return {'network_id': network_id, 'subnets': subnets, 'hosts': hosts,
            'version': digest}


def _lease_row(session, network_id, address, mac_address):
    """The live address if it is still the one of this MAC, else None.

    A lease event about an address since given to another MAC (the old
    client's lease ran out after reassignment) must not touch the new
    holder's record.
    """
    values.string(network_id, 'network_id')
    ip = addressing.parse_address(address)
    mac = macs.normalise(mac_address)
    row = db_addresses.in_network(session, network_id, int(ip))
    if row is None or row.interface is None:
        return None
    if row.interface.mac_address != mac:
        return None
    return row


def lease(session, network_id, address, mac_address, hostname=None):
    values.optional_string(hostname, 'hostname')
    row = _lease_row(session, network_id, address, mac_address)
    if row is not None:
        row.leased = True
        row.leased_at = models.utcnow()
    return row


def release(session, network_id, address, mac_address):
    """Record the lease's end; never deallocates the address."""
    row = _lease_row(session, network_id, address, mac_address)
    if row is not None:
        row.leased = False
    return row
