"""Policies: unusable ranges and octets (API.md "Policies")."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def _policy(melange, ctxt, ranges=(), octets=(), name='policy'):
    policy = melange.api.create_policy(ctxt, name=name)
    for offset, length in ranges:
        melange.api.create_unusable_range(ctxt, policy_id=policy['id'],
                                          offset=offset, length=length)
    for octet in octets:
        melange.api.create_unusable_octet(ctxt, policy_id=policy['id'],
                                          octet=octet)
    return policy


def _block(melange, ctxt, cidr, ranges=(), octets=(), **kwargs):
    policy = _policy(melange, ctxt, ranges, octets)
    return melange.api.create_block(ctxt, cidr=cidr, policy_id=policy['id'],
                                    **kwargs)


def _allocate(melange, ctxt, block, count=1):
    return [melange.api.allocate_ip(ctxt, block_id=block['id'])['address']
            for _ in range(count)]


# -- CRUD -----------------------------------------------------------------

def test_create_policy_returns_an_empty_policy_of_the_caller(
        melange, tenant):
    policy = melange.api.create_policy(tenant, name='edge',
                                       description='keep the edge free')
    expected = {'id': policy['id'], 'name': 'edge',
                'description': 'keep the edge free',
                'tenant_id': tenant.project_id,
                'unusable_ranges': [], 'unusable_octets': []}
    assert {k: policy.get(k) for k in expected} == expected


def test_a_policy_description_defaults_to_null(melange, tenant):
    policy = melange.api.create_policy(tenant, name='bare')
    assert policy['description'] is None


def test_get_policy_shows_its_ranges_and_octets(melange, tenant):
    policy = melange.api.create_policy(tenant, name='full')
    first = melange.api.create_unusable_range(
        tenant, policy_id=policy['id'], offset=0, length=10)
    second = melange.api.create_unusable_range(
        tenant, policy_id=policy['id'], offset=-3, length=3)
    octet = melange.api.create_unusable_octet(
        tenant, policy_id=policy['id'], octet=254)
    got = melange.api.get_policy(tenant, policy_id=policy['id'])
    assert got['unusable_ranges'] == [first, second]
    assert got['unusable_octets'] == [octet]
    assert {k: got[k] for k in ('id', 'name', 'tenant_id')} == {
        'id': policy['id'], 'name': 'full', 'tenant_id': tenant.project_id}


def test_admin_creates_a_policy_for_a_tenant(melange, tenant):
    policy = melange.api.create_policy(melange.admin, name='theirs',
                                       tenant_id=tenant.project_id)
    assert policy['tenant_id'] == tenant.project_id
    assert melange.api.get_policy(tenant, policy_id=policy['id']) == policy


def test_a_member_creating_a_policy_for_another_tenant_is_forbidden(
        melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.create_policy(tenant, name='x',
                                  tenant_id=melange.tenant().project_id)


def test_another_tenants_policy_is_policy_not_found(melange, tenant):
    policy = melange.api.create_policy(melange.tenant(), name='private')
    with pytest.raises(exception.PolicyNotFound):
        melange.api.get_policy(tenant, policy_id=policy['id'])


def test_list_policies_pages_in_creation_order(melange, tenant):
    created = [melange.api.create_policy(tenant, name='p%d' % i)['id']
               for i in range(5)]
    listed = helpers.every(melange.api.list_policies, tenant)
    assert [p['id'] for p in listed] == created


def test_list_policies_clamps_a_limit_above_1000(melange, tenant):
    created = [melange.api.create_policy(tenant, name='p%d' % i)
               for i in range(1001)]
    page = melange.api.list_policies(tenant, limit=5000)
    assert len(page['items']) == 1000
    assert page['next_marker'] == page['items'][-1]['id']
    rest = melange.api.list_policies(tenant, marker=page['next_marker'])
    assert len(rest['items']) == 1 and rest['next_marker'] is None
    assert {p['id'] for p in page['items'] + rest['items']} == {
        p['id'] for p in created}


def test_list_policies_shows_a_member_only_its_own(melange, tenant):
    melange.api.create_policy(melange.tenant(), name='theirs')
    mine = melange.api.create_policy(tenant, name='mine')
    listed = melange.api.list_policies(tenant)
    assert listed == {'items': [mine], 'next_marker': None}


def test_admin_lists_the_policies_of_a_tenant(melange, tenant):
    mine = melange.api.create_policy(tenant, name='mine')
    melange.api.create_policy(melange.tenant(), name='theirs')
    listed = melange.api.list_policies(melange.admin,
                                       tenant_id=tenant.project_id)
    assert [p['id'] for p in listed['items']] == [mine['id']]


def test_a_member_listing_another_tenants_policies_is_forbidden(
        melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.list_policies(tenant,
                                  tenant_id=melange.tenant().project_id)


def test_update_policy_changes_name_and_description(melange, tenant):
    policy = melange.api.create_policy(tenant, name='old')
    updated = melange.api.update_policy(tenant, policy_id=policy['id'],
                                        name='new', description='renamed')
    assert (updated['name'], updated['description']) == ('new', 'renamed')
    assert melange.api.get_policy(tenant, policy_id=policy['id']) == updated


def test_update_policy_keeps_what_it_is_not_given(melange, tenant):
    policy = melange.api.create_policy(tenant, name='old',
                                       description='kept')
    updated = melange.api.update_policy(tenant, policy_id=policy['id'],
                                        name='new')
    assert updated['description'] == 'kept'


def test_updating_another_tenants_policy_is_policy_not_found(
        melange, tenant):
    policy = melange.api.create_policy(melange.tenant(), name='theirs')
    with refused(melange, exception.PolicyNotFound):
        melange.api.update_policy(tenant, policy_id=policy['id'],
                                  name='mine')


def test_delete_policy_returns_none_and_the_policy_is_gone(melange, tenant):
    policy = _policy(melange, tenant, ranges=[(0, 2)], octets=[7])
    assert melange.api.delete_policy(tenant, policy_id=policy['id']) is None
    with pytest.raises(exception.PolicyNotFound):
        melange.api.get_policy(tenant, policy_id=policy['id'])


def test_delete_policy_detaches_it_from_its_blocks(melange, tenant):
    block = _block(melange, tenant, '10.80.0.0/24', ranges=[(1, 4)])
    melange.api.delete_policy(tenant, policy_id=block['policy_id'])
    assert melange.api.get_block(tenant, block_id=block['id'])[
        'policy_id'] is None
    assert _allocate(melange, tenant, block) == ['10.80.0.1']


def test_deleting_another_tenants_policy_is_policy_not_found(
        melange, tenant):
    policy = melange.api.create_policy(melange.tenant(), name='theirs')
    with refused(melange, exception.PolicyNotFound):
        melange.api.delete_policy(tenant, policy_id=policy['id'])


def test_a_block_cannot_use_another_tenants_policy(melange, tenant):
    policy = melange.api.create_policy(melange.tenant(), name='theirs')
    with refused(melange, exception.PolicyNotFound):
        melange.api.create_block(tenant, cidr='10.80.1.0/24',
                                 policy_id=policy['id'])


# -- unusable ranges and octets -------------------------------------------

def test_create_unusable_range_returns_its_id_offset_and_length(
        melange, tenant):
    policy = melange.api.create_policy(tenant, name='r')
    created = melange.api.create_unusable_range(
        tenant, policy_id=policy['id'], offset=-3, length=3)
    assert created == {'id': created['id'], 'offset': -3, 'length': 3}


@pytest.mark.parametrize('length', [0, -1])
def test_a_range_length_below_one_is_invalid(melange, tenant, length):
    policy = melange.api.create_policy(tenant, name='r')
    with refused(melange, exception.InvalidInput):
        melange.api.create_unusable_range(tenant, policy_id=policy['id'],
                                          offset=0, length=length)


@pytest.mark.parametrize('offset,length', [('0', 1), (0, '1'), (0.5, 1)])
def test_a_range_of_other_types_than_integers_is_invalid(
        melange, tenant, offset, length):
    policy = melange.api.create_policy(tenant, name='r')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'create_unusable_range',
                    policy_id=policy['id'], offset=offset, length=length)


def test_delete_unusable_range_lifts_the_exclusion(melange, tenant):
    policy = melange.api.create_policy(tenant, name='r')
    created = melange.api.create_unusable_range(
        tenant, policy_id=policy['id'], offset=0, length=4)
    block = melange.api.create_block(tenant, cidr='10.80.2.0/24',
                                     policy_id=policy['id'])
    assert melange.api.delete_unusable_range(
        tenant, policy_id=policy['id'], range_id=created['id']) is None
    assert melange.api.get_policy(
        tenant, policy_id=policy['id'])['unusable_ranges'] == []
    assert _allocate(melange, tenant, block) == ['10.80.2.1']


def test_deleting_an_unknown_range_is_not_found(melange, tenant):
    policy = melange.api.create_policy(tenant, name='r')
    with refused(melange, exception.NotFound, exact=False):
        melange.api.delete_unusable_range(tenant, policy_id=policy['id'],
                                          range_id='no-such-range')


def test_create_unusable_octet_returns_its_id_and_octet(melange, tenant):
    policy = melange.api.create_policy(tenant, name='o')
    created = melange.api.create_unusable_octet(
        tenant, policy_id=policy['id'], octet=65535)
    assert created == {'id': created['id'], 'octet': 65535}


@pytest.mark.parametrize('octet', [-1, 65536])
def test_an_octet_outside_0_to_65535_is_invalid(melange, tenant, octet):
    policy = melange.api.create_policy(tenant, name='o')
    with refused(melange, exception.InvalidInput):
        melange.api.create_unusable_octet(tenant, policy_id=policy['id'],
                                          octet=octet)


@pytest.mark.parametrize('octet', ['1', 1.0, None])
def test_an_octet_that_is_not_an_integer_is_invalid(melange, tenant, octet):
    policy = melange.api.create_policy(tenant, name='o')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'create_unusable_octet',
                    policy_id=policy['id'], octet=octet)


def test_delete_unusable_octet_lifts_the_exclusion(melange, tenant):
    policy = melange.api.create_policy(tenant, name='o')
    created = melange.api.create_unusable_octet(
        tenant, policy_id=policy['id'], octet=1)
    block = melange.api.create_block(tenant, cidr='10.80.3.0/24',
                                     policy_id=policy['id'])
    assert melange.api.delete_unusable_octet(
        tenant, policy_id=policy['id'], octet_id=created['id']) is None
    assert melange.api.get_policy(
        tenant, policy_id=policy['id'])['unusable_octets'] == []
    assert _allocate(melange, tenant, block) == ['10.80.3.1']


def test_deleting_an_unknown_octet_is_not_found(melange, tenant):
    policy = melange.api.create_policy(tenant, name='o')
    with refused(melange, exception.NotFound, exact=False):
        melange.api.delete_unusable_octet(tenant, policy_id=policy['id'],
                                          octet_id='no-such-octet')


def test_ranges_of_another_tenants_policy_are_policy_not_found(
        melange, tenant):
    policy = melange.api.create_policy(melange.tenant(), name='theirs')
    with refused(melange, exception.PolicyNotFound):
        melange.api.create_unusable_range(tenant, policy_id=policy['id'],
                                          offset=0, length=1)


# -- exclusions applied to allocation -------------------------------------

def test_a_range_at_the_start_is_skipped_by_automatic_allocation(
        melange, tenant):
    block = _block(melange, tenant, '10.81.0.0/24', ranges=[(0, 5)])
    assert _allocate(melange, tenant, block, 2) == ['10.81.0.5', '10.81.0.6']


def test_a_range_in_the_middle_is_skipped_by_automatic_allocation(
        melange, tenant):
    block = _block(melange, tenant, '10.81.1.0/24', ranges=[(2, 2)])
    assert _allocate(melange, tenant, block, 2) == ['10.81.1.1', '10.81.1.4']


def test_an_excluded_address_is_disallowed_for_a_specific_request(
        melange, tenant):
    block = _block(melange, tenant, '10.81.2.0/24', ranges=[(2, 2)])
    with refused(melange, exception.AddressDisallowedByPolicy):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='10.81.2.3')


def test_a_negative_offset_counts_from_the_end(melange, tenant):
    block = _block(melange, tenant, '10.81.3.0/29', ranges=[(-3, 3)])
    # .5, .6 and .7 (the broadcast) are the last three.
    assert _allocate(melange, tenant, block, 4) == [
        '10.81.3.1', '10.81.3.2', '10.81.3.3', '10.81.3.4']
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_a_negative_offset_excludes_from_that_point_for_its_length(
        melange, tenant):
    block = _block(melange, tenant, '10.81.4.0/29', ranges=[(-3, 1)])
    with refused(melange, exception.AddressDisallowedByPolicy):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='10.81.4.5')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 address='10.81.4.6')
    assert ip['address'] == '10.81.4.6'


def test_a_negative_range_never_runs_past_the_end(melange, tenant):
    block = _block(melange, tenant, '10.81.5.0/29', ranges=[(-2, 5)])
    # Only .6 and .7 are excluded: the range does not wrap around.
    with refused(melange, exception.AddressDisallowedByPolicy):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='10.81.5.6')
    for address in ('10.81.5.1', '10.81.5.5'):
        ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                     address=address)
        assert ip['address'] == address


def test_a_range_applies_relative_to_each_block_of_the_policy(
        melange, tenant):
    policy = _policy(melange, tenant, ranges=[(1, 1)])
    blocks = [melange.api.create_block(tenant, cidr=cidr,
                                       policy_id=policy['id'])
              for cidr in ('10.81.6.0/24', '10.81.7.0/28')]
    assert [_allocate(melange, tenant, b)[0] for b in blocks] == [
        '10.81.6.2', '10.81.7.2']


def test_a_range_in_an_ipv6_block(melange, tenant):
    block = _block(melange, tenant, 'fd00:81::/64', ranges=[(0, 16)])
    assert _allocate(melange, tenant, block) == ['fd00:81::10']


def test_an_octet_is_skipped_by_automatic_allocation(melange, tenant):
    # The range keeps the first 256 addresses out of the way.
    block = _block(melange, tenant, '10.82.0.0/23', ranges=[(0, 256)],
                   octets=[1])
    assert _allocate(melange, tenant, block, 2) == ['10.82.1.0', '10.82.1.2']


def test_an_octet_excludes_the_address_in_every_256(melange, tenant):
    block = _block(melange, tenant, '10.82.2.0/23', octets=[7])
    for address in ('10.82.2.7', '10.82.3.7'):
        with refused(melange, exception.AddressDisallowedByPolicy):
            melange.api.allocate_ip(tenant, block_id=block['id'],
                                    address=address)


def test_an_octet_above_255_never_matches_ipv4(melange, tenant):
    block = _block(melange, tenant, '10.82.4.0/24', octets=[257])
    assert _allocate(melange, tenant, block) == ['10.82.4.1']


def test_an_ipv6_octet_matches_the_last_16_bit_group(melange, tenant):
    block = _block(melange, tenant, 'fd00:82::/64', octets=[1, 2, 300])
    assert _allocate(melange, tenant, block) == ['fd00:82::3']
    for address in ('fd00:82::12c', 'fd00:82::5:1'):
        with refused(melange, exception.AddressDisallowedByPolicy):
            melange.api.allocate_ip(tenant, block_id=block['id'],
                                    address=address)


def test_a_policy_attached_later_applies_to_the_next_allocation(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.82.5.0/24')
    assert _allocate(melange, tenant, block) == ['10.82.5.1']
    policy = _policy(melange, tenant, ranges=[(0, 10)])
    melange.api.update_block(tenant, block_id=block['id'],
                             policy_id=policy['id'])
    assert _allocate(melange, tenant, block) == ['10.82.5.10']


def test_a_range_added_later_applies_to_the_policys_blocks(melange, tenant):
    block = _block(melange, tenant, '10.82.6.0/24')
    melange.api.create_unusable_range(tenant, policy_id=block['policy_id'],
                                      offset=1, length=3)
    assert _allocate(melange, tenant, block) == ['10.82.6.4']


def test_a_subnet_applies_its_inherited_policy_to_its_own_cidr(
        melange, tenant):
    parent = _block(melange, tenant, '10.82.7.0/24', ranges=[(1, 2)])
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.82.7.64/26')
    assert _allocate(melange, tenant, subnet) == ['10.82.7.67']


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('create_policy', {}, exception.InvalidInput),
    ('create_policy', {'name': 'n', 'colour': 'red'},
     exception.InvalidInput),
    ('get_policy', {}, exception.InvalidInput),
    ('get_policy', {'policy_id': 'no-such-policy'},
     exception.PolicyNotFound),
    ('update_policy', {'name': 'n'}, exception.InvalidInput),
    ('update_policy', {'policy_id': 'p', 'tenant_id': 't'},
     exception.InvalidInput),
    ('update_policy', {'policy_id': 'no-such-policy', 'name': 'n'},
     exception.PolicyNotFound),
    ('delete_policy', {}, exception.InvalidInput),
    ('delete_policy', {'policy_id': 'no-such-policy'},
     exception.PolicyNotFound),
    ('list_policies', {'limit': 0}, exception.InvalidInput),
    ('list_policies', {'marker': 'no-such-policy'}, exception.InvalidInput),
    ('list_policies', {'colour': 'red'}, exception.InvalidInput),
    ('create_unusable_range', {'policy_id': 'p', 'offset': 0},
     exception.InvalidInput),
    ('create_unusable_range', {'policy_id': 'no-such-policy', 'offset': 0,
                               'length': 1}, exception.PolicyNotFound),
    ('delete_unusable_range', {'policy_id': 'p'}, exception.InvalidInput),
    ('create_unusable_octet', {'policy_id': 'p'}, exception.InvalidInput),
    ('create_unusable_octet', {'policy_id': 'no-such-policy', 'octet': 1},
     exception.PolicyNotFound),
    ('delete_unusable_octet', {'policy_id': 'p'}, exception.InvalidInput),
    ('delete_unusable_octet', {'policy_id': 'p', 'octet_id': 'o',
                               'octet': 1}, exception.InvalidInput),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_policy_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
