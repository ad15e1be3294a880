"""In-process queues in front of hot row locks.

PostgreSQL wakes every transaction that waits on a row lock when the
holder commits; they race for it, one wins and the rest wait again. With
a worker's threads all allocating from one block, each commit woke a
dozen backends, and their threads, for nothing: four workers of sixteen
threads allocated at a third of the rate two workers did. So the threads
of one worker process queue here, in Python, for the block they are
about to lock, and at most one thread per worker waits in the database.

Only a transaction's first block lock goes through a gate: a thread that
waits here holds no block lock, so the gates add no deadlock the database
could not see. A gate not won within GATE_TIMEOUT seconds is passed by
(the database still orders the callers), so that no wait here is
unbounded.
"""

import threading
import weakref

GATE_TIMEOUT = 5.0
_HELD = 'melange_gate'


class _Gate:
    __slots__ = ('lock', '__weakref__')

    def __init__(self):
        self.lock = threading.Lock()


_gates = weakref.WeakValueDictionary()
_gates_lock = threading.Lock()


def enter(session, key):
    """Queue for ``key`` unless this transaction already holds a gate or
    a row lock (``session.info['holds_row_locks']``)."""
    if _HELD in session.info or session.info.get('holds_row_locks'):
        return
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = _Gate()
    if gate.lock.acquire(timeout=GATE_TIMEOUT):
        session.info[_HELD] = gate


def leave(session):
    """Open the gate this transaction held, once it has ended."""
    gate = session.info.pop(_HELD, None)
    if gate is not None:
        gate.lock.release()
