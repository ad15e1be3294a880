"""A DHCP server process the agent supervises: start, reload, respawn, stop.

The child runs in the foreground (no daemonizing), so the agent notices at
once when it dies. Its pid file outlives the agent: an agent that was
killed leaves its children running, and the next one finds them through
the pid file and stops them before it starts its own.
"""

import os
import signal
import subprocess
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# A server that keeps dying is restarted at most this often (seconds), so
# a broken configuration does not turn into a fork loop.
RESPAWN_DELAY = 2
STOP_TIMEOUT = 5
# How long start() waits for the pid file: the server writes it once its
# signal handlers are in place, and a SIGHUP sent before then would kill
# it instead of reloading it.
READY_TIMEOUT = 5


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _cmdline(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return f.read().decode(errors='replace').split('\0')
    except OSError:
        return []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(pid, wait_child=None):
    """SIGTERM, then SIGKILL after STOP_TIMEOUT seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if wait_child is not None:
            if wait_child.poll() is not None:
                return
        elif not _alive(pid):
            return
        time.sleep(0.05)
    LOG.warning('Process %d ignored SIGTERM; killing it', pid)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if wait_child is not None:
        wait_child.wait()


class Process:
    """One supervised server. ``argv`` must name ``pid_file`` (the stale
    process check recognises its own server by that argument)."""

    def __init__(self, name, argv, pid_file, env=None, output=None):
        self.name = name
        self.argv = list(argv)
        self.pid_file = pid_file
        self.env = env
        self.output = output
        self._child = None
        self._started_at = 0.0

    @property
    def pid(self):
        return self._child.pid if self._child is not None else None

    def running(self):
        return self._child is not None and self._child.poll() is None

    def start(self):
        self._stop_stale()
        out = (open(self.output, 'ab') if self.output
               else subprocess.DEVNULL)
        try:
            # A session of its own: a Ctrl-C meant for the agent must not
            # reach the server before the agent stops it in order.
            self._child = subprocess.Popen(
                self.argv, env=self.env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=out, start_new_session=True)
        finally:
            if self.output:
                out.close()
        self._started_at = time.monotonic()
        self._wait_ready()
        LOG.info('Started %s (pid %d)', self.name, self._child.pid)

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._child.poll() is not None:
                LOG.error('%s exited at start with status %s (see %s)',
                          self.name, self._child.returncode, self.output)
                return
            if _read_pid(self.pid_file) == self._child.pid:
                return
            time.sleep(0.02)
        LOG.warning('%s wrote no pid file in %ss', self.name, READY_TIMEOUT)

    def _stop_stale(self):
        pid = _read_pid(self.pid_file)
        if pid is None or (self._child is not None
                           and pid == self._child.pid):
            return
        if any(self.pid_file in arg for arg in _cmdline(pid)):
            LOG.info('Stopping %s left by an earlier agent (pid %d)',
                     self.name, pid)
            _terminate(pid)

    def reload(self):
        """SIGHUP: re-read the files, keep the leases and the sockets."""
        if self.running():
            self._child.send_signal(signal.SIGHUP)
            LOG.debug('Sent SIGHUP to %s (pid %d)', self.name,
                      self._child.pid)

    def restart(self):
        self.stop()
        self.start()

    def ensure(self):
        """Respawn the server if it died; True if it was respawned."""
        if self._child is None or self._child.poll() is None:
            return False
        if time.monotonic() - self._started_at < RESPAWN_DELAY:
            return False
        LOG.warning('%s (pid %d) exited with status %s; restarting it',
                    self.name, self._child.pid, self._child.returncode)
        self.start()
        return True

    def stop(self):
        if self._child is not None:
            if self._child.poll() is None:
                _terminate(self._child.pid, self._child)
            LOG.info('Stopped %s (pid %d)', self.name, self._child.pid)
            self._child = None
        else:
            self._stop_stale()
        try:
            os.unlink(self.pid_file)
        except FileNotFoundError:
            pass
