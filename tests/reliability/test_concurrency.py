"""Many workers, many callers: no address handed out twice, none lost.

4 manager processes and 64 concurrent callers (4 caller processes x 16
threads) on PostgreSQL and on MariaDB. Every figure is printed (run with
-s to see them); the assertions are the promises: no duplicate, no failed
call, every allocation stored, usage equal to the count.
"""

import uuid

import pytest
import sqlalchemy as sa

from melange_rpc import context
from tests.functional import conftest
from tests.reliability import conftest as reliability
from tests.reliability import load
from tests import server as server_fixture

WORKERS = 4
ADDRESSES = 10000          # per phase; two phases make 20,000


# One xdist worker per backend (tools/run-tests runs --dist loadgroup):
# two copies of a 4-worker server would run PostgreSQL out of connections.
@pytest.fixture(scope='module', params=[
    pytest.param(backend, marks=pytest.mark.xdist_group('load-' + backend))
    for backend in ('postgresql', 'mysql')])
def busy(request, exchange, tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp('load-' + request.param))
    server = server_fixture.Server(
        request.param, tmp, exchange, workers=WORKERS, name='load',
        # 4 workers x 20 connections stays under PostgreSQL's default 100.
        extra={'database': {'max_pool_size': 10, 'max_overflow': 10}})
    server.create()
    server.start()
    service = conftest.Melange(server)
    server.wait_ready(service.api, service.admin)
    yield service
    server.destroy()


def _nova():
    return context.RequestContext(project_id='nova', roles=['service'])


def _report(name, outcome):
    print('\n%-40s %6d calls %5d errors %7.1f calls/s' % (
        name, len(outcome.results) + len(outcome.errors),
        len(outcome.errors), outcome.calls_per_second()))



def _stored(service, query, **params):
    with service.server.engine.connect() as conn:
        return conn.execute(sa.text(query), params).scalar()


def test_allocations_in_one_block_and_across_ten_are_never_duplicated(
        busy, client_config):
    tenant = 'tenant-' + uuid.uuid4().hex[:6]
    admin = busy.admin
    big = busy.api.create_block(admin, cidr='10.64.0.0/16',
                                tenant_id=tenant, network_id='net-big')
    net = 'net-ten-' + uuid.uuid4().hex[:6]
    ten = [busy.api.create_block(admin, cidr='10.%d.0.0/22' % (80 + i),
                                 tenant_id=tenant, network_id=net)
           for i in range(10)]

    one_block = [{'block_id': big['id'], 'tenant_id': tenant}
                 for _ in range(ADDRESSES)]
    outcome = load.run(
        client_config, busy.server.topic, _nova(), 'allocate_ip', one_block)
    _report('allocate_ip, one /16 (%s)' % busy.backend, outcome)
    assert outcome.errors == []
    addresses = [r['address'] for r in outcome.results]
    assert reliability.duplicates(addresses) == []
    assert len(addresses) == ADDRESSES

    across = [{'network_id': net, 'interface_id': str(uuid.uuid4()),
               'tenant_id': tenant} for _ in range(ADDRESSES)]
    outcome = load.run(
        client_config, busy.server.topic, _nova(),
        'allocate_ips_for_interface', across)
    _report('allocate_ips_for_interface, 10 blocks', outcome)
    assert outcome.errors == []
    spread = [(r[0]['block_id'], r[0]['address']) for r in outcome.results]
    assert reliability.duplicates(spread) == []
    assert len(spread) == ADDRESSES

    assert _stored(busy, 'SELECT count(*) FROM ip_addresses '
                         'WHERE deallocated_at IS NULL') == 2 * ADDRESSES
    assert busy.api.get_block_usage(admin, big['id'])['allocated'] == (
        ADDRESSES)
    assert sum(busy.api.get_block_usage(admin, b['id'])['allocated']
               for b in ten) == ADDRESSES


def test_mac_allocation_under_load_hands_out_each_mac_once(
        busy, client_config):
    admin = busy.admin
    mac_range = busy.api.create_mac_range(admin, cidr='fa:16:3e:00:00:00/36')
    outcome = load.run(
        client_config, busy.server.topic, admin, 'allocate_mac',
        [{} for _ in range(2000)])
    _report('allocate_mac', outcome)
    assert outcome.errors == []
    macs = [r['mac_address'] for r in outcome.results]
    assert reliability.duplicates(macs) == [] and len(macs) == 2000
    assert busy.api.get_mac_range(admin, mac_range['id'])['allocated'] == (
        2000)


def test_allocate_for_instance_under_load_is_whole_and_unique(
        busy, client_config):
    tenant = 'tenant-' + uuid.uuid4().hex[:6]
    admin = busy.admin
    nets = ['vm-net-%d-%s' % (i, uuid.uuid4().hex[:4]) for i in range(2)]
    busy.api.create_block(admin, cidr='10.96.0.0/20', tenant_id=tenant,
                          network_id=nets[0])
    busy.api.create_block(admin, cidr='fd00:96::/64', tenant_id=tenant,
                          network_id=nets[0])
    busy.api.create_block(admin, cidr='10.97.0.0/20', tenant_id=tenant,
                          network_id=nets[1])
    jobs = [{'device_id': str(uuid.uuid4()), 'tenant_id': tenant,
             'interfaces': [{'network_id': nets[0]},
                            {'network_id': nets[1]}]}
            for _ in range(500)]
    outcome = load.run(
        client_config, busy.server.topic, _nova(), 'allocate_for_instance',
        jobs)
    _report('allocate_for_instance, 2 NICs', outcome)
    assert outcome.errors == []
    results = outcome.results
    fixed = [ip['address'] for info in results for vif in info
             for subnet in vif['network']['subnets'] for ip in subnet['ips']]
    assert len(fixed) == 500 * 3 and reliability.duplicates(fixed) == []
    assert all(len(info) == 2 for info in results)
