"""A policy file loosens and tightens rules; secrets stay out of the logs."""

import time

import pytest

from melange_rpc import context
from melange_rpc import exception
from melange_rpc import policy
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
    with conftest.running(server) as service:
        service.policy_file = policy_file
        yield service


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


def _until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _ping_allowed(service, ctxt):
    try:
        service.api.ping(ctxt)
    except exception.Forbidden:
        return False
    return True


def test_an_edited_policy_file_takes_effect_without_a_restart(governed):
    member = governed.tenant()
    assert _ping_allowed(governed, member)
    # Remembered decisions last DECISION_TTL seconds; give it that twice.
    wait = 2 * policy.DECISION_TTL + 2
    try:
        governed.policy_file.write_text(
            POLICY + '"melange:ping": "role:admin"\n')
        assert _until(lambda: not _ping_allowed(governed, member), wait)
    finally:
        governed.policy_file.write_text(POLICY)
    assert _until(lambda: _ping_allowed(governed, member), wait)
    assert governed.server.process.poll() is None


def test_the_log_never_shows_transport_credentials(governed):
    governed.api.ping(governed.admin)
    with open(governed.server.log_path) as log:
        text = log.read()
    assert 'transport_url' in text          # the options were logged
    assert 'guest:guest' not in text
