"""SQL for allocated and retained addresses."""

import uuid

import netaddr
import sqlalchemy as sa
from sqlalchemy.orm import attributes

from melange_rpc import exception
from melange_rpc.db import inserts
from melange_rpc.db import models
from melange_rpc.db import pagination
from melange_rpc.db import prepared
from melange_rpc.ipam import addressing

IpAddress = models.IpAddress
IpBlock = models.IpBlock


def new_row(block, interface, value, **values):
    """The row of a new address (integer ``value``) of ``block``, for
    ``interface`` (or None), to be inserted (inserts.Row)."""
    return inserts.Row(
        IpAddress, id=str(uuid.uuid4()), block_id=block.id,
        interface_id=interface.id if interface is not None else None,
        address=str(netaddr.IPAddress(value, version=block.ip_version)),
        address_key=addressing.key(value), ip_version=block.ip_version,
        leased=False, **values)


def adopt(session, row, block, interface=None):
    """The address ``row``, inserted, as an object of the session, its
    block and interface already in place: reading them later (the reply,
    the notification) costs no statement, even once the session has let
    go of an object nothing else held."""
    address = row.adopt(session)
    attributes.set_committed_value(address, 'block', block)
    attributes.set_committed_value(address, 'interface', interface)
    return address


def _get_statements():
    by_key = sa.select(IpAddress).where(
        IpAddress.block_id == sa.bindparam('block_id'),
        IpAddress.address_key == sa.bindparam('key')).execution_options(
        **prepared.PREPARE)
    return {False: by_key, True: by_key.with_for_update(of=IpAddress)}


_GET = _get_statements()


def get(session, block_id, value, lock=False):
    """The address row for integer ``value`` in a block, or None."""
    return session.scalars(_GET[bool(lock)], {
        'block_id': block_id, 'key': addressing.key(value)}).first()


def _filtered(query, filters, state):
    for name, value in filters.items():
        if value is None:
            continue
        if name == 'network_id':
            query = query.where(IpBlock.network_id == value)
        elif name == 'owner_or_lessee':
            query = query.where(sa.or_(IpAddress.tenant_id == value,
                                       IpBlock.tenant_id == value))
        else:
            query = query.where(getattr(IpAddress, name) == value)
    if state == 'allocated':
        query = query.where(IpAddress.deallocated_at.is_(None))
    elif state == 'deallocated':
        query = query.where(IpAddress.deallocated_at.is_not(None))
    return query


# A listing reads rows, not objects: the address's columns, its block's
# network and its interface's MAC (views.listed_address).
_LISTED = (sa.select(IpAddress.__table__, IpBlock.network_id,
                     models.Interface.mac_address)
           .join(IpBlock, IpAddress.block_id == IpBlock.id)
           .outerjoin(models.Interface,
                      IpAddress.interface_id == models.Interface.id))


def _listing_order(filters):
    """Address order, and the id where one key may recur.

    Within one block a key is unique (uniq_ip_addresses0block_id0address_key):
    the key alone orders the page, and PostgreSQL reads it straight off
    that index. With the id as well it sorted the rows it read (an
    incremental sort per key), a third of the query's time. Across blocks
    the same address recurs (private ranges); there the id breaks the tie.
    """
    if filters.get('block_id') is not None:
        return (IpAddress.address_key,)
    return (IpAddress.address_key, IpAddress.id)


def list_page(session, filters, state='allocated', limit=None, marker=None):
    """A page of addresses in address order; ``marker`` is an address."""
    limit = pagination.clamp_limit(limit)
    query = _filtered(_LISTED, filters, state)
    if marker is not None:
        seen = addressing.parse_address(marker, 'marker')
        known = session.scalar(_filtered(
            sa.select(IpAddress.id).join(IpBlock), filters, 'all')
            .where(IpAddress.address_key == addressing.key(seen)).limit(1))
        if known is None:
            raise pagination.unknown_marker(marker)
        query = query.where(IpAddress.address_key > addressing.key(seen))
    query = query.order_by(*_listing_order(filters))
    return pagination.page_of_rows(session, query, limit,
                                   lambda row: row.address)


def of_interface(session, interface_id, network_id=None, lock=False):
    """The live addresses of an interface (optionally in one network)."""
    query = (sa.select(IpAddress).join(IpBlock)
             .where(IpAddress.interface_id == interface_id,
                    IpAddress.deallocated_at.is_(None))
             .order_by(IpAddress.ip_version, IpAddress.address_key))
    if network_id is not None:
        query = query.where(IpBlock.network_id == network_id)
    if lock:
        query = query.with_for_update(of=IpAddress)
    return session.scalars(query).all()


def retained_before(session, cutoff, limit):
    """Up to ``limit`` retained addresses deallocated at or before cutoff.

    Rows another worker is reclaiming right now are skipped, not waited
    for (SKIP LOCKED; SQLite has one writer anyway).
    """
    return session.scalars(
        sa.select(IpAddress)
        .where(IpAddress.deallocated_at.is_not(None),
               IpAddress.deallocated_at <= cutoff)
        .order_by(IpAddress.deallocated_at)
        .limit(limit)
        .with_for_update(of=IpAddress, skip_locked=True)).all()


def count_excluded(session, block_id, spans, octets, octet_hex_digits):
    """How many stored addresses (allocated or retained) of a block lie in
    ``spans`` or end in one of ``octets``: what a policy attached after
    allocation covers. A COUNT over the block's index, no rows loaded.
    """
    conditions = [IpAddress.address_key.between(addressing.key(first),
                                                addressing.key(last))
                  for first, last in spans]
    if octets:
        # The key's last hex digits are the last octet (IPv4: 2 digits)
        # or 16-bit group (IPv6: 4 digits).
        start = addressing.KEY_DIGITS - octet_hex_digits + 1
        conditions.append(
            sa.func.substr(IpAddress.address_key, start, octet_hex_digits)
            .in_(['%0*x' % (octet_hex_digits, o) for o in octets]))
    if not conditions:
        return 0
    return session.scalar(
        sa.select(sa.func.count()).select_from(IpAddress)
        .where(IpAddress.block_id == block_id, sa.or_(*conditions)))


def delete(session, row):
    session.execute(sa.delete(IpAddress).where(IpAddress.id == row.id))


def validate_state(state):
    if state not in ('allocated', 'deallocated', 'all'):
        raise exception.InvalidInput(
            errors={'state': 'must be "allocated", "deallocated" or "all"'})
    return state


def get_by_id(session, ip_id, tenant_id=None, lock=False):
    """An address by id; ``tenant_id`` limits it to its lessee or owner."""
    query = sa.select(IpAddress).join(IpBlock).where(IpAddress.id == ip_id)
    if tenant_id is not None:
        query = query.where(sa.or_(IpAddress.tenant_id == tenant_id,
                                   IpBlock.tenant_id == tenant_id))
    if lock:
        query = query.with_for_update(of=IpAddress)
    return session.scalars(query).first()


def in_network(session, network_id, value):
    """The live address ``value`` (int) of a network, or None."""
    return session.scalars(
        sa.select(IpAddress).join(IpBlock)
        .where(IpBlock.network_id == network_id,
               IpAddress.address_key == addressing.key(value),
               IpAddress.deallocated_at.is_(None)).limit(1)).first()


_ADDRESS = IpAddress.__table__
_BLOCK = IpBlock.__table__

_INTERFACE = models.Interface.__table__
_FLOATING = _ADDRESS.alias('floating')

# What Nova's network info shows of a device, in one statement: a row per
# (interface, live address, floating IP in front of it), an interface
# without addresses or an address without floating IPs padded with NULLs.
# One round trip instead of one per table: get_instance_network_info is
# the read Nova makes most.
_NETWORK_OF_DEVICE = (
    sa.select(_INTERFACE.c.id.label('interface_id'),
              _INTERFACE.c.mac_address, _INTERFACE.c.network_id,
              _ADDRESS.c.address, _ADDRESS.c.block_id, _BLOCK.c.cidr,
              _BLOCK.c.ip_version, _BLOCK.c.gateway,
              _BLOCK.c.dns_nameservers, _BLOCK.c.dhcp_options,
              IpBlock.has_routes.expression.label('has_routes'),
              _FLOATING.c.address.label('floating_address'))
    .select_from(
        _INTERFACE
        .outerjoin(_ADDRESS, sa.and_(
            _ADDRESS.c.interface_id == _INTERFACE.c.id,
            _ADDRESS.c.deallocated_at.is_(None)))
        .outerjoin(_BLOCK, _ADDRESS.c.block_id == _BLOCK.c.id)
        .outerjoin(_FLOATING, sa.and_(
            _FLOATING.c.fixed_ip_id == _ADDRESS.c.id,
            _FLOATING.c.deallocated_at.is_(None))))
    .where(_INTERFACE.c.device_id == sa.bindparam('device_id'))
    .order_by(_INTERFACE.c.created_at, _INTERFACE.c.id,
              _ADDRESS.c.ip_version, _ADDRESS.c.address_key,
              _FLOATING.c.address_key)
    .execution_options(**prepared.PREPARE))


def network_of_device(session, device_id, tenant_id=None):
    """Rows of a device's interfaces (of ``tenant_id``, if given), their
    live addresses with their blocks' cidr, ip_version, gateway,
    dns_nameservers, dhcp_options and has_routes, and the floating IPs in
    front of those (``floating_address``)."""
    # A Core statement does not autoflush: what the call has added so far
    # (allocate_for_instance answers with this) must be in the database.
    session.flush()
    query = _NETWORK_OF_DEVICE
    if tenant_id is not None:
        query = query.where(_INTERFACE.c.tenant_id == tenant_id)
    return session.connection().execute(
        query, {'device_id': device_id}).all()


def floating_page(session, tenant_id=None, fixed_ip_id=None, limit=None,
                  marker=None):
    """Live addresses of public blocks (floating IPs), in address order."""
    limit = pagination.clamp_limit(limit)
    query = (sa.select(IpAddress).join(IpBlock)
             .where(IpBlock.type == 'public',
                    IpAddress.deallocated_at.is_(None)))
    if tenant_id is not None:
        query = query.where(IpAddress.tenant_id == tenant_id)
    if fixed_ip_id is not None:
        query = query.where(IpAddress.fixed_ip_id == fixed_ip_id)
    if marker is not None:
        seen = addressing.parse_address(marker, 'marker')
        query = query.where(IpAddress.address_key > addressing.key(seen))
    query = query.order_by(IpAddress.address_key, IpAddress.id)
    return pagination.page(session, query, limit, lambda row: row.address)


# retain(): Core statements built once (prepared on PostgreSQL). As an
# ORM flush and an ORM bulk UPDATE they cost a deallocate_ip 1 ms of
# CPU in-process (cProfile), more than its six statements' round trips.
_table = IpAddress.__table__
_RETAIN = (sa.update(_table).where(_table.c.id == sa.bindparam('address_id'))
           .values(deallocated_at=sa.bindparam('now'), leased=False,
                   updated_at=sa.bindparam('now'))
           .execution_options(**prepared.PREPARE))
_LET_GO = (sa.update(_table)
           .where(_table.c.fixed_ip_id == sa.bindparam('address_id'))
           .values(fixed_ip_id=None, updated_at=sa.bindparam('now'))
           .execution_options(**prepared.PREPARE))


def retain(session, row):
    """Mark the address ``row`` deallocated (retained) now, in the database
    and in the loaded object alike, and let the floating IPs that point
    at it go."""
    params = {'address_id': row.id, 'now': models.utcnow()}
    connection = session.connection()
    connection.execute(_RETAIN, params)
    connection.execute(_LET_GO, params)
    for name, value in (('deallocated_at', params['now']), ('leased', False),
                        ('updated_at', params['now'])):
        attributes.set_committed_value(row, name, value)
    # Those floating IPs, where the session holds them (the ORM's bulk
    # UPDATE did the same: synchronize_session).
    for held in list(session.identity_map.values()):
        if isinstance(held, IpAddress) and held.fixed_ip_id == row.id:
            attributes.set_committed_value(held, 'fixed_ip_id', None)


def dhcp_hosts(session, network_id):
    """(IpAddress, Interface) of a network's live addresses whose interface
    has a MAC: what a DHCP server hands out."""
    return session.execute(
        sa.select(IpAddress, models.Interface)
        .join(IpBlock, IpAddress.block_id == IpBlock.id)
        .join(models.Interface,
              IpAddress.interface_id == models.Interface.id)
        .where(IpBlock.network_id == network_id,
               IpAddress.deallocated_at.is_(None),
               models.Interface.mac_address.is_not(None))
        .order_by(IpAddress.address_key)).all()
