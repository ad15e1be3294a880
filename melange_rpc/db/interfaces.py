"""SQL for interfaces (VIFs, ports) and their allowed addresses."""

from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy.orm import attributes

from melange_rpc.db import inserts
from melange_rpc.db import models
from melange_rpc.db import pagination
from melange_rpc.db import prepared

Interface = models.Interface
AllowedIp = models.AllowedIp
IpAddress = models.IpAddress


def get(session, interface_id, tenant_id=None, lock=False):
    query = sa.select(Interface).where(Interface.id == interface_id)
    if tenant_id is not None:
        query = query.where(Interface.tenant_id == tenant_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def add(session, **values):
    """Store a new interface with one INSERT (allocate_ips_for_interface
    and allocate_for_instance create one per call)."""
    return inserts.add(session, Interface, **values)


_interfaces = Interface.__table__
_SET_MAC = (sa.update(_interfaces)
            .where(_interfaces.c.id == sa.bindparam('interface_id'))
            .values(mac_address=sa.bindparam('mac'),
                    updated_at=sa.bindparam('now'))
            .execution_options(**prepared.PREPARE))


def set_mac(session, interface, mac_address):
    """Give ``interface`` its MAC, in the database and in the object alike
    (a Core UPDATE built once: an ORM flush costs several times more)."""
    now = models.utcnow()
    session.connection().execute(_SET_MAC, {
        'interface_id': interface.id, 'mac': mac_address, 'now': now})
    attributes.set_committed_value(interface, 'mac_address', mac_address)
    attributes.set_committed_value(interface, 'updated_at', now)


def get_or_add(session, **values):
    """``(interface, created)``: the interface ``values['id']``, locked,
    or else a new one stored with ``values``.

    Where the database has INSERT ... ON CONFLICT (PostgreSQL, SQLite), a
    new interface, the usual case, is that one statement; a concurrent
    creator's row is waited for, then read. MariaDB looks the id up,
    locked, first.
    """
    row = inserts.Row(Interface, **values)
    if not inserts.can_insert_if_new(session.bind.dialect.name):
        found = get(session, values['id'], lock=True)
        if found is not None:
            return found, False
        row.insert(session)
        return row.adopt(session), True
    # Bounded: the row it met could be deleted before it is read.
    for _ in range(3):
        if row.insert_if_new(session):
            return row.adopt(session), True
        found = get(session, values['id'], lock=True)
        if found is not None:
            return found, False
    raise db_exc.DBDeadlock()


def list_page(session, limit=None, marker=None, **filters):
    query = sa.select(Interface)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Interface, name) == value)
    return pagination.by_creation(session, query, Interface, limit, marker)


def of_device(session, device_id, tenant_id=None, lock=False):
    query = (sa.select(Interface).where(Interface.device_id == device_id)
             .order_by(Interface.created_at, Interface.id))
    if tenant_id is not None:
        query = query.where(Interface.tenant_id == tenant_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).all()


def delete(session, interface):
    session.execute(sa.delete(Interface)
                    .where(Interface.id == interface.id))


def allow(session, **values):
    session.add(AllowedIp(**values))
    session.flush()


def allowed(session, interface_id, ip_address_id=None):
    query = sa.select(AllowedIp).where(AllowedIp.interface_id == interface_id)
    if ip_address_id is not None:
        query = query.where(AllowedIp.ip_address_id == ip_address_id)
    return session.scalars(query).all()


def allowed_addresses(session, interface_id):
    """Addresses explicitly allowed on an interface, in address order."""
    return session.scalars(
        sa.select(IpAddress).join(AllowedIp,
                                  AllowedIp.ip_address_id == IpAddress.id)
        .where(AllowedIp.interface_id == interface_id)
        .order_by(IpAddress.address_key)).all()


def disallow(session, allowed_ip):
    session.execute(sa.delete(AllowedIp)
                    .where(AllowedIp.id == allowed_ip.id))
