"""What of a network's DHCP configuration a DHCP server serves.

Pure functions over a ``get_dhcp_config`` result, shared by the drivers so
that each renders the same decisions in its own syntax.
"""

import re

import netaddr
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

DHCPV6_STATEFUL = 'dhcpv6-stateful'
# Option names and values end up in the server's files, one option a
# line: anything that could start another line or field is refused.
_OPTION_NAME = re.compile(r'[a-z0-9][a-z0-9-]{0,63}')
_UNSAFE_VALUE = re.compile(r'[\x00-\x1f\x7f"\\]')


def subnets(config):
    """The blocks a DHCP server hands addresses from.

    IPv4 blocks and IPv6 blocks in dhcpv6-stateful mode; not SLAAC blocks
    (hosts build their own addresses there), and not parents of other
    blocks of the network (a block with subnets never allocates).
    """
    blocks = config['subnets']
    parents = {block['parent_id'] for block in blocks
               if block.get('parent_id')}
    return [block for block in blocks
            if block['id'] not in parents and (
                block['ip_version'] == 4 or
                block.get('ipv6_address_mode') == DHCPV6_STATEFUL)]


def hosts(config):
    """(host, block) for every host whose address a served block holds."""
    served = [(netaddr.IPNetwork(block['cidr']), block)
              for block in subnets(config)]
    found = []
    for host in config['hosts']:
        address = netaddr.IPAddress(host['address'])
        for cidr, block in served:
            if address.version == cidr.version and address in cidr:
                found.append((host, block))
                break
    return found


def classless_routes(block):
    """(destination, gateway) pairs for option 121 (RFC 3442), or [].

    A client that receives option 121 must ignore the router option, so
    the default route through the block's gateway is added unless the
    block's routes already name one.
    """
    routes = [(route['destination'], route['gateway'])
              for route in block.get('routes') or []
              if netaddr.IPNetwork(route['destination']).version == 4]
    if not routes:
        return []
    if block.get('gateway') and not any(
            netaddr.IPNetwork(dest).prefixlen == 0 for dest, _ in routes):
        routes.append(('0.0.0.0/0', block['gateway']))
    return routes


def options(block, skip=()):
    """(name, value as text) of the block's dhcp_options a server can
    write safely; names in ``skip`` (those the driver derives from the
    block itself) are left out."""
    safe = []
    for name, value in sorted((block.get('dhcp_options') or {}).items()):
        if name in skip:
            continue
        if not _OPTION_NAME.fullmatch(name):
            LOG.warning('Block %s: DHCP option name %r is not one a DHCP '
                        'server accepts; not served', block['id'], name)
            continue
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        value = str(value)
        if _UNSAFE_VALUE.search(value):
            LOG.warning('Block %s: DHCP option %s has control characters '
                        'or quotes; not served', block['id'], name)
            continue
        safe.append((name, value))
    return safe
