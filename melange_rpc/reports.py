"""Guru Meditation reports (oslo.reports): on SIGUSR2 a process writes
its threads' stacks, its configuration (secrets masked) and package
details to stderr, or to a file under ``[oslo_reports] log_dir``.

The launcher and every worker set it up, so ``kill -USR2 <pid>`` of a
worker shows what that worker's calls are doing (e.g. which are waiting
on a row lock) without stopping it.
"""

import threading

from oslo_log import log as logging
from oslo_reports import guru_meditation_report as gmr
from oslo_reports import opts as gmr_opts

from melange_rpc import conf
from melange_rpc import version

CONF = conf.CONF
LOG = logging.getLogger(__name__)


def register_opts():
    gmr_opts.set_defaults(CONF)


def setup():
    # Signal handlers can be set from the main thread only; a worker
    # started elsewhere (tools, benchmarks) goes without.
    if threading.current_thread() is not threading.main_thread():
        return
    gmr.TextGuruMeditation.setup_autorun(
        version.VersionInfo(), service_name=version.SERVICE_NAME,
        conf=CONF)
