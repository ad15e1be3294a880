"""SQL for NAT relations between inside-global and inside-local addresses."""

import uuid

import sqlalchemy as sa

from melange_rpc.db import models

Nat = models.NatRelation
IpAddress = models.IpAddress


def link(session, **values):
    exists = session.scalar(sa.select(Nat.id).where(
        Nat.inside_global_id == values['inside_global_id'],
        Nat.inside_local_id == values['inside_local_id']))
    if exists is None:
        session.add(Nat(id=str(uuid.uuid4()), **values))
        session.flush()


def partners(session, ip_id, side):
    """Addresses on the other side of ``ip_id``'s NAT links.

    ``side`` is 'globals' (ip_id is local) or 'locals' (ip_id is global).
    """
    mine, theirs = ((Nat.inside_local_id, Nat.inside_global_id)
                    if side == 'globals' else
                    (Nat.inside_global_id, Nat.inside_local_id))
    return session.scalars(
        sa.select(IpAddress).join(Nat, theirs == IpAddress.id)
        .where(mine == ip_id).order_by(IpAddress.address_key)).all()


def unlink(session, ip_id, side, other_id=None):
    """Delete ``ip_id``'s links on ``side`` (one, or all); return count."""
    mine, theirs = ((Nat.inside_local_id, Nat.inside_global_id)
                    if side == 'globals' else
                    (Nat.inside_global_id, Nat.inside_local_id))
    query = sa.delete(Nat).where(mine == ip_id)
    if other_id is not None:
        query = query.where(theirs == other_id)
    return session.execute(query).rowcount


def unlink_all(session, ip_id):
    session.execute(sa.delete(Nat).where(sa.or_(
        Nat.inside_global_id == ip_id, Nat.inside_local_id == ip_id)))
