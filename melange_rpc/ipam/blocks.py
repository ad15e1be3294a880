"""Blocks: creation rules (overlap, one type per network), reads, lists."""

import uuid

import netaddr

from melange_rpc import exception
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import free_ranges
from melange_rpc.ipam import addressing
from melange_rpc.ipam import exclusions
from melange_rpc.ipam import space
from melange_rpc.ipam import values

TYPES = ('private', 'public')
IPV6_MODES = ('slaac', 'dhcpv6-stateful')


def get(session, block_id, tenant_id=None, lock=False):
    """The block visible to ``tenant_id`` (None: any), or BlockNotFound."""
    values.string(block_id, 'block_id')
    block = db_blocks.get(session, block_id, tenant_id, lock=lock)
    if block is None:
        raise exception.BlockNotFound(block_id=block_id)
    return block


def lock_for_allocation(session, block_id, tenant_id=None):
    """get(lock=True) for a call about to allocate one address of the
    block (db.blocks.lock_for_allocation: the lock counts it too)."""
    values.string(block_id, 'block_id')
    block = db_blocks.lock_for_allocation(session, block_id, tenant_id)
    if block is None:
        raise exception.BlockNotFound(block_id=block_id)
    return block


def cidr_of(block):
    return netaddr.IPNetwork(block.cidr)


def gateway_of(block):
    if block.gateway is None:
        return None
    return netaddr.IPAddress(block.gateway)


def create(session, cidr, tenant_id, type='private', network_id=None,
           name=None, gateway=None, dns_nameservers=None, dhcp_options=None,
           policy_id=None, policy_rules=((), ()), ipv6_address_mode=None,
           allocatable=True, max_allocation=None, parent=None):
    """Create a block after checking every rule of API.md; return it.

    ``cidr`` is text or an already parsed netaddr.IPNetwork;
    ``policy_rules`` are the (ranges, octets) of policy ``policy_id``.
    """
    network = (cidr if isinstance(cidr, netaddr.IPNetwork)
               else addressing.parse_cidr(cidr))
    if type not in TYPES:
        raise exception.InvalidInput(
            errors={'type': 'must be "private" or "public"'})
    values.optional_string(network_id, 'network_id')
    values.optional_string(name, 'name')
    values.boolean(allocatable, 'allocatable')
    values.optional_int(max_allocation, 'max_allocation', minimum=0)
    mode = _ipv6_mode(network, ipv6_address_mode)
    gateway_ip = check_gateway(network, gateway)
    nameservers = values.address_list(dns_nameservers, 'dns_nameservers')
    options = values.options_dict(dhcp_options, 'dhcp_options')

    first_key = addressing.key(network.first)
    last_key = addressing.key(network.last)
    if parent is None:
        check_top_level_overlap(session, network, type, network_id,
                                 first_key, last_key)
    check_network_type(session, network_id, type)

    block = db_blocks.add(
        session, id=str(uuid.uuid4()), name=name, cidr=str(network),
        ip_version=network.version, first_key=first_key, last_key=last_key,
        type=type, tenant_id=tenant_id, network_id=network_id,
        parent_id=parent.id if parent is not None else None,
        policy_id=policy_id,
        gateway=str(gateway_ip) if gateway_ip is not None else None,
        dns_nameservers=nameservers, dhcp_options=options,
        ipv6_address_mode=mode, allocatable=allocatable,
        max_allocation=max_allocation)
    spans = exclusions.Exclusions(network, *policy_rules).spans
    free_ranges.BLOCKS.add(session, block.id,
                    space.initial_free(network, gateway_ip, spans))
    return block


def check_network_type(session, network_id, type):
    """A network holds blocks of one type only."""
    if network_id is None:
        return
    other_types = db_blocks.network_types(session, network_id) - {type}
    if other_types:
        raise exception.InvalidInput(
            errors={'type': 'network %s already holds %s blocks'
                            % (network_id, other_types.pop())})


def _ipv6_mode(network, mode):
    if network.version == 4:
        if mode is not None:
            raise exception.InvalidInput(
                errors={'ipv6_address_mode': 'only IPv6 blocks have one'})
        return None
    mode = mode or 'dhcpv6-stateful'
    if mode not in IPV6_MODES:
        raise exception.InvalidInput(
            errors={'ipv6_address_mode': 'must be "slaac" or '
                                         '"dhcpv6-stateful"'})
    if mode == 'slaac' and network.prefixlen != 64:
        raise exception.InvalidInput(
            errors={'ipv6_address_mode': 'slaac needs a /64 block'})
    return mode


def check_gateway(network, gateway):
    if gateway is None:
        return None
    ip = addressing.parse_address(gateway, 'gateway')
    if ip.version != network.version or ip not in network:
        raise exception.InvalidInput(
            errors={'gateway': '%s does not lie in %s' % (ip, network)})
    if addressing.is_reserved(network, ip):
        raise exception.InvalidInput(
            errors={'gateway': '%s is not a usable address of %s'
                               % (ip, network)})
    return ip


def check_top_level_overlap(session, network, type, network_id,
                            first_key, last_key, exclude_id=None):
    # Keys of IPv4 and IPv6 never meet (IPv4 keys are below 2**32, and no
    # IPv6 block other than ::/96 starts there), so a span check is enough.
    scopes = []
    if type == 'public':
        scopes.append({'type': 'public', 'parent_id': None})
    if network_id is not None:
        scopes.append({'network_id': network_id, 'parent_id': None})
    for scope in scopes:
        other = db_blocks.first_overlapping(session, first_key, last_key,
                                            ip_version=network.version,
                                            exclude_id=exclude_id, **scope)
        if other is not None:
            raise exception.BlockOverlap(cidr=str(network),
                                         other_cidr=other.cidr)
