"""SQL for policies and their unusable ranges and octets."""

import sqlalchemy as sa

from melange_rpc.db import models
from melange_rpc.db import pagination

Policy = models.Policy
UnusableRange = models.UnusableRange
UnusableOctet = models.UnusableOctet


def add(session, **values):
    policy = Policy(**values)
    session.add(policy)
    session.flush()
    return policy


def get(session, policy_id, tenant_id=None):
    query = sa.select(Policy).where(Policy.id == policy_id)
    if tenant_id is not None:
        query = query.where(Policy.tenant_id == tenant_id)
    return session.scalars(query).first()


def list_page(session, tenant_id=None, limit=None, marker=None):
    query = sa.select(Policy)
    if tenant_id is not None:
        query = query.where(Policy.tenant_id == tenant_id)
    return pagination.by_creation(session, query, Policy, limit, marker)


def delete(session, policy):
    session.delete(policy)
    session.flush()


def rules(session, policy_id):
    """([(offset, length), ...], [octet, ...]) of a policy."""
    ranges = session.execute(
        sa.select(UnusableRange.offset, UnusableRange.length)
        .where(UnusableRange.policy_id == policy_id)).all()
    octets = session.scalars(
        sa.select(UnusableOctet.octet)
        .where(UnusableOctet.policy_id == policy_id)).all()
    return [tuple(r) for r in ranges], list(octets)


def rule_rows(session, policy_ids):
    """{policy_id: ([UnusableRange], [UnusableOctet])} in two queries."""
    result = {policy_id: ([], []) for policy_id in policy_ids}
    if not result:
        return result
    for index, model in enumerate((UnusableRange, UnusableOctet)):
        rows = session.scalars(
            sa.select(model).where(model.policy_id.in_(list(result)))
            .order_by(model.created_at, model.id))
        for row in rows:
            result[row.policy_id][index].append(row)
    return result


def add_rule(session, rule):
    session.add(rule)
    session.flush()
    return rule


def get_rule(session, model, policy_id, rule_id):
    return session.scalars(sa.select(model).where(
        model.id == rule_id, model.policy_id == policy_id)).first()


def delete_rule(session, rule):
    session.delete(rule)
    session.flush()


def blocks_using(session, policy_id):
    """The blocks a policy applies to, locked (their free space changes)."""
    return session.scalars(
        sa.select(models.IpBlock).where(models.IpBlock.policy_id == policy_id)
        .with_for_update()).all()
