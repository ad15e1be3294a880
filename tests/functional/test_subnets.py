"""Subnets: blocks carved from a parent (API.md "Subnets")."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def test_a_subnet_by_cidr_lies_inside_its_parent(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.0.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.0.64/26')
    assert subnet['cidr'] == '10.70.0.64/26'
    assert subnet['parent_id'] == parent['id']
    assert melange.api.get_block(tenant, block_id=subnet['id']) == subnet


def test_a_subnet_cidr_is_normalised(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.1.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.1.70/26')
    assert subnet['cidr'] == '10.70.1.64/26'


def test_subnet_by_prefixlen_carves_the_lowest_free_prefix(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.2.0/24')
    carved = [melange.api.create_subnet(tenant, parent_id=parent['id'],
                                        prefixlen=26)['cidr']
              for _ in range(3)]
    assert carved == ['10.70.2.0/26', '10.70.2.64/26', '10.70.2.128/26']


def test_subnet_by_prefixlen_skips_prefixes_that_overlap_subnets(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.3.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.3.0/27')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.3.64/26')
    carved = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    assert carved['cidr'] == '10.70.3.128/26'


def test_subnet_by_prefixlen_fills_the_lowest_gap(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.4.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.4.64/26')
    carved = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=27)
    assert carved['cidr'] == '10.70.4.0/27'


def test_subnet_by_prefixlen_in_ipv6(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='fd00:70::/48')
    carved = [melange.api.create_subnet(tenant, parent_id=parent['id'],
                                        prefixlen=64)['cidr']
              for _ in range(2)]
    assert carved == ['fd00:70::/64', 'fd00:70:0:1::/64']


def test_no_free_prefix_of_that_length_is_no_more_addresses(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.5.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.5.0/26')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.5.128/26')
    with refused(melange, exception.NoMoreAddresses):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  prefixlen=25)


@pytest.mark.parametrize('cidr', ['10.71.0.0/24', '10.70.6.0/23',
                                  'fd00:71::/64'])
def test_a_subnet_cidr_outside_its_parent_is_invalid(melange, tenant, cidr):
    parent = melange.api.create_block(tenant, cidr='10.70.6.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.create_subnet(tenant, parent_id=parent['id'], cidr=cidr)


def test_a_subnet_never_overlaps_its_siblings(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.7.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='10.70.7.0/25')
    with refused(melange, exception.BlockOverlap):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  cidr='10.70.7.64/26')


def test_subnets_of_different_parents_may_overlap(melange, tenant):
    first = melange.api.create_block(tenant, cidr='10.70.8.0/24')
    second = melange.api.create_block(tenant, cidr='10.70.8.0/24')
    for parent in (first, second):
        subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                           cidr='10.70.8.0/26')
        assert subnet['parent_id'] == parent['id']


def test_both_cidr_and_prefixlen_is_invalid(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.9.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  cidr='10.70.9.0/26', prefixlen=26)


def test_neither_cidr_nor_prefixlen_is_invalid(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.10.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.create_subnet(tenant, parent_id=parent['id'])


@pytest.mark.parametrize('prefixlen', [33, -1, '26'])
def test_a_bad_prefixlen_is_invalid(melange, tenant, prefixlen):
    parent = melange.api.create_block(tenant, cidr='10.70.11.0/24')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'create_subnet',
                    parent_id=parent['id'], prefixlen=prefixlen)


def test_a_parent_holding_allocated_addresses_is_block_in_use(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.12.0/24')
    melange.api.allocate_ip(tenant, block_id=parent['id'])
    with refused(melange, exception.BlockInUse):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  prefixlen=26)


def test_a_parent_holding_retained_addresses_is_block_in_use(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.13.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=parent['id'])
    melange.api.deallocate_ip(tenant, block_id=parent['id'],
                              address=ip['address'])
    with refused(melange, exception.BlockInUse):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  cidr='10.70.13.128/25')


def test_a_parent_with_subnets_refuses_automatic_allocation(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.14.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'], prefixlen=26)
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ip(tenant, block_id=parent['id'])


def test_a_parent_with_subnets_refuses_a_specific_allocation(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.15.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'], prefixlen=26)
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ip(tenant, block_id=parent['id'],
                                address='10.70.15.200')


def test_a_parent_allocates_again_once_its_subnets_are_deleted(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.16.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    melange.api.delete_block(tenant, block_id=subnet['id'])
    ip = melange.api.allocate_ip(tenant, block_id=parent['id'])
    assert ip['address'] == '10.70.16.1'


def test_a_subnet_allocates_the_lowest_free_address_of_its_own(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.17.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.17.64/26')
    ip = melange.api.allocate_ip(tenant, block_id=subnet['id'])
    assert ip['address'] == '10.70.17.65'
    assert ip['block_id'] == subnet['id']


def test_a_subnet_inherits_network_tenant_policy_dns_and_dhcp_options(
        melange, tenant):
    net = helpers.network_id()
    policy = melange.api.create_policy(tenant, name='inherited')
    parent = melange.api.create_block(
        tenant, cidr='10.70.18.0/24', network_id=net,
        dns_nameservers=['10.70.18.53'], dhcp_options={'mtu': 1400},
        policy_id=policy['id'], gateway='10.70.18.1')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.18.128/25')
    assert subnet['type'] == 'private'
    assert subnet['network_id'] == net
    assert subnet['tenant_id'] == tenant.project_id
    assert subnet['policy_id'] == policy['id']
    assert subnet['dns_nameservers'] == ['10.70.18.53']
    assert subnet['dhcp_options'] == {'mtu': 1400}


def test_a_subnet_does_not_inherit_the_gateway(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.19.0/24',
                                      gateway='10.70.19.1')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.19.0/25')
    assert subnet['gateway'] is None


def test_a_subnet_takes_the_gateway_it_is_given(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.20.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.70.20.0/25',
                                       gateway='10.70.20.126',
                                       name='lower')
    assert (subnet['gateway'], subnet['name']) == ('10.70.20.126', 'lower')


def test_a_subnet_gateway_outside_the_subnet_is_invalid(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.21.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  cidr='10.70.21.0/25',
                                  gateway='10.70.21.200')


def test_a_subnet_of_a_public_block_is_public(melange):
    parent = melange.api.create_block(melange.admin, cidr='100.65.0.0/24',
                                      type='public',
                                      network_id=helpers.network_id())
    subnet = melange.api.create_subnet(melange.admin,
                                       parent_id=parent['id'], prefixlen=25)
    assert subnet['type'] == 'public'
    assert subnet['network_id'] == parent['network_id']


def test_a_subnet_in_another_network_than_its_parent_is_invalid(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.22.0/24',
                                      network_id=helpers.network_id())
    with refused(melange, exception.InvalidInput):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  prefixlen=26,
                                  network_id=helpers.network_id())


def test_a_subnet_may_name_its_parents_network(melange, tenant):
    net = helpers.network_id()
    parent = melange.api.create_block(tenant, cidr='10.70.23.0/24',
                                      network_id=net)
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26, network_id=net)
    assert subnet['network_id'] == net


def test_a_subnet_of_a_parent_without_network_may_join_one(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.24.0/24')
    net = helpers.network_id()
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26, network_id=net)
    assert subnet['network_id'] == net


def test_admin_gives_a_subnet_another_owner(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.25.0/24')
    other = melange.tenant()
    subnet = melange.api.create_subnet(melange.admin,
                                       parent_id=parent['id'], prefixlen=26,
                                       tenant_id=other.project_id)
    assert subnet['tenant_id'] == other.project_id
    assert melange.api.get_block(other, block_id=subnet['id']) == subnet


def test_a_member_giving_a_subnet_another_owner_is_forbidden(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.26.0/24')
    with refused(melange, exception.Forbidden):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  prefixlen=26,
                                  tenant_id=melange.tenant().project_id)


def test_a_subnet_of_another_tenants_block_is_block_not_found(
        melange, tenant):
    parent = melange.api.create_block(melange.tenant(), cidr='10.70.27.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.create_subnet(tenant, parent_id=parent['id'],
                                  prefixlen=26)


def test_a_subnet_of_an_unknown_block_is_block_not_found(melange, tenant):
    with refused(melange, exception.BlockNotFound):
        melange.api.create_subnet(tenant, parent_id='no-such-block',
                                  prefixlen=26)


def test_a_repeated_carve_with_the_same_key_carves_once(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.34.0/24')
    first = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                      prefixlen=26, idempotency_key='carve')
    again = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                      prefixlen=26, idempotency_key='carve')
    assert again == first
    listed = melange.api.list_subnets(tenant, parent_id=parent['id'])
    assert [s['id'] for s in listed['items']] == [first['id']]


# -- list_subnets ---------------------------------------------------------

def test_list_subnets_pages_through_the_subnets_in_creation_order(
        melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.28.0/24')
    created = [melange.api.create_subnet(tenant, parent_id=parent['id'],
                                         cidr=cidr)['id']
               for cidr in ('10.70.28.192/26', '10.70.28.0/26',
                            '10.70.28.128/26')]
    listed = helpers.every(melange.api.list_subnets, tenant,
                           parent_id=parent['id'])
    assert [s['id'] for s in listed] == created


def test_list_subnets_shows_only_direct_subnets(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.29.0/24')
    child = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                      prefixlen=25)
    melange.api.create_subnet(tenant, parent_id=child['id'], prefixlen=26)
    listed = melange.api.list_subnets(tenant, parent_id=parent['id'])
    assert [s['id'] for s in listed['items']] == [child['id']]
    assert listed['next_marker'] is None


def test_list_subnets_of_another_tenants_block_is_block_not_found(
        melange, tenant):
    parent = melange.api.create_block(melange.tenant(), cidr='10.70.30.0/24')
    with pytest.raises(exception.BlockNotFound):
        melange.api.list_subnets(tenant, parent_id=parent['id'])


def test_list_subnets_with_an_unknown_marker_is_invalid(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.31.0/24')
    melange.api.create_subnet(tenant, parent_id=parent['id'], prefixlen=26)
    with refused(melange, exception.InvalidInput):
        melange.api.list_subnets(tenant, parent_id=parent['id'],
                                 marker='no-such-block')


# -- deleting parents -----------------------------------------------------

def test_delete_counts_the_allocated_addresses_of_subnets(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.32.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    melange.api.allocate_ip(tenant, block_id=subnet['id'])
    with refused(melange, exception.BlockInUse):
        melange.api.delete_block(tenant, block_id=parent['id'])


def test_deleting_a_parent_deletes_its_unused_subnets(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.70.33.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    melange.api.delete_block(tenant, block_id=parent['id'])
    with pytest.raises(exception.BlockNotFound):
        melange.api.get_block(tenant, block_id=subnet['id'])


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('create_subnet', {'prefixlen': 26}, exception.InvalidInput),
    ('create_subnet', {'parent_id': 'p', 'prefixlen': 26, 'colour': 'red'},
     exception.InvalidInput),
    ('create_subnet', {'parent_id': 'p', 'prefixlen': 26, 'type': 'public'},
     exception.InvalidInput),
    ('list_subnets', {}, exception.InvalidInput),
    ('list_subnets', {'parent_id': 'p', 'colour': 'red'},
     exception.InvalidInput),
    ('list_subnets', {'parent_id': 'no-such-block'},
     exception.BlockNotFound),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_subnet_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
