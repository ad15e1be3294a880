"""MAC ranges and addresses, allowed IPs, NAT relations, floating IPs.

Revision ID: 0003_macs_nat
Revises: 0002_held_ranges
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')

revision = '0003_macs_nat'
down_revision = '0002_held_ranges'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mac_ranges',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cidr', sa.String(length=24), nullable=False),
    sa.Column('first_key', sa.String(length=32), nullable=False),
    sa.Column('last_key', sa.String(length=32), nullable=False),
    sa.Column('allocated_count', sa.BigInteger(), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.Column('updated_at', Timestamp, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mac_ranges', schema=None) as batch_op:
        batch_op.create_index('ix_mac_ranges_span', ['first_key', 'last_key'], unique=False)

    op.create_table('mac_addresses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('address', sa.String(length=17), nullable=False),
    sa.Column('mac_range_id', sa.String(length=36), nullable=True),
    sa.Column('interface_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['interface_id'], ['interfaces.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mac_range_id'], ['mac_ranges.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('address')
    )
    with op.batch_alter_table('mac_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mac_addresses_interface_id'), ['interface_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mac_addresses_mac_range_id'), ['mac_range_id'], unique=False)

    op.create_table('mac_free_ranges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('mac_range_id', sa.String(length=36), nullable=False),
    sa.Column('first_key', sa.String(length=32), nullable=False),
    sa.Column('last_key', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['mac_range_id'], ['mac_ranges.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mac_free_ranges', schema=None) as batch_op:
        batch_op.create_index('ix_mac_free_ranges_range_first', ['mac_range_id', 'first_key'], unique=False)

    op.create_table('allowed_ips',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('interface_id', sa.String(length=255), nullable=False),
    sa.Column('ip_address_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['interface_id'], ['interfaces.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ip_address_id'], ['ip_addresses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interface_id', 'ip_address_id', name='uniq_allowed_ips0interface_id0ip_address_id')
    )
    with op.batch_alter_table('allowed_ips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowed_ips_ip_address_id'), ['ip_address_id'], unique=False)

    op.create_table('ip_nat_relations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inside_global_id', sa.String(length=36), nullable=False),
    sa.Column('inside_local_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', Timestamp, nullable=False),
    sa.ForeignKeyConstraint(['inside_global_id'], ['ip_addresses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inside_local_id'], ['ip_addresses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inside_global_id', 'inside_local_id', name='uniq_ip_nat_relations0global0local')
    )
    with op.batch_alter_table('ip_nat_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_nat_relations_inside_local_id'), ['inside_local_id'], unique=False)

    with op.batch_alter_table('ip_addresses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fixed_ip_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_ip_addresses_fixed_ip_id'), ['fixed_ip_id'], unique=False)
        batch_op.create_foreign_key('fk_ip_addresses_fixed_ip_id', 'ip_addresses', ['fixed_ip_id'], ['id'], ondelete='SET NULL')

