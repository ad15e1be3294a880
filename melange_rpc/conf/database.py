"""[database]: oslo.db's options, defaulting to an embedded SQLite file."""

from oslo_db import options as db_options

DEFAULT_CONNECTION = 'sqlite:///$state_path/melange.sqlite'


def register_opts(conf):
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION)


def list_opts():
    # oslo.db publishes its own options through its oslo.config.opts entry
    # point; the generator config includes it.
    return {}
