"""nova-network's floating IP pools and floating IPs.

- A pool becomes a public block in the melange network named after the
  pool (the name Nova's floating IP API takes), owned by no tenant:
  public blocks are shared space. Its CIDR is the one the operator names
  with ``--floating-cidr POOL=CIDR``, then all of it is allocatable.
  Otherwise it is the smallest CIDR whose usable addresses hold every
  address of the pool (see ``withheld.covering_cidr``: a pool made by
  ``nova-manage floating create --ip_range 172.24.4.0/24`` becomes
  exactly that /24), and a policy keeps out the addresses of that CIDR
  that were never in the pool, so melange hands out what nova would have.
- A floating IP a project holds becomes an address of that block leased
  to the project, associated with the fixed IP it fronted, if any. Free
  floating IPs (no project) are the pool's free space: nothing to
  create. ``auto_assigned``, ``host`` and ``interface`` are not kept.
"""

from melange_rpc.db import addresses as db_addresses
from melange_rpc import exception
from melange_rpc.ipam import addressing
from melange_rpc.ipam import floating as ipam_floating
from melange_rpc.migrate import batch as batches
from melange_rpc.migrate import tally as counts
from melange_rpc.migrate import withheld as withheld_space


def pool(batch, name, reader, cidr=None):
    """The pool's public block, of ``cidr`` or of its covering CIDR."""
    if name is None:
        batch.tally.skipped(counts.FLOATING_BLOCKS, 'no pool')
        return
    batch.attempt(counts.FLOATING_BLOCKS, 'floating pool %s' % name,
                  lambda: _pool_block(batch, name, reader, cidr))


def _pool_block(batch, name, reader, cidr):
    in_pool = None
    if cidr is None:
        in_pool = batches.ipset(reader.pool_addresses(name))
        cidr = withheld_space.covering_cidr(in_pool)
        if cidr is None:
            raise exception.InvalidInput(errors={
                'floating_cidr': 'no CIDR covers pool %s: name one with '
                                 '--floating-cidr %s=CIDR' % (name, name)})
    return batch.ensure_block(
        counts.FLOATING_BLOCKS, name, cidr, None, type='public',
        name='nova-network floating pool %s' % name,
        withheld=(lambda: withheld_space.usable(cidr) - in_pool)
        if in_pool is not None else None,
        policy_name='nova-network floating pool %s: not in the pool'
                    % name)


def floating_ip(batch, row):
    """The floating IP, and its association with its fixed IP."""
    batch.attempt(counts.FLOATING_IPS, 'floating IP %s' % row.address,
                  lambda: _floating_ip(batch, row))


def _floating_ip(batch, row):
    ip = addressing.parse_address(row.address)
    block = batch.block_containing(row.pool, ip)
    if block is None or block.type != 'public':
        raise exception.AddressNotInBlock(
            address=str(ip), cidr='the block of pool %s' % row.pool)
    address = batch.ensure_address(
        counts.FLOATING_IPS, block, ip,
        lambda: ipam_floating.allocate(batch.session, row.pool,
                                       row.project_id, address=str(ip)))
    if address is not None and row.fixed_address is not None:
        batch.attempt(counts.ASSOCIATIONS,
                      'floating IP %s to %s' % (ip, row.fixed_address),
                      lambda: _associate(batch, row, address))


def _associate(batch, row, address):
    fixed_ip = addressing.parse_address(row.fixed_address)
    fixed = (db_addresses.in_network(batch.session, row.fixed_network_uuid,
                                     int(fixed_ip))
             if row.fixed_network_uuid is not None else None)
    if fixed is None:
        raise exception.AddressNotFound(address=str(fixed_ip))
    ipam_floating.associate(batch.session, address, fixed)
    batch.tally.created(counts.ASSOCIATIONS)
