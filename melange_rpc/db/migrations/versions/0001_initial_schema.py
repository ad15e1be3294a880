"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# Microsecond timestamps on MariaDB too (lists are ordered by creation).
Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('expires_at', Timestamp, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'key', name='uniq_idempotency_keys0project_id0key')
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_expires_at'), ['expires_at'], unique=False)

    op.create_table('interfaces',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('device_id', sa.String(length=255), nullable=True),
    sa.Column('tenant_id', sa.String(length=255), nullable=True),
    sa.Column('mac_address', sa.String(length=17), nullable=True),
    sa.Column('network_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('updated_at', Timestamp, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mac_address')
    )
    with op.batch_alter_table('interfaces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interfaces_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interfaces_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('policies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('updated_at', Timestamp, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policies_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('ip_blocks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('cidr', sa.String(length=64), nullable=False),
    sa.Column('ip_version', sa.SmallInteger(), nullable=False),
    sa.Column('first_key', sa.String(length=32), nullable=False),
    sa.Column('last_key', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('tenant_id', sa.String(length=255), nullable=True),
    sa.Column('network_id', sa.String(length=255), nullable=True),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('policy_id', sa.String(length=36), nullable=True),
    sa.Column('gateway', sa.String(length=64), nullable=True),
    sa.Column('dns_nameservers', sa.JSON(), nullable=False),
    sa.Column('dhcp_options', sa.JSON(), nullable=False),
    sa.Column('ipv6_address_mode', sa.String(length=16), nullable=True),
    sa.Column('allocatable', sa.Boolean(), nullable=False),
    sa.Column('max_allocation', sa.BigInteger(), nullable=True),
    sa.Column('allocated_count', sa.BigInteger(), nullable=False),
    sa.Column('retained_count', sa.BigInteger(), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('updated_at', Timestamp, nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['ip_blocks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ip_blocks', schema=None) as batch_op:
        batch_op.create_index('ix_ip_blocks_network', ['network_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_blocks_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_blocks_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index('ix_ip_blocks_span', ['first_key', 'last_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_blocks_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('policy_unusable_octets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('policy_id', sa.String(length=36), nullable=False),
    sa.Column('octet', sa.Integer(), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('policy_unusable_octets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_unusable_octets_policy_id'), ['policy_id'], unique=False)

    op.create_table('policy_unusable_ranges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('policy_id', sa.String(length=36), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('policy_unusable_ranges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_unusable_ranges_policy_id'), ['policy_id'], unique=False)

    op.create_table('ip_addresses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('block_id', sa.String(length=36), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('address_key', sa.String(length=32), nullable=False),
    sa.Column('ip_version', sa.SmallInteger(), nullable=False),
    sa.Column('interface_id', sa.String(length=255), nullable=True),
    sa.Column('tenant_id', sa.String(length=255), nullable=True),
    sa.Column('device_id', sa.String(length=255), nullable=True),
    sa.Column('deallocated_at', Timestamp, nullable=True),
    sa.Column('leased', sa.Boolean(), nullable=False),
    sa.Column('leased_at', Timestamp, nullable=True),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('updated_at', Timestamp, nullable=True),
    sa.ForeignKeyConstraint(['block_id'], ['ip_blocks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interface_id'], ['interfaces.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('block_id', 'address_key', name='uniq_ip_addresses0block_id0address_key')
    )
    with op.batch_alter_table('ip_addresses', schema=None) as batch_op:
        batch_op.create_index('ix_ip_addresses_deallocated_at', ['deallocated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_addresses_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_addresses_interface_id'), ['interface_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_addresses_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('ip_block_free_ranges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('block_id', sa.String(length=36), nullable=False),
    sa.Column('first_key', sa.String(length=32), nullable=False),
    sa.Column('last_key', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['ip_blocks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ip_block_free_ranges', schema=None) as batch_op:
        batch_op.create_index('ix_free_ranges_block_first', ['block_id', 'first_key'], unique=False)

    op.create_table('ip_routes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('block_id', sa.String(length=36), nullable=False),
    sa.Column('destination', sa.String(length=64), nullable=False),
    sa.Column('gateway', sa.String(length=64), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['ip_blocks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ip_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_routes_block_id'), ['block_id'], unique=False)

