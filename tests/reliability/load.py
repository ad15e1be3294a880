"""A load of concurrent callers in several processes, through rpcapi.

Each caller process parses the same client configuration, opens its own
transport and runs ``threads`` callers; every call's result (or error)
is sent back to the test with the wall-clock time it ended, so a test can
see the pauses a fault causes. A job is a kwargs dict for one rpcapi
helper; it may carry its own ``idempotency_key``, which lets a test send
a failed call again and learn what it did.
"""

import collections
import concurrent.futures
import dataclasses
import multiprocessing
import threading
import time
import traceback


@dataclasses.dataclass
class Outcome:
    results: list       # what the calls that succeeded returned
    errors: list        # (job, "ErrorClass: first line") of the others
    seconds: float      # wall time of the whole load
    latencies: list     # seconds, one per successful call
    finished: list      # time.time() at which each successful call ended

    def calls_per_second(self):
        return (len(self.results) + len(self.errors)) / self.seconds

    def longest_pause(self):
        """The longest time without a successful call ending, in seconds
        (from the first success to the last)."""
        ends = sorted(self.finished)
        return max((b - a for a, b in zip(ends, ends[1:])), default=0.0)

    def rate_around(self, start, end):
        """Successful calls per second before, between and after two
        wall-clock times (a fault's start and end)."""
        ends = sorted(self.finished)
        if not ends:
            return 0.0, 0.0, 0.0
        before = [t for t in ends if t < start]
        during = [t for t in ends if start <= t < end]
        after = [t for t in ends if t >= end]
        return (len(before) / max(start - ends[0], 1e-9),
                len(during) / max(end - start, 1e-9),
                len(after) / max(ends[-1] - end, 1e-9))

    def error_kinds(self):
        return collections.Counter(message.split(':')[0]
                                   for _, message in self.errors)


def _caller_process(config_path, topic, method, jobs, threads, ctxt_dict,
                    timeout, retries):
    from melange_rpc import config
    from melange_rpc import context
    from melange_rpc import rpcapi
    config.parse_args(['--config-file', config_path])
    api = rpcapi.MelangeAPI(topic=topic, timeout=timeout, retries=retries)
    ctxt = context.RequestContext.from_dict(ctxt_dict)
    results, errors, latencies, finished = [], [], [], []
    lock = threading.Lock()
    pending = list(jobs)

    def run():
        while True:
            with lock:
                if not pending:
                    return
                kwargs = pending.pop()
            started = time.monotonic()
            try:
                result = getattr(api, method)(ctxt, **kwargs)
            except Exception as exc:
                with lock:
                    errors.append((kwargs, '%s: %s' % (
                        type(exc).__name__, str(exc).splitlines()[0])))
                continue
            with lock:
                results.append(result)
                latencies.append(time.monotonic() - started)
                finished.append(time.time())

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors, latencies, finished


def run(config_path, topic, ctxt, method, jobs, processes=4, threads=16,
        timeout=60, retries=3):
    """Spread ``jobs`` (kwargs dicts) over processes x threads callers;
    return an Outcome once every job has ended."""
    chunks = [jobs[i::processes] for i in range(processes)]
    started = time.monotonic()
    outcome = Outcome([], [], 0.0, [], [])
    context = multiprocessing.get_context('spawn')
    with concurrent.futures.ProcessPoolExecutor(processes,
                                                mp_context=context) as pool:
        futures = [pool.submit(_caller_process, config_path, topic, method,
                               chunk, threads, ctxt.to_dict(), timeout,
                               retries)
                   for chunk in chunks]
        for future in futures:
            try:
                got, failed, took, ended = future.result()
            except Exception:
                outcome.errors.append((None, traceback.format_exc()))
                continue
            outcome.results += got
            outcome.errors += failed
            outcome.latencies += took
            outcome.finished += ended
    outcome.seconds = time.monotonic() - started
    return outcome


class Background:
    """``run`` in a thread of the test, so the test can fault the service
    while the load goes on; ``wait()`` returns the Outcome."""

    def __init__(self, *args, **kwargs):
        self._outcome = None
        self._error = None
        self._thread = threading.Thread(target=self._run, args=args,
                                        kwargs=kwargs, daemon=True)
        self._thread.start()

    def _run(self, *args, **kwargs):
        try:
            self._outcome = run(*args, **kwargs)
        except BaseException as exc:      # reported by wait()
            self._error = exc

    def wait(self, timeout=None):
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError('the load did not end in %s s' % timeout)
        if self._error is not None:
            raise self._error
        return self._outcome
