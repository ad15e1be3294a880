"""A load of concurrent callers in several processes, through rpcapi.

Each caller process parses the same client configuration, opens its own
transport and runs ``threads`` callers; every call's result (or error) is
sent back to the test.
"""

import concurrent.futures
import multiprocessing
import threading
import time
import traceback


def _caller_process(config_path, topic, method, jobs, threads, ctxt_dict,
                    timeout, retries):
    from melange_rpc import config
    from melange_rpc import context
    from melange_rpc import rpcapi
    config.parse_args(['--config-file', config_path])
    api = rpcapi.MelangeAPI(topic=topic, timeout=timeout, retries=retries)
    ctxt = context.RequestContext.from_dict(ctxt_dict)
    results, errors, latencies = [], [], []
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
                    errors.append('%s: %s' % (type(exc).__name__,
                                              str(exc).splitlines()[0]))
                continue
            with lock:
                results.append(result)
                latencies.append(time.monotonic() - started)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors, latencies


def run(config_path, topic, ctxt, method, jobs, processes=4, threads=16,
        timeout=60, retries=3):
    """Spread ``jobs`` (kwargs dicts) over processes x threads callers.

    Returns (results, errors, seconds, latencies).
    """
    chunks = [jobs[i::processes] for i in range(processes)]
    started = time.monotonic()
    results, errors, latencies = [], [], []
    context = multiprocessing.get_context('spawn')
    with concurrent.futures.ProcessPoolExecutor(processes,
                                                mp_context=context) as pool:
        futures = [pool.submit(_caller_process, config_path, topic, method,
                               chunk, threads, ctxt.to_dict(), timeout,
                               retries)
                   for chunk in chunks]
        for future in futures:
            try:
                got, failed, took = future.result()
            except Exception:
                errors.append(traceback.format_exc())
                continue
            results += got
            errors += failed
            latencies += took
    return results, errors, time.monotonic() - started, latencies
