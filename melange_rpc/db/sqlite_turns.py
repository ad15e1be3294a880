"""SQLite writers take turns on a lock file, waking the moment it is free.

SQLite has one writer at a time. Its busy handler sleeps and polls (1 ms
growing to 100 ms a try), and so does oslo.concurrency's external lock
(fasteners: 10 to 100 ms); under load most of a writer's time goes to
sleeping past the moment the lock was released. ``flock(LOCK_EX)`` blocks
in the kernel instead, which wakes a waiter at once.

flock belongs to an open file, shared by every thread of a process and by
a child forked after it was opened; so threads take turns on a
``threading.Lock`` first, and each process opens the file for itself.
"""

import fcntl
import os
import threading

_turns = {}
_turns_lock = threading.Lock()


class _Turn:
    def __init__(self, path):
        self.path = path
        self.pid = os.getpid()
        self.threads = threading.Lock()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def __enter__(self):
        self.threads.acquire()
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.threads.release()
            raise
        return self

    def __exit__(self, *exc_info):
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()


def turn(database_path):
    """The writers' turn for the database file at ``database_path``."""
    path = os.path.abspath(database_path) + '.writer-lock'
    pid = os.getpid()
    with _turns_lock:
        current = _turns.get(path)
        if current is None or current.pid != pid:
            # New, or inherited across a fork: a lock of this process.
            current = _turns[path] = _Turn(path)
        return current

