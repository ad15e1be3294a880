"""The policy defaults, rule by rule, for each kind of caller."""

import pytest

from melange_rpc import context
from melange_rpc import policies
from melange_rpc import policy

ADMIN = context.RequestContext(project_id='ops', roles=['admin'])
SERVICE = context.RequestContext(project_id='nova', roles=['service'])
MEMBER = context.RequestContext(project_id='p1', roles=['member'])

ADMIN_ONLY = {'melange:create_public_block', 'melange:create_mac_range',
              'melange:delete_mac_range', 'melange:reclaim_deallocated_ips'}
AGENTS = {'melange:all_tenants', 'melange:act_for_tenant',
          'melange:get_dhcp_config', 'melange:lease_ip',
          'melange:release_ip'}


def _expected(rule):
    """(admin, service, member for itself, member for another tenant)."""
    if rule in ADMIN_ONLY:
        return (True, False, False, False)
    if rule in AGENTS:
        return (True, True, False, False)
    if rule == 'melange:ping':
        return (True, True, True, True)
    return (True, True, True, False)


METHOD_RULES = sorted(r.name for r in policies.list_rules()
                      if r.name.startswith('melange:'))


@pytest.mark.parametrize('rule', METHOD_RULES)
def test_default_rule(rule):
    got = (policy.check(ADMIN, rule, 'p1'), policy.check(SERVICE, rule, 'p1'),
           policy.check(MEMBER, rule, 'p1'), policy.check(MEMBER, rule, 'p2'))
    assert got == _expected(rule)


def test_every_rule_is_documented():
    assert all(rule.description for rule in policies.list_rules())


def test_an_admin_flag_without_the_role_grants_nothing():
    forged = context.RequestContext.from_dict(
        {'project_id': 'p1', 'roles': ['member'], 'is_admin': True})
    assert not policy.check(forged, 'melange:create_mac_range')
