"""melange-rpc-manage: operator commands that act on the database directly.

    melange-rpc-manage db sync      create or upgrade the schema
    melange-rpc-manage db version   print the schema revision
    melange-rpc-manage ip reclaim [--older-than SECONDS]
                                    free addresses retained that long
                                    (default: [ipam] deallocated_ip_retention)
    melange-rpc-manage import-nova --connection URL [--dry-run]
            [--floating-cidr POOL=CIDR ...] [--batch-size N]
                                    import a nova-network database
                                    (doc/operator/migrate-from-nova-network.md)
"""

import sys

from oslo_config import cfg

from melange_rpc import conf
from melange_rpc import config
from melange_rpc.db import migration
from melange_rpc import exception
from melange_rpc.manager import periodic
from melange_rpc.migrate import importer
from melange_rpc.migrate import progress

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


def import_nova():
    """Import a nova-network database: networks, VIFs, fixed and floating
    IPs (a second run creates nothing)."""
    args = CONF.category
    try:
        tally = importer.run(
            args.connection, progress.Progress(), dry_run=args.dry_run,
            pool_cidrs=importer.floating_cidrs(args.floating_cidr),
            batch_size=args.batch_size)
    except exception.InvalidInput as error:
        raise SystemExit('import-nova: %s' % error)
    print(tally.render(dry_run=args.dry_run))


def _reclaim_arguments(parser):
    parser.add_argument('--older-than', type=int, dest='older_than',
                        default=None, help='seconds retained')


def _import_nova_arguments(parser):
    parser.add_argument('--connection', required=True,
                        help='SQLAlchemy URL of the nova database')
    parser.add_argument('--dry-run', action='store_true', dest='dry_run',
                        help='import in one transaction, roll it back, '
                             'and print what would be created')
    parser.add_argument('--floating-cidr', action='append',
                        dest='floating_cidr', metavar='POOL=CIDR',
                        help='the CIDR of a floating pool\'s block '
                             '(default: the smallest covering the pool)')
    parser.add_argument('--batch-size', type=int, dest='batch_size',
                        default=importer.BATCH_SIZE,
                        help='nova rows per transaction')


# A category is either a command of its own (import-nova) or a table of
# actions (db sync, db version).
_COMMANDS = {
    'db': {'sync': db_sync, 'version': db_version},
    'ip': {'reclaim': ip_reclaim},
    'import-nova': import_nova,
}

_ARGUMENTS = {
    ip_reclaim: _reclaim_arguments,
    import_nova: _import_nova_arguments,
}


def _add_command(parsers, name, fn):
    parser = parsers.add_parser(name, help=fn.__doc__)
    if fn in _ARGUMENTS:
        _ARGUMENTS[fn](parser)


def _add_parsers(subparsers):
    for category, command in _COMMANDS.items():
        if callable(command):
            _add_command(subparsers, category, command)
            continue
        parser = subparsers.add_parser(category)
        action_parsers = parser.add_subparsers(dest='action')
        action_parsers.required = True
        for action, fn in command.items():
            _add_command(action_parsers, action, fn)


def _command():
    command = _COMMANDS[CONF.category.name]
    return command if callable(command) else command[CONF.category.action]


def main():
    CONF.register_cli_opt(cfg.SubCommandOpt(
        'category', title='Command categories', handler=_add_parsers))
    config.parse_args(sys.argv[1:])
    config.setup_logging()
    config.ensure_state_path()
    _command()()
    return 0


if __name__ == '__main__':
    sys.exit(main())
