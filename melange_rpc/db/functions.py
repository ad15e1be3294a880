"""The one database function of the schema (PostgreSQL only).

``melange_lowest_free_range(block_id)`` returns the block's lowest free
interval as ``{id, first_key, last_key}`` (text), or NULL. The allocation's
locking ``UPDATE ip_blocks ... RETURNING`` reads the interval through it
(db.blocks.lock_for_allocation). A subquery in that RETURNING would read
the statement's snapshot, taken before the UPDATE waited for the block's
lock: behind another worker's allocation it returns the interval as it was
before that allocation, whose conditional take then fails, and the
allocator must read the interval again, two more round trips under the
lock on every allocation that waited. Each query of a VOLATILE PL/pgSQL
function takes a new snapshot at READ COMMITTED, after the lock is held,
so the interval it returns is the current one.

SQLite has one writer at a time, and MariaDB reads the latest version
under a lock; neither needs it.
"""

import sqlalchemy as sa

from melange_rpc.db import models

NAME = 'melange_lowest_free_range'

# The migration that creates it (0005) carries its own copy of this text;
# tests/functional/test_migrations.py checks the two are the same.
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

CREATE = sa.DDL(
    'CREATE OR REPLACE FUNCTION %s(lowest_of varchar) RETURNS text[] '
    'LANGUAGE plpgsql VOLATILE AS $body$%s$body$' % (NAME, BODY))
DROP = sa.DDL('DROP FUNCTION IF EXISTS %s(varchar)' % NAME)

# The schema built from the models (tests, and create_all) has it too.
sa.event.listen(models.Base.metadata, 'after_create',
                CREATE.execute_if(dialect='postgresql'))
sa.event.listen(models.Base.metadata, 'before_drop',
                DROP.execute_if(dialect='postgresql'))


def lowest_free_range(block_id):
    """The SQL expression: the function called on ``block_id``."""
    return getattr(sa.func, NAME)(block_id, type_=sa.ARRAY(sa.Text))
