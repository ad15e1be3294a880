"""Policies: unusable ranges and octets, and keeping blocks in step with them.

A policy's ranges are cut out of the free space of every block that uses
it, when the block is created, when the policy is attached, and when a
range is added; they are given back when the range, the policy or the
attachment goes. Octets are applied by the allocator as it meets them
(see db.free_ranges.hold).
"""

import uuid

from melange_rpc import exception
from melange_rpc.db import models
from melange_rpc.db import policies as db_policies
from melange_rpc.ipam import allocator
from melange_rpc.ipam import blocks
from melange_rpc.ipam import exclusions
from melange_rpc.ipam import values

# Offsets index into a block; IPv6 blocks are large, SQL BIGINT is not.
MAX_OFFSET = 2 ** 62


def get(session, policy_id, tenant_id=None):
    values.string(policy_id, 'policy_id')
    policy = db_policies.get(session, policy_id, tenant_id)
    if policy is None:
        raise exception.PolicyNotFound(policy_id=policy_id)
    return policy


def exclusions_for(session, block):
    """The Exclusions of ``block``'s policy (empty without one)."""
    cidr = blocks.cidr_of(block)
    if block.policy_id is None:
        return exclusions.Exclusions(cidr)
    ranges, octets = db_policies.rules(session, block.policy_id)
    return exclusions.Exclusions(cidr, ranges, octets)


def create(session, name, tenant_id, description=None):
    values.string(name, 'name')
    values.optional_string(description, 'description', 4096)
    return db_policies.add(session, id=str(uuid.uuid4()), name=name,
                           description=description, tenant_id=tenant_id)


def update(session, policy, name=None, description=None):
    if name is not None:
        policy.name = values.string(name, 'name')
    if description is not None:
        policy.description = values.string(description, 'description',
                                           4096)
    session.flush()
    return policy


def delete(session, policy):
    """Detach the policy from its blocks, then delete it."""
    for block in db_policies.blocks_using(session, policy.id):
        detach(session, block)
    db_policies.delete(session, policy)


def attach(session, block, policy):
    """Apply ``policy`` to ``block`` (replacing any policy it had)."""
    if block.policy_id is not None:
        detach(session, block)
    block.policy_id = policy.id
    session.flush()
    for first, last in exclusions_for(session, block).spans:
        allocator.withdraw(session, block, first, last)


def detach(session, block):
    """Remove the block's policy and give back what it withheld."""
    withheld = exclusions_for(session, block).spans
    block.policy_id = None
    session.flush()
    _give_back(session, block, withheld)


def check_range(offset, length):
    values.integer(offset, 'offset', -MAX_OFFSET, MAX_OFFSET)
    values.integer(length, 'length', 1, MAX_OFFSET)


def check_octet(octet):
    values.integer(octet, 'octet', 0, 65535)


def add_range(session, policy, offset, length):
    check_range(offset, length)
    rule = db_policies.add_rule(session, models.UnusableRange(
        id=str(uuid.uuid4()), policy_id=policy.id, offset=offset,
        length=length))
    for block in db_policies.blocks_using(session, policy.id):
        span = exclusions.span_of(blocks.cidr_of(block), offset, length)
        if span is not None:
            allocator.withdraw(session, block, *span)
    return rule


def delete_range(session, policy, range_id):
    rule = _rule(session, models.UnusableRange, policy, range_id)
    db_policies.delete_rule(session, rule)
    for block in db_policies.blocks_using(session, policy.id):
        span = exclusions.span_of(blocks.cidr_of(block), rule.offset,
                                  rule.length)
        if span is not None:
            _give_back(session, block, [span])


def add_octet(session, policy, octet):
    check_octet(octet)
    return db_policies.add_rule(session, models.UnusableOctet(
        id=str(uuid.uuid4()), policy_id=policy.id, octet=octet))


def delete_octet(session, policy, octet_id):
    rule = _rule(session, models.UnusableOctet, policy, octet_id)
    db_policies.delete_rule(session, rule)
    for block in db_policies.blocks_using(session, policy.id):
        _give_back(session, block, [])


def _rule(session, model, policy, rule_id):
    values.string(rule_id, 'id')
    rule = db_policies.get_rule(session, model, policy.id, rule_id)
    if rule is None:
        raise exception.NotFound(
            'Rule %s of policy %s could not be found.' % (rule_id, policy.id))
    return rule


def _give_back(session, block, spans):
    """Return ``spans`` and any octet-held addresses to the free space,
    less what the block's remaining policy still excludes."""
    remaining = exclusions_for(session, block)
    for first, last in list(spans) + allocator.release_holds(session, block):
        allocator.restore(session, block, first, last, remaining)
