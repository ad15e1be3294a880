"""Subnets: carving a child block out of a parent, by CIDR or by size."""

import netaddr
import sqlalchemy as sa

from melange_rpc import exception
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import free_ranges
from melange_rpc.db import models
from melange_rpc.db import policies as db_policies
from melange_rpc.ipam import addressing
from melange_rpc.ipam import blocks
from melange_rpc.ipam import values


def create(session, parent, tenant_id, cidr=None, prefixlen=None,
           network_id=None, name=None, gateway=None):
    """Carve a subnet of ``parent`` (locked by the caller); return it."""
    if (cidr is None) == (prefixlen is None):
        raise exception.InvalidInput(
            errors={'cidr': 'give exactly one of cidr and prefixlen'})
    if parent.allocated_count + parent.retained_count > 0:
        raise exception.BlockInUse(block_id=parent.id)
    values.optional_string(network_id, 'network_id')
    if (network_id is not None and parent.network_id is not None
            and network_id != parent.network_id):
        raise exception.InvalidInput(
            errors={'network_id': 'a subnet is in its parent\'s network %s'
                                  % parent.network_id})
    outer = blocks.cidr_of(parent)
    if cidr is not None:
        network = _explicit(session, parent, outer, cidr)
    else:
        network = lowest_free_prefix(session, parent, outer, prefixlen)
    mode = parent.ipv6_address_mode
    if mode == 'slaac' and network.prefixlen != 64:
        mode = None
    rules = (db_policies.rules(session, parent.policy_id)
             if parent.policy_id else ((), ()))
    subnet = blocks.create(
        session, network, tenant_id, type=parent.type,
        network_id=network_id or parent.network_id, name=name,
        gateway=gateway, dns_nameservers=list(parent.dns_nameservers or []),
        dhcp_options=dict(parent.dhcp_options or {}),
        policy_id=parent.policy_id, policy_rules=rules,
        ipv6_address_mode=mode, allocatable=True, parent=parent)
    # A divided block hands out nothing itself: its free space goes, so
    # an allocation racing with this carve finds nothing to take.
    free_ranges.clear(session, parent.id)
    return subnet


def _explicit(session, parent, outer, cidr):
    network = addressing.parse_cidr(cidr)
    if (network.version != outer.version or network.first < outer.first
            or network.last > outer.last):
        raise exception.InvalidInput(
            errors={'cidr': '%s does not lie in %s' % (network, outer)})
    sibling = db_blocks.first_overlapping(
        session, addressing.key(network.first), addressing.key(network.last),
        parent_id=parent.id)
    if sibling is not None:
        raise exception.BlockOverlap(cidr=str(network),
                                     other_cidr=sibling.cidr)
    return network


def lowest_free_prefix(session, parent, outer, prefixlen):
    """The lowest /prefixlen of ``outer`` that no sibling overlaps.

    Walks the existing subnets in address order (their number, not the
    parent's size, bounds the work) and looks at the gap before each.
    """
    width = 32 if outer.version == 4 else 128
    values.integer(prefixlen, 'prefixlen', outer.prefixlen, width)
    size = 2 ** (width - prefixlen)
    cursor = outer.first
    siblings = session.execute(
        sa.select(models.IpBlock.first_key, models.IpBlock.last_key)
        .where(models.IpBlock.parent_id == parent.id)
        .order_by(models.IpBlock.first_key))
    for first_key, last_key in siblings:
        start = -(-cursor // size) * size
        if start + size - 1 < int(first_key, 16):
            break
        cursor = max(cursor, int(last_key, 16) + 1)
    start = -(-cursor // size) * size
    if start + size - 1 > outer.last:
        raise exception.NoMoreAddresses(block_id=parent.id)
    return netaddr.IPNetwork((start, prefixlen), version=outer.version)
