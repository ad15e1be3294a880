"""melange-rpc-manage: operator commands that act on the database directly.

    melange-rpc-manage db sync      create or upgrade the schema
    melange-rpc-manage db version   print the schema revision
    melange-rpc-manage ip reclaim [--older-than SECONDS]
                                    free addresses retained that long
                                    (default: [ipam] deallocated_ip_retention)
"""

import sys

from oslo_config import cfg

from melange_rpc import conf
from melange_rpc import config
from melange_rpc.db import migration
from melange_rpc.manager import periodic

CONF = conf.CONF


def db_sync():
    migration.upgrade('head')
    print('Database schema is at revision %s' % migration.version())


def db_version():
    print(migration.version() or 'None (empty database)')


def ip_reclaim():
    """Free addresses retained past the retention period."""
    reclaimed = periodic.reclaim_retained(CONF.category.older_than)
    print('Reclaimed %d deallocated addresses' % reclaimed)


_COMMANDS = {
    'db': {'sync': db_sync, 'version': db_version},
    'ip': {'reclaim': ip_reclaim},
}


def _add_parsers(subparsers):
    for category, actions in _COMMANDS.items():
        parser = subparsers.add_parser(category)
        action_parsers = parser.add_subparsers(dest='action')
        action_parsers.required = True
        for action, fn in actions.items():
            action_parser = action_parsers.add_parser(action,
                                                      help=fn.__doc__)
            if fn is ip_reclaim:
                action_parser.add_argument('--older-than', type=int,
                                           dest='older_than', default=None,
                                           help='seconds retained')


def main():
    CONF.register_cli_opt(cfg.SubCommandOpt(
        'category', title='Command categories', handler=_add_parsers))
    config.parse_args(sys.argv[1:])
    config.setup_logging()
    config.ensure_state_path()
    _COMMANDS[CONF.category.name][CONF.category.action]()
    return 0


if __name__ == '__main__':
    sys.exit(main())
