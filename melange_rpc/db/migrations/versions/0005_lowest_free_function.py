"""PostgreSQL: melange_lowest_free_range(block_id), read with a fresh
snapshot by the allocation's locking UPDATE (see db/functions.py).

Revision ID: 0005_lowest_free_function
Revises: 0004_retained_index
Create Date: 2026-12-02
"""

from alembic import op

revision = '0005_lowest_free_function'
down_revision = '0004_retained_index'
branch_labels = None
depends_on = None

# As in melange_rpc/db/functions.py when this revision was written.
BODY = '''
DECLARE
    found text[];
BEGIN
    SELECT ARRAY[id::text, first_key, last_key] INTO found
      FROM ip_block_free_ranges
     WHERE ip_block_free_ranges.block_id = lowest_of
     ORDER BY first_key
     LIMIT 1;
    RETURN found;
END
'''


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE OR REPLACE FUNCTION melange_lowest_free_range('
               'lowest_of varchar) RETURNS text[] LANGUAGE plpgsql VOLATILE '
               'AS $body$%s$body$' % BODY)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP FUNCTION IF EXISTS melange_lowest_free_range(varchar)')
