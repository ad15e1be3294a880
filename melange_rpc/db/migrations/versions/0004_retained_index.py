"""Index only the retained addresses' deallocated_at.

A plain index on ip_addresses.deallocated_at misleads SQLite's planner:
without statistics it reads "deallocated_at IS NULL" (every live address)
as selective and walks that index instead of the one on interface_id or
fixed_ip_id, a scan of every live row per get_instance_network_info.
Reclaiming, the one query that needs the index, looks only for retained
rows (deallocated_at < cutoff), so a partial index WHERE deallocated_at IS
NOT NULL serves it and is never a candidate for the IS NULL queries.
PostgreSQL and SQLite have partial indexes; MySQL/MariaDB keep a plain
index (InnoDB's planner has statistics).

Revision ID: 0004_retained_index
Revises: 0003_macs_nat
Create Date: 2026-12-02
"""

from alembic import op
import sqlalchemy as sa

revision = '0004_retained_index'
down_revision = '0003_macs_nat'
branch_labels = None
depends_on = None

RETAINED = sa.text('deallocated_at IS NOT NULL')


def upgrade():
    with op.batch_alter_table('ip_addresses') as batch_op:
        batch_op.drop_index('ix_ip_addresses_deallocated_at')
        batch_op.create_index('ix_ip_addresses_retained', ['deallocated_at'],
                              unique=False, postgresql_where=RETAINED,
                              sqlite_where=RETAINED)


def downgrade():
    with op.batch_alter_table('ip_addresses') as batch_op:
        batch_op.drop_index('ix_ip_addresses_retained')
        batch_op.create_index('ix_ip_addresses_deallocated_at',
                              ['deallocated_at'], unique=False)
