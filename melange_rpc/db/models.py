"""SQLAlchemy models: the tables of the address repository.

Addresses are stored twice: as text for people (``10.0.0.5``, ``fe80::1``)
and as a *key*, the address as 32 lower-case hex digits. Keys have one
width for IPv4 and IPv6, so they sort and compare as strings in SQLite,
PostgreSQL and MariaDB alike, and 128-bit IPv6 arithmetic never meets a
64-bit integer column.

A block's free space is kept as a few ``BlockFreeRange`` rows (intervals of
keys). The lowest free address is the ``first_key`` of the block's lowest
range: one index lookup, whatever the block's size or fill. This is what
lets a /8 or a /64 behave like a /24.
"""

import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm


def utcnow():
    # Naive UTC: DateTime columns have no zone on every backend.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Base(orm.DeclarativeBase):
    pass


# Microseconds everywhere: MariaDB's DATETIME drops them unless asked, and
# lists are ordered by creation time.
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')


class TimestampMixin:
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)
    updated_at = sa.Column(Timestamp, nullable=True, onupdate=utcnow)


ID = sa.String(36)
NAME = sa.String(255)
ADDRESS = sa.String(64)
KEY = sa.String(32)


class Policy(TimestampMixin, Base):
    __tablename__ = 'policies'

    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=False)
    description = sa.Column(sa.Text, nullable=True)
    tenant_id = sa.Column(NAME, nullable=True, index=True)


class UnusableRange(Base):
    __tablename__ = 'policy_unusable_ranges'

    id = sa.Column(ID, primary_key=True)
    policy_id = sa.Column(ID, sa.ForeignKey('policies.id', ondelete='CASCADE'),
                          nullable=False, index=True)
    offset = sa.Column(sa.BigInteger, nullable=False)
    length = sa.Column(sa.BigInteger, nullable=False)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


class UnusableOctet(Base):
    __tablename__ = 'policy_unusable_octets'

    id = sa.Column(ID, primary_key=True)
    policy_id = sa.Column(ID, sa.ForeignKey('policies.id', ondelete='CASCADE'),
                          nullable=False, index=True)
    octet = sa.Column(sa.Integer, nullable=False)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


class IpBlock(TimestampMixin, Base):
    __tablename__ = 'ip_blocks'
    __table_args__ = (
        # Overlap checks look up blocks by the span of their keys.
        sa.Index('ix_ip_blocks_span', 'first_key', 'last_key'),
        sa.Index('ix_ip_blocks_network', 'network_id', 'created_at'),
    )

    id = sa.Column(ID, primary_key=True)
    name = sa.Column(NAME, nullable=True)
    cidr = sa.Column(ADDRESS, nullable=False)
    ip_version = sa.Column(sa.SmallInteger, nullable=False)
    first_key = sa.Column(KEY, nullable=False)
    last_key = sa.Column(KEY, nullable=False)
    type = sa.Column(sa.String(16), nullable=False)
    tenant_id = sa.Column(NAME, nullable=True, index=True)
    network_id = sa.Column(NAME, nullable=True)
    parent_id = sa.Column(
        ID, sa.ForeignKey('ip_blocks.id', ondelete='CASCADE'),
        nullable=True, index=True)
    policy_id = sa.Column(
        ID, sa.ForeignKey('policies.id', ondelete='SET NULL'),
        nullable=True, index=True)
    gateway = sa.Column(ADDRESS, nullable=True)
    dns_nameservers = sa.Column(sa.JSON, nullable=False, default=list)
    dhcp_options = sa.Column(sa.JSON, nullable=False, default=dict)
    ipv6_address_mode = sa.Column(sa.String(16), nullable=True)
    allocatable = sa.Column(sa.Boolean, nullable=False, default=True)
    max_allocation = sa.Column(sa.BigInteger, nullable=True)
    # Kept in step with ip_addresses inside each transaction, so usage and
    # max_allocation never count rows.
    allocated_count = sa.Column(sa.BigInteger, nullable=False, default=0)
    retained_count = sa.Column(sa.BigInteger, nullable=False, default=0)


class BlockFreeRange(Base):
    """An interval [first_key, last_key] of a block's never-used addresses."""

    __tablename__ = 'ip_block_free_ranges'
    __table_args__ = (
        sa.Index('ix_free_ranges_block_first', 'block_id', 'first_key'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    block_id = sa.Column(ID, sa.ForeignKey('ip_blocks.id', ondelete='CASCADE'),
                         nullable=False)
    first_key = sa.Column(KEY, nullable=False)
    last_key = sa.Column(KEY, nullable=False)


class BlockHeldRange(Base):
    """Free addresses withheld because a policy's unusable octet matches them.

    Octet rules exclude one address in every 256 (IPv4) or 65,536 (IPv6);
    cutting them out of the free space up front would enumerate the block.
    Instead the allocator sets matching addresses aside here as it meets
    them, and gives them back if the rule goes.
    """

    __tablename__ = 'ip_block_held_ranges'
    __table_args__ = (
        sa.Index('ix_held_ranges_block_first', 'block_id', 'first_key'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    block_id = sa.Column(ID, sa.ForeignKey('ip_blocks.id', ondelete='CASCADE'),
                         nullable=False)
    first_key = sa.Column(KEY, nullable=False)
    last_key = sa.Column(KEY, nullable=False)


class Interface(TimestampMixin, Base):
    __tablename__ = 'interfaces'

    id = sa.Column(NAME, primary_key=True)
    device_id = sa.Column(NAME, nullable=True, index=True)
    tenant_id = sa.Column(NAME, nullable=True, index=True)
    mac_address = sa.Column(sa.String(17), nullable=True, unique=True)
    network_id = sa.Column(NAME, nullable=True)


class IpAddress(TimestampMixin, Base):
    __tablename__ = 'ip_addresses'
    __table_args__ = (
        # The arbiter of "never hand out one address twice".
        sa.UniqueConstraint('block_id', 'address_key',
                            name='uniq_ip_addresses0block_id0address_key'),
        # Retained rows only, for reclaiming (see migration 0004: a full
        # index misleads SQLite into scanning every live address).
        sa.Index('ix_ip_addresses_retained', 'deallocated_at',
                 postgresql_where=sa.text('deallocated_at IS NOT NULL'),
                 sqlite_where=sa.text('deallocated_at IS NOT NULL')),
    )

    id = sa.Column(ID, primary_key=True)
    block_id = sa.Column(ID, sa.ForeignKey('ip_blocks.id', ondelete='CASCADE'),
                         nullable=False)
    address = sa.Column(ADDRESS, nullable=False)
    address_key = sa.Column(KEY, nullable=False)
    ip_version = sa.Column(sa.SmallInteger, nullable=False)
    interface_id = sa.Column(
        NAME, sa.ForeignKey('interfaces.id', ondelete='SET NULL'),
        nullable=True, index=True)
    tenant_id = sa.Column(NAME, nullable=True, index=True)
    device_id = sa.Column(NAME, nullable=True, index=True)
    deallocated_at = sa.Column(Timestamp, nullable=True)
    leased = sa.Column(sa.Boolean, nullable=False, default=False)
    leased_at = sa.Column(Timestamp, nullable=True)
    # A floating IP: the fixed address it is associated with.
    fixed_ip_id = sa.Column(
        ID, sa.ForeignKey('ip_addresses.id', ondelete='SET NULL'),
        nullable=True, index=True)

    block = orm.relationship(IpBlock, lazy='joined', innerjoin=True)
    interface = orm.relationship(Interface, lazy='joined')


class MacRange(TimestampMixin, Base):
    __tablename__ = 'mac_ranges'
    __table_args__ = (
        sa.Index('ix_mac_ranges_span', 'first_key', 'last_key'),
    )

    id = sa.Column(ID, primary_key=True)
    cidr = sa.Column(sa.String(24), nullable=False)
    first_key = sa.Column(KEY, nullable=False)
    last_key = sa.Column(KEY, nullable=False)
    allocated_count = sa.Column(sa.BigInteger, nullable=False, default=0)


class MacFreeRange(Base):
    """An interval of a MAC range's free MACs (see BlockFreeRange)."""

    __tablename__ = 'mac_free_ranges'
    __table_args__ = (
        sa.Index('ix_mac_free_ranges_range_first', 'mac_range_id',
                 'first_key'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    mac_range_id = sa.Column(
        ID, sa.ForeignKey('mac_ranges.id', ondelete='CASCADE'),
        nullable=False)
    first_key = sa.Column(KEY, nullable=False)
    last_key = sa.Column(KEY, nullable=False)


class MacAddress(Base):
    """A MAC in use: from a range, or given by the caller (no range)."""

    __tablename__ = 'mac_addresses'

    id = sa.Column(ID, primary_key=True)
    address = sa.Column(sa.String(17), nullable=False, unique=True)
    mac_range_id = sa.Column(ID, sa.ForeignKey('mac_ranges.id'),
                             nullable=True, index=True)
    interface_id = sa.Column(
        NAME, sa.ForeignKey('interfaces.id', ondelete='SET NULL'),
        nullable=True, index=True)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


class AllowedIp(Base):
    """An address an interface may send from besides its own."""

    __tablename__ = 'allowed_ips'
    __table_args__ = (
        sa.UniqueConstraint('interface_id', 'ip_address_id',
                            name='uniq_allowed_ips0interface_id0ip_address_id'),
    )

    id = sa.Column(ID, primary_key=True)
    interface_id = sa.Column(
        NAME, sa.ForeignKey('interfaces.id', ondelete='CASCADE'),
        nullable=False)
    ip_address_id = sa.Column(
        ID, sa.ForeignKey('ip_addresses.id', ondelete='CASCADE'),
        nullable=False, index=True)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


class NatRelation(Base):
    """An inside-global address translating for an inside-local one."""

    __tablename__ = 'ip_nat_relations'
    __table_args__ = (
        sa.UniqueConstraint('inside_global_id', 'inside_local_id',
                            name='uniq_ip_nat_relations0global0local'),
    )

    id = sa.Column(ID, primary_key=True)
    inside_global_id = sa.Column(
        ID, sa.ForeignKey('ip_addresses.id', ondelete='CASCADE'),
        nullable=False)
    inside_local_id = sa.Column(
        ID, sa.ForeignKey('ip_addresses.id', ondelete='CASCADE'),
        nullable=False, index=True)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


class Route(Base):
    __tablename__ = 'ip_routes'

    id = sa.Column(ID, primary_key=True)
    block_id = sa.Column(ID, sa.ForeignKey('ip_blocks.id', ondelete='CASCADE'),
                         nullable=False, index=True)
    destination = sa.Column(ADDRESS, nullable=False)
    gateway = sa.Column(ADDRESS, nullable=False)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)


# Whether a block has routes, read with the block itself: most blocks have
# none, and then the IpConfigs of an allocation or a read need no routes
# query (db.routes.for_blocks).
IpBlock.has_routes = orm.column_property(
    sa.exists().where(Route.block_id == IpBlock.id), deferred=False)


class IdempotencyKey(Base):
    """The stored result of a state-changing call made with a key."""

    __tablename__ = 'idempotency_keys'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'key',
                            name='uniq_idempotency_keys0project_id0key'),
    )

    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(NAME, nullable=False)
    key = sa.Column(NAME, nullable=False)
    method = sa.Column(sa.String(64), nullable=False)
    request_hash = sa.Column(sa.String(64), nullable=False)
    result = sa.Column(sa.JSON, nullable=True)
    created_at = sa.Column(Timestamp, nullable=False, default=utcnow)
    expires_at = sa.Column(Timestamp, nullable=False, index=True)
