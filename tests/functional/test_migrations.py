"""The alembic migrations build exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic import autogenerate
from alembic import migration as alembic_migration

from melange_rpc.db import functions
from melange_rpc.db import migration
from melange_rpc.db import models
from tests import services


@pytest.mark.parametrize('backend', services.BACKENDS)
def test_migrations_match_the_models(backend, tmp_path):
    database = services.Database(backend, str(tmp_path))
    database.name += '_migrations'
    if backend == 'sqlite':
        database.url = 'sqlite:///%s' % (tmp_path / 'migrations.sqlite')
    else:
        database.url = sa.engine.make_url(database.url).set(
            database=database.name).render_as_string(hide_password=False)
    database.create()
    engine = sa.create_engine(database.url)
    try:
        migration.upgrade('head', engine=engine)
        assert migration.version(engine=engine) == migration.head()
        with engine.connect() as conn:
            context = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True})
            diff = autogenerate.compare_metadata(context,
                                                 models.Base.metadata)
        assert diff == []
        if backend == 'postgresql':
            # Alembic compares no functions: the migrated one must be the
            # one the models' schema creates.
            with engine.connect() as conn:
                source = conn.execute(sa.text(
                    'SELECT prosrc FROM pg_proc WHERE proname = :name'),
                    {'name': functions.NAME}).scalar_one()
            assert source == functions.BODY
        # Running it again is harmless (db sync on every deploy).
        migration.upgrade('head', engine=engine)
    finally:
        engine.dispose()
        database.drop()
