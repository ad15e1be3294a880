"""A RabbitMQ cluster node lost under load: nothing lost, nothing twice.

melange-rpc runs on a 3-node RabbitMQ cluster (tests/nodes.py
RabbitCluster, loopback only) with quorum queues, workers on two "hosts"
(two melange-rpc-server process groups, one worker each, different
``host``) on one PostgreSQL database, and callers whose transport_url
lists all three nodes. Every worker is made to consume through one node;
while a steady allocate_ip load runs (16 callers in 2 processes, each
call with its own idempotency key), that node is stopped, and started
again some seconds later; once it is back, a second load of new callers
measures the cluster whole again. The test proves that:

- calls pause, then go on through the two other nodes while it is down
  (the workers reconnect there by themselves);
- the node rejoins the cluster by itself when it starts (3 running
  nodes, its replica of the topic's quorum queue online again);
- no address is handed out twice, every acknowledged allocation is
  stored, and nothing is stored that no caller was given;
- callers that timed out sent the call again with their key and got the
  address the key stands for (its idempotency record), and no call
  failed after its retries.

The figures (calls/s before, during and after, the longest pause,
retries, duplicates, failed calls) are printed; run with -s to see them.
doc/operator/rabbitmq-cluster.md quotes them.
"""

import json
import random
import re
import time
import uuid

import sqlalchemy as sa

from tests.reliability import conftest as reliability
from tests.reliability import load

LOAD = {'processes': 2, 'threads': 8}
# The load through the fault: 25 to 70 s at the 43 to 120 calls/s of a
# 2-core machine that may be running another suite, which outlasts the
# node's time down; then, the node back, a load of new callers (spread
# over all three nodes) for the rate after.
FAULT_CALLS = 3000
AFTER_CALLS = 600
WARM_UP_ROWS = 200
# A caller whose call or reply was in the stopped node waits this long,
# then sends the same call again with the same key.
CALL_TIMEOUT = 5
RETRIES = 12
DOWN = 10           # seconds the node stays down, at least...
THROUGH_OTHERS = 5  # ...of which at least these with the workers seen
                    # consuming again through the other nodes
MAX_PAUSE = 30      # seconds; generous for a loaded machine
WORKER_CONNECTION = re.compile(r'^melange-rpc-server:(\d+):')




def _consuming_connections(cluster, hosts):
    """worker pid -> (node port, connection name) of the connection each
    worker consumes the topic through (it has channels with consumers;
    the workers' other connections only send replies)."""
    consuming = {channel['name'].rsplit(' (', 1)[0]
                 for channel in cluster.query('list_channels', 'name',
                                              'consumer_count')
                 if channel['consumer_count']}
    workers = hosts.worker_pids()
    found = {}
    for connection in cluster.query('list_connections', 'name', 'port',
                                    'client_properties'):
        properties = {key: value for key, _, value
                      in connection['client_properties']}
        match = WORKER_CONNECTION.match(properties.get('connection_name',
                                                       ''))
        if (match and int(match.group(1)) in workers
                and connection['name'] in consuming):
            found[int(match.group(1))] = (connection['port'],
                                          connection['name'])
    return found


def _gather_consumers(cluster, hosts, timeout=240):
    """Have every worker consume through one node, the first host's, and
    return it.

    Each connection picks its node from a shuffled list of the URL's
    hosts, so the hosts' workers often consume through different nodes,
    and a connection closed by the broker comes back to the same node.
    A worker that is stopped is replaced by its launcher, whose new
    connection picks again: the other hosts' workers are stopped until
    they land on the first host's node. Done before the load: it makes
    the node stopped later the one every worker depends on.
    """
    deadline = time.monotonic() + timeout
    first = reliability.workers_of(hosts.servers[0])[0].pid
    while True:
        consumers = _consuming_connections(cluster, hosts)
        # One worker a host; fewer while a replacement starts.
        if len(consumers) == len(hosts.servers) and first in consumers:
            target = consumers[first][0]
            elsewhere = [pid for pid, (port, _) in consumers.items()
                         if port != target]
            if not elsewhere:
                return cluster.node_on_port(target)
            for server in hosts.servers[1:]:
                for worker in reliability.workers_of(server):
                    if worker.pid in elsewhere:
                        worker.terminate()
        assert time.monotonic() < deadline, (
            'the workers consume through %s' % consumers)
        time.sleep(1)


def _wait_for_workers_elsewhere(cluster, hosts, victim, timeout=120):
    """Until every host's worker consumes again, through another node.

    (Connections, not the queue's consumer count: a quorum queue may
    count the consumers of a node that is down until it is back.)
    """
    deadline = time.monotonic() + timeout
    while True:
        consumers = _consuming_connections(cluster, hosts)
        ports = {port for port, _ in consumers.values()}
        if len(consumers) == len(hosts.servers) and victim.port not in ports:
            return
        assert time.monotonic() < deadline, (
            'the workers consume through %s' % consumers)
        time.sleep(0.5)


def _topic_queue(cluster, topic):
    return next(queue for queue in cluster.query(
        'list_queues', 'name', 'leader', 'members', 'online')
        if queue['name'] == topic)


def _idempotency_records(hosts, project_id):
    """key -> address stored for each key of the project's calls."""
    with hosts.server.engine.connect() as conn:
        rows = conn.execute(sa.text(
            'SELECT key, result FROM idempotency_keys '
            'WHERE project_id = :p'), {'p': project_id}).all()
    return {key: (json.loads(result) if isinstance(result, str)
                  else result)['address']
            for key, result in rows}


def _repeats_answered(hosts):
    """Calls the manager answered from their key's stored result: a
    repeat whose first attempt had done the work (server logs, debug)."""
    count = 0
    for server in hosts.servers:
        with open(server.log_path) as log:
            count += sum('Repeat of allocate_ip with key' in line
                         for line in log)
    return count


def _steady_rate(ends):
    """Calls per second from the first call's end to the last's."""
    ends = sorted(ends)
    return (len(ends) - 1) / max(ends[-1] - ends[0], 1e-3)


def _rates(fault, after, times):
    """Successful calls/s before the stop, from the stop until the node
    was back (or the load ended), and after (the second load)."""
    ends = sorted(fault.finished)
    stopping = times['stopping']
    until = min(times['rejoined'], ends[-1])
    before = sum(1 for t in ends if t < stopping)
    during = sum(1 for t in ends if stopping <= t <= until)
    return (before / max(stopping - ends[0], 1e-3),
            during / max(until - stopping, 1e-3),
            _steady_rate(after.finished))


def _report(fault, after, times, **figures):
    before, during, rate_after = _rates(fault, after, times)
    outcomes = (fault, after)
    answered = [r['address'] for o in outcomes for r in o.results]
    since_stop = ', '.join(
        '%s %.1f s' % (label, times[step] - times['stopping'])
        for step, label in (('down', 'node down'),
                            # rabbitmqctl is slow on a busy machine: an
                            # upper bound (the server logs tell when)
                            ('consuming_again', 'workers seen consuming '
                                                'through the others by'),
                            ('restarting', 'start'),
                            ('rejoined', 'rejoined')))
    print('\nRabbitMQ cluster of 3 nodes, the one every worker consumed '
          'through stopped and started again: %d calls, %d failed, %d '
          'duplicates; calls/s before %.0f, during %.0f, after %.0f; '
          'longest pause %.1f s; slowest call %.1f s; retried %d; since '
          'the stop began: %s; %s' % (
              len(answered) + sum(len(o.errors) for o in outcomes),
              sum(len(o.errors) for o in outcomes),
              len(reliability.duplicates(answered)), before, during,
              rate_after,
              fault.longest_pause(),
              max(fault.latencies + after.latencies, default=0),
              sum(1 for o in outcomes for s in o.latencies
                  if s > CALL_TIMEOUT),
              since_stop,
              ', '.join('%s %s' % item for item in figures.items())))


def _stop_and_start(cluster, hosts, victim):
    """Stop the node, let the load go on through the others, start it
    again; the wall-clock time of each step."""
    times = {'stopping': time.time()}
    victim.stop()
    times['down'] = time.time()
    _wait_for_workers_elsewhere(cluster, hosts, victim)
    times['consuming_again'] = time.time()
    time.sleep(max(times['stopping'] + DOWN,
                   times['consuming_again'] + THROUGH_OTHERS) - time.time())
    times['restarting'] = time.time()
    victim.start()
    # Nothing by hand: the node finds its cluster from its own data.
    cluster.wait_running(len(cluster.nodes))
    times['rejoined'] = time.time()
    return times


def test_losing_the_workers_node_under_load_loses_and_duplicates_nothing(
        cluster, hosts, caller_config):
    victim = _gather_consumers(cluster, hosts)
    tenant = 'tenant-' + uuid.uuid4().hex[:6]
    block = hosts.api.create_block(hosts.admin, cidr='10.80.0.0/16',
                                   tenant_id=tenant)
    jobs = reliability.keyed_jobs(FAULT_CALLS, block_id=block['id'],
                                  tenant_id=tenant)
    background = load.Background(
        caller_config, hosts.topic, reliability.nova(), 'allocate_ip', jobs,
        timeout=CALL_TIMEOUT, retries=RETRIES, **LOAD)
    reliability.wait_for_rows(hosts, block['id'], WARM_UP_ROWS)

    assert {port for port, _ in _consuming_connections(
        cluster, hosts).values()} == {victim.port}
    leader = _topic_queue(cluster, hosts.topic)['leader']
    times = _stop_and_start(cluster, hosts, victim)
    fault = background.wait(600)

    after_jobs = reliability.keyed_jobs(AFTER_CALLS, block_id=block['id'],
                                        tenant_id=tenant)
    after = load.run(caller_config, hosts.topic, reliability.nova(),
                     'allocate_ip', after_jobs, timeout=CALL_TIMEOUT,
                     retries=RETRIES, **LOAD)
    jobs += after_jobs
    answered = [r['address'] for r in fault.results + after.results]
    records = _idempotency_records(hosts, reliability.nova().project_id)
    _report(fault, after, times, victim=victim.node,
            topic_leader_was=leader,
            repeats_answered=_repeats_answered(hosts))

    # 0 failed calls after retries, and every call answered.
    assert fault.errors == [] and after.errors == []
    assert len(answered) == len(jobs)
    # Calls paused at most a few heartbeats' time and went on through the
    # other nodes while it was down.
    assert fault.longest_pause() < MAX_PAUSE
    assert [t for t in fault.finished
            if times['down'] < t < times['restarting']]
    # The node is back in the cluster, its replica of the topic queue
    # online again.
    assert victim.node in cluster.running()
    queue = _topic_queue(cluster, hosts.topic)
    assert victim.node in queue['members']
    assert sorted(queue['online']) == sorted(queue['members'])

    # No address twice; every address a caller was given is stored, and
    # nothing is stored that no caller was given (no leaked retry).
    assert reliability.duplicates(answered) == []
    stored = reliability.stored_addresses(hosts, block['id'])
    assert sorted(stored) == sorted(answered)
    assert hosts.api.get_block_usage(hosts.admin, block['id'])[
        'allocated'] == len(jobs)

    # Each key stands for the one address its caller got; sent again
    # with its key, a call answers that address and allocates nothing.
    keys = [job['idempotency_key'] for job in jobs]
    assert set(keys) <= set(records)
    assert sorted(records[key] for key in keys) == sorted(answered)
    for job in random.sample(jobs, 50):
        again = hosts.api.allocate_ip(reliability.nova(), **job)
        assert again['address'] == records[job['idempotency_key']]
    assert len(reliability.stored_addresses(hosts, block['id'])) == len(
        jobs)

    for server in hosts.servers:
        assert server.process.poll() is None
