"""melange-rpc-status upgrade check: is this deployment ready to run the
installed code? (oslo.upgradecheck, like ``nova-status upgrade check``)

Run it after installing a new release and before restarting the workers:

- Database schema: the revision in ``[database] connection`` must be the
  code's head; a schema behind it needs ``melange-rpc-manage db sync``,
  one ahead of it means the code is older than the database.
- Policy file: a JSON policy file is deprecated (oslo.policy's check).
"""

import sys

from oslo_policy import opts as policy_opts
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from melange_rpc import conf
from melange_rpc import config
from melange_rpc.db import migration
from melange_rpc import version

CONF = conf.CONF


def _check_schema(checker):
    try:
        current = migration.version()
    except Exception as error:
        return upgradecheck.Result(
            upgradecheck.Code.FAILURE,
            'Cannot read the schema revision from [database] connection: '
            '%s' % error)
    head = migration.head()
    if current == head:
        return upgradecheck.Result(upgradecheck.Code.SUCCESS,
                                   'Schema at revision %s' % head)
    if current is None:
        details = 'The database has no schema; run melange-rpc-manage db sync'
    elif current in migration.revisions():
        details = ('Schema at %s, the code expects %s; run melange-rpc-manage '
                   'db sync' % (current, head))
    else:
        details = ('Schema at %s, which this code does not know: the '
                   'database is newer than the code (expects %s)'
                   % (current, head))
    return upgradecheck.Result(upgradecheck.Code.FAILURE, details)


class Checks(upgradecheck.UpgradeCommands):
    _upgrade_checks = (
        ('Database schema', _check_schema),
        ('Policy File JSON to YAML Migration',
         (common_checks.check_policy_json, {'conf': CONF})),
    )


def main(argv=None):
    # Our options and defaults first, as the other commands have them;
    # oslo.upgradecheck parses the command line itself.
    config.register()
    policy_opts.set_defaults(CONF)
    return upgradecheck.main(
        CONF, project=version.SERVICE_NAME, upgrade_command=Checks(),
        argv=sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
