"""Schema migrations with alembic: ``melange-rpc-manage db sync|version``."""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration
from alembic import script

from melange_rpc.db import api as db_api

_SCRIPTS = os.path.join(os.path.dirname(__file__), 'migrations')


def _config(connection):
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', _SCRIPTS)
    cfg.attributes['connection'] = connection
    return cfg


def upgrade(revision='head', engine=None):
    """Create or upgrade the schema to ``revision``."""
    engine = engine or db_api.get_engine()
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def version(engine=None):
    """The schema's current revision, or None for an empty database."""
    engine = engine or db_api.get_engine()
    with engine.connect() as connection:
        return migration.MigrationContext.configure(
            connection).get_current_revision()


def head():
    return script.ScriptDirectory.from_config(_config(None)).get_current_head()


def revisions():
    """Every revision the code knows."""
    scripts = script.ScriptDirectory.from_config(_config(None))
    return {rev.revision for rev in scripts.walk_revisions()}
