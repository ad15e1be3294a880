"""[database]: oslo.db's options, defaulting to an embedded SQLite file."""

from oslo_config import cfg
from oslo_db import options as db_options

from melange_rpc.conf import default

DEFAULT_CONNECTION = 'sqlite:///$state_path/melange.sqlite'

OPTS = [
    cfg.BoolOpt('prepared_statements', default=True,
                help='PostgreSQL: send the statements every call runs as '
                     'server-side prepared statements (PREPARE once per '
                     'connection, then EXECUTE), which PostgreSQL does not '
                     'parse and plan again each time. Turn it off behind a '
                     'pooler that does not give each client connection a '
                     'server connection of its own (PgBouncer in '
                     'transaction or statement mode).'),
]


def register_opts(conf):
    # One pooled connection per executor thread, kept: oslo.db's default
    # (5 kept, 50 more opened and closed on demand) made a busy worker
    # open a PostgreSQL backend for most calls. The overflow serves the
    # periodic tasks and the odd burst.
    db_options.set_defaults(conf, connection=DEFAULT_CONNECTION,
                            max_pool_size=default.EXECUTOR_THREADS,
                            max_overflow=default.EXECUTOR_THREADS // 2)
    conf.register_opts(OPTS, group='database')


def list_opts():
    # oslo.db publishes its own options through its oslo.config.opts entry
    # point; the generator config includes it. These are melange-rpc's.
    return {'database': OPTS}
