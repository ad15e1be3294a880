"""Changing and deleting blocks, keeping their free space exact."""

import sqlalchemy as sa

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import models
from melange_rpc.ipam import addressing
from melange_rpc.ipam import allocator
from melange_rpc.ipam import blocks
from melange_rpc.ipam import policies
from melange_rpc.ipam import values
from melange_rpc.ipam.values import UNSET


def update(session, block, name=UNSET, network_id=UNSET, gateway=UNSET,
           dns_nameservers=UNSET, dhcp_options=UNSET, policy=UNSET,
           allocatable=UNSET, max_allocation=UNSET):
    """Change the mutable fields given; ``policy`` is a Policy or None."""
    if name is not UNSET:
        block.name = values.optional_string(name, 'name')
    if allocatable is not UNSET:
        block.allocatable = values.boolean(allocatable, 'allocatable')
    if max_allocation is not UNSET:
        block.max_allocation = values.optional_int(
            max_allocation, 'max_allocation', minimum=0)
    if dns_nameservers is not UNSET:
        block.dns_nameservers = values.address_list(dns_nameservers,
                                                    'dns_nameservers')
    if dhcp_options is not UNSET:
        block.dhcp_options = values.options_dict(dhcp_options,
                                                 'dhcp_options')
    if network_id is not UNSET and network_id != block.network_id:
        _move(session, block, network_id)
    if gateway is not UNSET:
        _set_gateway(session, block, gateway)
    if policy is not UNSET:
        if policy is None:
            if block.policy_id is not None:
                policies.detach(session, block)
        elif policy.id != block.policy_id:
            policies.attach(session, block, policy)
    session.flush()
    return block


def _move(session, block, network_id):
    values.optional_string(network_id, 'network_id')
    if block.parent_id is not None or db_blocks.has_subnets(session,
                                                            block.id):
        raise exception.InvalidInput(
            errors={'network_id': 'only a top-level block without subnets '
                                  'moves between networks'})
    blocks.check_network_type(session, network_id, block.type)
    if network_id is not None:
        blocks.check_top_level_overlap(
            session, blocks.cidr_of(block), block.type, network_id,
            block.first_key, block.last_key, exclude_id=block.id)
    block.network_id = network_id


def _set_gateway(session, block, gateway):
    cidr = blocks.cidr_of(block)
    new = blocks.check_gateway(cidr, gateway)
    old = blocks.gateway_of(block)
    if new == old:
        return
    if new is not None:
        if db_addresses.get(session, block.id, int(new)) is not None:
            raise exception.DuplicateAddress(address=str(new))
        allocator.take_if_free(session, block, int(new))
    block.gateway = str(new) if new is not None else None
    session.flush()
    if old is not None:
        allocator.restore(session, block, int(old), int(old),
                          policies.exclusions_for(session, block))


def subtree_ids(session, block):
    """The ids of a block and all its subnets, nested ones too."""
    ids, frontier = [block.id], [block.id]
    while frontier:
        frontier = session.scalars(
            sa.select(models.IpBlock.id)
            .where(models.IpBlock.parent_id.in_(frontier))).all()
        ids += frontier
    return ids


def delete(session, block, force=False):
    """Delete a block with its subnets, addresses, routes and free space."""
    values.boolean(force, 'force')
    ids = subtree_ids(session, block)
    allocated = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(
            models.IpBlock.allocated_count), 0))
        .where(models.IpBlock.id.in_(ids)))
    if allocated and not force:
        raise exception.BlockInUse(block_id=block.id)
    parent_id = block.parent_id
    # The database cascades to subnets, addresses, routes and ranges.
    session.execute(sa.delete(models.IpBlock)
                    .where(models.IpBlock.id == block.id))
    session.expunge_all()
    if parent_id is not None and not db_blocks.has_subnets(session,
                                                           parent_id):
        parent = db_blocks.get(session, parent_id, lock=True)
        bounds = addressing.usable_bounds(blocks.cidr_of(parent))
        if bounds is not None:
            allocator.restore(session, parent, bounds[0], bounds[1],
                              policies.exclusions_for(session, parent))
