"""Alembic environment: runs on the connection db.migration hands it."""

from alembic import context

from melange_rpc.db import models

target_metadata = models.Base.metadata


def run_migrations_online():
    connection = context.config.attributes['connection']
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == 'sqlite',
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
