"""Ranges withheld from allocation by unusable-octet rules.

Revision ID: 0002_held_ranges
Revises: 0001_initial
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0002_held_ranges'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ip_block_held_ranges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('block_id', sa.String(length=36), nullable=False),
    sa.Column('first_key', sa.String(length=32), nullable=False),
    sa.Column('last_key', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['block_id'], ['ip_blocks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ip_block_held_ranges', schema=None) as batch_op:
        batch_op.create_index('ix_held_ranges_block_first', ['block_id', 'first_key'], unique=False)

