"""Command-line and config-file parsing shared by the console scripts."""

import os

from oslo_log import log as logging

from melange_rpc import conf
from melange_rpc import reports
from melange_rpc import rpc
from melange_rpc import version

CONF = conf.CONF

_EXTRA_LOG_LEVELS = ['amqp=WARN', 'kombu=WARN', 'oslo.messaging=INFO',
                     'oslo_messaging=INFO', 'sqlalchemy=WARN',
                     'cotyledon=INFO', 'stevedore=WARN', 'alembic=WARN']

_logging_registered = False


def register():
    """Our logging and messaging options and defaults, before parsing."""
    global _logging_registered
    if not _logging_registered:
        logging.register_options(CONF)
        logging.set_defaults(default_log_levels=(
            logging.get_default_log_levels() + _EXTRA_LOG_LEVELS))
        _logging_registered = True
    rpc.set_defaults(control_exchange='melange')
    reports.register_opts()


def parse_args(argv, default_config_files=None):
    """Register our options, parse ``argv`` (without the program name)."""
    register()
    CONF(argv, project=version.SERVICE_NAME,
         version=version.PACKAGE_VERSION,
         default_config_files=default_config_files)


def setup_logging():
    logging.setup(CONF, version.SERVICE_NAME)


def ensure_state_path():
    """Create ``[DEFAULT] state_path`` (the embedded database lives there)."""
    os.makedirs(CONF.state_path, exist_ok=True)
