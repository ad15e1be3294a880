"""A policy file loosens and tightens rules; secrets stay out of the logs."""

import pytest

from melange_rpc import context
from melange_rpc import exception
from tests.functional import conftest
from tests import server as server_fixture

POLICY = '''
# Loosened: network operators may create MAC ranges.
"melange:create_mac_range": "role:admin or role:netops"
# Tightened: only admins create blocks.
"melange:create_block": "role:admin"
'''


@pytest.fixture(scope='module')
def governed(exchange, tmp_path_factory):
    tmp = tmp_path_factory.mktemp('policy')
    policy_file = tmp / 'policy.yaml'
    policy_file.write_text(POLICY)
    server = server_fixture.Server(
        'sqlite', str(tmp), exchange, workers=1,
        extra={'DEFAULT': {'debug': 'true'},
               'oslo_policy': {'policy_file': str(policy_file)}},
        name='policy')
    server.create()
    server.start()
    service = conftest.Melange(server)
    server.wait_ready(service.api, service.admin)
    yield service
    server.destroy()


def test_a_loosened_rule_lets_a_new_role_in(governed):
    netops = context.RequestContext(project_id='ops', roles=['netops'])
    created = governed.api.create_mac_range(netops,
                                            cidr='fa:16:3e:80:00:00/40')
    assert created['cidr'] == 'fa:16:3e:80:00:00/40'


def test_a_tightened_rule_shuts_members_out(governed):
    member = governed.tenant()
    before = governed.snapshot()
    with pytest.raises(exception.Forbidden):
        governed.api.create_block(member, cidr='10.0.0.0/24')
    assert governed.snapshot() == before
    assert governed.api.create_block(governed.admin,
                                     cidr='10.0.0.0/24')['cidr'] == (
        '10.0.0.0/24')


def test_untouched_rules_keep_their_defaults(governed):
    member = context.RequestContext(project_id='p', roles=['member'])
    with pytest.raises(exception.Forbidden):
        governed.api.reclaim_deallocated_ips(member)


def test_the_log_never_shows_transport_credentials(governed):
    governed.api.ping(governed.admin)
    with open(governed.server.log_path) as log:
        text = log.read()
    assert 'transport_url' in text          # the options were logged
    assert 'guest:guest' not in text
