"""nova-network's networks, VIFs and fixed IPs as blocks, interfaces and
addresses.

- A network becomes a block per address family, in the melange network
  of the nova network's ``uuid``, owned by its ``project_id`` (none for
  a shared network: then only admins and services see it), named after
  its ``label``. IPv4: ``cidr``, ``gateway``, ``dns1``/``dns2`` as name
  servers, ``mtu`` as the DHCP option ``mtu``. IPv6: ``cidr_v6`` and
  ``gateway_v6``, without name servers (nova-network had no IPv6 DNS),
  in SLAAC mode when it is a /64, as the radvd of nova-network announced
  it.
- A VIF becomes the interface of its ``uuid`` with its MAC, for its
  instance (device) and the instance's project. In a network with IPv6
  it also gets the address nova-network's default ``rfc2462`` backend
  gave it: the prefix plus the modified EUI-64 of the MAC.
- A fixed IP an instance holds becomes an address on its VIF's
  interface, lease state included. One nova is releasing (no longer
  allocated, still associated) is allocated and then deallocated, so
  melange retains it as nova's ``fixed_ip_disassociate_timeout`` did.
  One a host holds (the DHCP server address of a multi-host network)
  is allocated with the host as device and no interface.
"""

import netaddr

from melange_rpc.db import interfaces as db_interfaces
from melange_rpc import exception
from melange_rpc.ipam import addresses
from melange_rpc.ipam import addressing
from melange_rpc.ipam import blocks
from melange_rpc.ipam import dhcp
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import macs
from melange_rpc.migrate import batch as batches
from melange_rpc.migrate import tally as counts


def network(batch, row, reader):
    """The network's IPv4 and IPv6 blocks."""
    if row.uuid is None:
        batch.tally.skipped(counts.BLOCKS, 'network without uuid')
        return
    if row.cidr:
        batch.attempt(counts.BLOCKS, 'network %s %s' % (row.uuid, row.cidr),
                      lambda: _ipv4_block(batch, row, reader))
    if row.cidr_v6:
        batch.attempt(counts.BLOCKS,
                      'network %s %s' % (row.uuid, row.cidr_v6),
                      lambda: _ipv6_block(batch, row))


def _ipv4_block(batch, row, reader):
    return batch.ensure_block(
        counts.BLOCKS, row.uuid, addressing.parse_cidr(row.cidr),
        row.project_id,
        withheld=lambda: batches.ipset(reader.reserved_addresses(
            row.nova_id)),
        policy_name='nova-network reserved addresses of %s' % (
            row.label or row.uuid),
        name=row.label, gateway=row.gateway,
        dns_nameservers=[dns for dns in (row.dns1, row.dns2) if dns],
        dhcp_options={'mtu': row.mtu} if row.mtu else None)


def _ipv6_block(batch, row):
    cidr = addressing.parse_cidr(row.cidr_v6)
    return batch.ensure_block(
        counts.BLOCKS, row.uuid, cidr, row.project_id, name=row.label,
        gateway=row.gateway_v6,
        ipv6_address_mode='slaac' if cidr.prefixlen == 64 else None)


def vif(batch, row):
    """The VIF's interface, and its IPv6 address if its network has one."""
    if row.uuid is None or row.network_uuid is None:
        # Without a uuid there is no id to find it by next time; without
        # a live nova-network network it is not nova-network's (Nova kept
        # VIF rows under Neutron too).
        batch.tally.skipped(counts.INTERFACES, 'no uuid or no network')
        return
    what = 'VIF %s (%s)' % (row.uuid, row.address)
    interface = batch.attempt(counts.INTERFACES, what,
                              lambda: _interface(batch, row))
    if interface is None:
        return
    for block in batch.blocks_of(row.network_uuid):
        if block.ip_version == 6:
            batch.attempt(counts.IPV6_ADDRESSES, what,
                          lambda: _rfc2462_address(batch, row, interface,
                                                   block))


def _interface(batch, row):
    found = db_interfaces.get(batch.session, row.uuid)
    if found is not None:
        batch.tally.present(counts.INTERFACES)
        return found
    interface = interfaces.create(
        batch.session, row.project_id, interface_id=row.uuid,
        device_id=row.instance_uuid, mac_address=row.address,
        network_id=row.network_uuid, allocate_mac=False)
    batch.tally.created(counts.INTERFACES)
    return interface


def _rfc2462_address(batch, row, interface, block):
    mac = netaddr.EUI(macs.normalise(row.address))
    ip = mac.ipv6(blocks.cidr_of(block).first)
    return batch.ensure_address(
        counts.IPV6_ADDRESSES, block, ip,
        lambda: addresses.allocate(batch.session, block, row.project_id,
                                   interface=interface, address=str(ip)))


def fixed_ip(batch, row):
    """The fixed IP's address, held as nova held it."""
    if row.network_uuid is None:
        batch.tally.skipped(counts.FIXED_IPS, 'no network')
        return
    batch.attempt(counts.FIXED_IPS, 'fixed IP %s' % row.address,
                  lambda: _fixed_ip(batch, row))


def _fixed_ip(batch, row):
    ip = addressing.parse_address(row.address)
    block = batch.block_containing(row.network_uuid, ip)
    if block is None:
        raise exception.AddressNotInBlock(
            address=str(ip), cidr='any block of network %s'
                                  % row.network_uuid)
    interface = (db_interfaces.get(batch.session, row.vif_uuid)
                 if row.vif_uuid else None)
    address = batch.ensure_address(
        counts.FIXED_IPS, block, ip,
        lambda: addresses.allocate(
            batch.session, block, row.project_id, interface=interface,
            address=str(ip), device_id=row.instance_uuid or row.host))
    if address is None:
        return
    if not row.allocated and row.instance_uuid is not None:
        addresses.deallocate(batch.session, address)
    elif row.leased and interface is not None and interface.mac_address:
        dhcp.lease(batch.session, row.network_uuid, str(ip),
                   interface.mac_address)
