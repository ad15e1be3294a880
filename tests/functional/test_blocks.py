"""Blocks: create, read, list, update, delete and usage (API.md "Blocks")."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


# -- create_block ---------------------------------------------------------

def test_create_block_normalises_the_cidr_to_its_network(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.60.0.1/31')
    assert block['cidr'] == '10.60.0.0/31'


def test_create_block_defaults_to_a_private_allocatable_block_of_the_caller(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.60.1.0/24')
    assert block['type'] == 'private'
    assert block['tenant_id'] == tenant.project_id
    assert block['ip_version'] == 4
    assert block['allocatable'] is True
    assert block['max_allocation'] is None
    assert block['network_id'] is None
    assert block['parent_id'] is None
    assert block['policy_id'] is None
    assert block['gateway'] is None
    assert block['name'] is None
    assert block['dns_nameservers'] == []
    assert block['dhcp_options'] == {}
    assert block['ipv6_address_mode'] is None
    assert block['created_at'] and block['id']


def test_create_block_reports_every_block_key(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.60.2.0/24')
    assert set(block) == {
        'id', 'name', 'cidr', 'ip_version', 'type', 'tenant_id',
        'network_id', 'parent_id', 'policy_id', 'gateway', 'netmask',
        'broadcast', 'dns_nameservers', 'dhcp_options', 'ipv6_address_mode',
        'allocatable', 'max_allocation', 'created_at', 'updated_at'}


def test_ipv6_block_defaults_to_dhcpv6_stateful_with_prefix_netmask(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:60::/64')
    assert block['ip_version'] == 6
    assert block['ipv6_address_mode'] == 'dhcpv6-stateful'
    assert block['netmask'] == '64'
    assert 'broadcast' in block and block['broadcast'] is None


def test_ipv6_cidr_is_normalised_and_compressed(melange, tenant):
    block = melange.api.create_block(tenant, cidr='FD00:0061:0:0::5/64')
    assert block['cidr'] == 'fd00:61::/64'


def test_slaac_block_of_exactly_a_64_is_created(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:62::/64',
                                     ipv6_address_mode='slaac')
    assert block['ipv6_address_mode'] == 'slaac'


@pytest.mark.parametrize('cidr', ['fd00:63::/63', 'fd00:63::/65'])
def test_slaac_needs_exactly_a_64(melange, tenant, cidr):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(tenant, cidr=cidr,
                                 ipv6_address_mode='slaac')


def test_an_address_mode_on_an_ipv4_block_is_invalid(melange, tenant):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(tenant, cidr='10.60.3.0/24',
                                 ipv6_address_mode='dhcpv6-stateful')


def test_an_unknown_address_mode_is_invalid(melange, tenant):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(tenant, cidr='fd00:64::/64',
                                 ipv6_address_mode='stateless')


def test_an_unknown_block_type_is_invalid(melange):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(melange.admin, cidr='10.60.4.0/24',
                                 type='shared')


def test_dns_nameservers_are_normalised_ip_addresses(melange, tenant):
    block = melange.api.create_block(
        tenant, cidr='fd00:65::/64', dns_nameservers=['FD00:65:0:0::53'])
    assert block['dns_nameservers'] == ['fd00:65::53']


def test_a_hostname_as_dns_nameserver_is_invalid(melange, tenant):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(tenant, cidr='10.60.5.0/24',
                                 dns_nameservers=['ns1.example.com'])


def test_an_ipv6_gateway_is_normalised(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:66::/64',
                                     gateway='FD00:66:0:0::1')
    assert block['gateway'] == 'fd00:66::1'


@pytest.mark.parametrize('cidr,gateway', [
    ('10.60.6.0/24', '10.60.6.0'),        # network
    ('10.60.6.0/24', '10.60.6.255'),      # broadcast
    ('fd00:67::/64', 'fd00:67::'),        # subnet-router anycast
    ('fd00:67::/64', 'fd00:68::1'),       # outside
], ids=['network', 'broadcast', 'anycast', 'outside'])
def test_the_gateway_must_be_a_usable_address_of_the_block(
        melange, tenant, cidr, gateway):
    with refused(melange, exception.InvalidInput):
        melange.api.create_block(tenant, cidr=cidr, gateway=gateway)


def test_an_unknown_policy_is_policy_not_found(melange, tenant):
    with refused(melange, exception.PolicyNotFound):
        melange.api.create_block(tenant, cidr='10.60.7.0/24',
                                 policy_id='no-such-policy')


def test_admin_creates_a_public_block(melange):
    block = melange.api.create_block(melange.admin, cidr='100.64.0.0/24',
                                     type='public',
                                     network_id=helpers.network_id())
    assert block['type'] == 'public'


def test_admin_creates_a_block_for_a_tenant(melange, tenant):
    block = melange.api.create_block(melange.admin, cidr='10.60.8.0/24',
                                     tenant_id=tenant.project_id)
    assert block['tenant_id'] == tenant.project_id
    assert melange.api.get_block(tenant, block_id=block['id']) == block


def test_a_member_creating_a_block_for_another_tenant_is_forbidden(
        melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.create_block(tenant, cidr='10.60.9.0/24',
                                 tenant_id=melange.tenant().project_id)


# -- overlap and network type ---------------------------------------------

def test_public_blocks_never_overlap_across_tenants_and_networks(melange):
    melange.api.create_block(melange.admin, cidr='100.64.1.0/24',
                             type='public', network_id=helpers.network_id())
    with refused(melange, exception.BlockOverlap):
        melange.api.create_block(melange.admin, cidr='100.64.1.128/25',
                                 type='public', tenant_id='someone-else',
                                 network_id=helpers.network_id())


def test_top_level_blocks_in_one_network_never_overlap_across_tenants(
        melange):
    net = helpers.network_id()
    melange.api.create_block(melange.tenant(), cidr='10.61.0.0/24',
                             network_id=net)
    with refused(melange, exception.BlockOverlap):
        melange.api.create_block(melange.tenant(), cidr='10.61.0.0/16',
                                 network_id=net)


def test_ipv4_and_ipv6_blocks_share_a_network(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.61.1.0/24', network_id=net)
    melange.api.create_block(tenant, cidr='fd00:69::/64', network_id=net)
    assert len(melange.api.list_blocks(tenant, network_id=net)['items']) == 2


def test_private_blocks_of_different_networks_may_overlap(melange, tenant):
    first = melange.api.create_block(tenant, cidr='10.62.0.0/24',
                                     network_id=helpers.network_id())
    second = melange.api.create_block(tenant, cidr='10.62.0.0/24',
                                      network_id=helpers.network_id())
    assert first['id'] != second['id']


def test_private_blocks_without_a_network_may_overlap_anything(melange):
    owner = melange.tenant()
    melange.api.create_block(melange.admin, cidr='100.64.2.0/24',
                             type='public', network_id=helpers.network_id())
    melange.api.create_block(owner, cidr='10.62.1.0/24',
                             network_id=helpers.network_id())
    for cidr in ('100.64.2.0/24', '10.62.1.0/24', '10.62.1.0/24',
                 '10.62.0.0/16'):
        assert melange.api.create_block(owner, cidr=cidr)['cidr'] == cidr
    assert melange.api.create_block(melange.tenant(),
                                    cidr='10.62.1.0/24')['cidr']


def test_a_network_holds_blocks_of_one_type_only(melange):
    net = helpers.network_id()
    melange.api.create_block(melange.admin, cidr='10.63.0.0/24',
                             network_id=net)
    with refused(melange, exception.InvalidInput) as caught:
        melange.api.create_block(melange.admin, cidr='100.64.3.0/24',
                                 type='public', network_id=net)
    assert 'type' in caught.value.errors


def test_a_public_network_refuses_a_private_block(melange):
    net = helpers.network_id()
    melange.api.create_block(melange.admin, cidr='100.64.4.0/24',
                             type='public', network_id=net)
    with refused(melange, exception.InvalidInput) as caught:
        melange.api.create_block(melange.admin, cidr='10.63.1.0/24',
                                 network_id=net)
    assert 'type' in caught.value.errors


# -- get_block and list_blocks --------------------------------------------

def test_admin_reads_any_tenants_block(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.64.0.0/24')
    assert melange.api.get_block(melange.admin, block_id=block['id']) == block


def test_list_blocks_shows_a_member_only_its_own_blocks(melange):
    owner, other = melange.tenant(), melange.tenant()
    net = helpers.network_id()
    mine = melange.api.create_block(owner, cidr='10.64.1.0/24',
                                    network_id=net)
    melange.api.create_block(other, cidr='10.64.2.0/24', network_id=net)
    listed = melange.api.list_blocks(owner, network_id=net)
    assert [b['id'] for b in listed['items']] == [mine['id']]


def test_list_blocks_filters_by_tenant_for_admin(melange):
    owner, other = melange.tenant(), melange.tenant()
    mine = melange.api.create_block(owner, cidr='10.64.3.0/24')
    melange.api.create_block(other, cidr='10.64.3.0/24')
    listed = melange.api.list_blocks(melange.admin,
                                     tenant_id=owner.project_id)
    assert [b['id'] for b in listed['items']] == [mine['id']]


def test_list_blocks_filters_by_network(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.64.4.0/24')
    inside = [melange.api.create_block(tenant, cidr=cidr,
                                       network_id=net)['id']
              for cidr in ('10.64.5.0/24', 'fd00:6a::/64')]
    listed = melange.api.list_blocks(tenant, network_id=net)
    assert [b['id'] for b in listed['items']] == inside


def test_list_blocks_filters_by_type(melange):
    net = helpers.network_id()
    public = melange.api.create_block(melange.admin, cidr='100.64.5.0/24',
                                      type='public', network_id=net)
    listed = helpers.every(melange.api.list_blocks, melange.admin,
                           limit=1000, type='public')
    assert public['id'] in [b['id'] for b in listed]
    assert {b['type'] for b in listed} == {'public'}


def test_list_blocks_filters_by_parent(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.64.6.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    listed = melange.api.list_blocks(tenant, parent_id=parent['id'])
    assert [b['id'] for b in listed['items']] == [subnet['id']]


def test_a_member_listing_another_tenants_blocks_is_forbidden(
        melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.list_blocks(tenant,
                                tenant_id=melange.tenant().project_id)


def test_next_marker_is_null_when_the_page_ends_the_list(melange, tenant):
    for i in range(2):
        melange.api.create_block(tenant, cidr='10.64.%d.0/24' % (10 + i))
    page = melange.api.list_blocks(tenant, limit=2)
    assert len(page['items']) == 2
    assert page['next_marker'] is None


def test_next_marker_is_the_id_of_the_last_item_when_more_follow(
        melange, tenant):
    ids = [melange.api.create_block(tenant, cidr='10.64.%d.0/24' % i)['id']
           for i in (12, 13, 14)]
    page = melange.api.list_blocks(tenant, limit=2)
    assert [b['id'] for b in page['items']] == ids[:2]
    assert page['next_marker'] == ids[1]
    rest = melange.api.list_blocks(tenant, limit=2, marker=ids[1])
    assert [b['id'] for b in rest['items']] == ids[2:]
    assert rest['next_marker'] is None


def test_a_limit_above_1000_is_clamped_not_refused(melange, tenant):
    ids = [melange.api.create_block(tenant, cidr='10.64.%d.0/24' % i)['id']
           for i in (15, 16)]
    page = melange.api.list_blocks(tenant, limit=5000)
    assert [b['id'] for b in page['items']] == ids
    assert page['next_marker'] is None


def test_another_tenants_block_id_as_marker_is_invalid(melange, tenant):
    foreign = melange.api.create_block(melange.tenant(), cidr='10.64.17.0/24')
    melange.api.create_block(tenant, cidr='10.64.18.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.list_blocks(tenant, marker=foreign['id'])


# -- update_block ---------------------------------------------------------

def test_update_block_changes_the_mutable_fields(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.0.0/24')
    net = helpers.network_id()
    updated = melange.api.update_block(
        tenant, block_id=block['id'], name='frontend', network_id=net,
        gateway='10.65.0.254', dns_nameservers=['10.65.0.53'],
        dhcp_options={'domain-name': 'example.org'}, allocatable=False,
        max_allocation=10)
    assert updated['name'] == 'frontend'
    assert updated['network_id'] == net
    assert updated['gateway'] == '10.65.0.254'
    assert updated['dns_nameservers'] == ['10.65.0.53']
    assert updated['dhcp_options'] == {'domain-name': 'example.org'}
    assert updated['allocatable'] is False
    assert updated['max_allocation'] == 10
    assert melange.api.get_block(tenant, block_id=block['id']) == updated


def test_update_block_keeps_the_fields_it_is_not_given(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.1.0/24',
                                     name='kept', gateway='10.65.1.1',
                                     dns_nameservers=['10.65.1.53'])
    updated = melange.api.update_block(tenant, block_id=block['id'],
                                       max_allocation=5)
    unchanged = {k: v for k, v in block.items()
                 if k not in ('max_allocation', 'updated_at')}
    assert {k: updated[k] for k in unchanged} == unchanged


def test_update_block_attaches_a_policy(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.2.0/24')
    policy = melange.api.create_policy(tenant, name='p')
    updated = melange.api.update_block(tenant, block_id=block['id'],
                                       policy_id=policy['id'])
    assert updated['policy_id'] == policy['id']


@pytest.mark.parametrize('field,value', [
    ('cidr', '10.65.3.0/25'),
    ('type', 'public'),
    ('tenant_id', 'someone-else'),
    ('parent_id', 'some-block'),
    ('ip_version', 6),
])
def test_update_block_refuses_the_fixed_fields(melange, tenant, field, value):
    block = melange.api.create_block(tenant, cidr='10.65.3.0/24')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'update_block', block_id=block['id'],
                    **{field: value})


def test_setting_the_gateway_onto_an_allocated_address_is_duplicate(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.4.0/24')
    melange.api.allocate_ip(tenant, block_id=block['id'],
                            address='10.65.4.1')
    with refused(melange, exception.DuplicateAddress):
        melange.api.update_block(tenant, block_id=block['id'],
                                 gateway='10.65.4.1')


def test_changing_the_gateway_frees_the_old_and_reserves_the_new(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.5.0/29',
                                     gateway='10.65.5.1')
    melange.api.update_block(tenant, block_id=block['id'],
                             gateway='10.65.5.2')
    got = [melange.api.allocate_ip(tenant, block_id=block['id'])['address']
           for _ in range(2)]
    assert got == ['10.65.5.1', '10.65.5.3']


def test_update_block_refuses_a_gateway_outside_the_block(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.6.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.update_block(tenant, block_id=block['id'],
                                 gateway='10.65.7.1')


def test_update_block_refuses_hostname_nameservers(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.8.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.update_block(tenant, block_id=block['id'],
                                 dns_nameservers=['dns.example.com'])


def test_moving_a_block_into_a_network_where_it_overlaps_is_refused(
        melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.65.9.0/24', network_id=net)
    block = melange.api.create_block(tenant, cidr='10.65.9.128/25')
    with refused(melange, exception.BlockOverlap):
        melange.api.update_block(tenant, block_id=block['id'],
                                 network_id=net)


def test_moving_a_private_block_into_a_public_network_is_invalid(melange):
    net = helpers.network_id()
    melange.api.create_block(melange.admin, cidr='100.64.6.0/24',
                             type='public', network_id=net)
    block = melange.api.create_block(melange.admin, cidr='10.65.10.0/24')
    with refused(melange, exception.InvalidInput) as caught:
        melange.api.update_block(melange.admin, block_id=block['id'],
                                 network_id=net)
    assert 'type' in caught.value.errors


def test_update_block_with_an_unknown_policy_is_policy_not_found(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.65.11.0/24')
    with refused(melange, exception.PolicyNotFound):
        melange.api.update_block(tenant, block_id=block['id'],
                                 policy_id='no-such-policy')


def test_updating_another_tenants_block_is_block_not_found(melange, tenant):
    block = melange.api.create_block(melange.tenant(), cidr='10.65.12.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.update_block(tenant, block_id=block['id'], name='mine')


# -- delete_block ---------------------------------------------------------

def test_delete_block_returns_none_and_the_block_is_gone(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.66.0.0/24')
    assert melange.api.delete_block(tenant, block_id=block['id']) is None
    with pytest.raises(exception.BlockNotFound):
        melange.api.get_block(tenant, block_id=block['id'])


def test_delete_block_with_allocated_addresses_is_block_in_use(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.66.1.0/24')
    melange.api.allocate_ip(tenant, block_id=block['id'])
    with refused(melange, exception.BlockInUse):
        melange.api.delete_block(tenant, block_id=block['id'])


def test_delete_block_ignores_deallocated_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.66.2.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address=ip['address'])
    melange.api.delete_block(tenant, block_id=block['id'])
    assert helpers.rows_mentioning(melange, block['id']) == []


def test_force_delete_removes_subnets_addresses_and_routes(melange, tenant):
    parent = melange.api.create_block(tenant, cidr='10.66.3.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.66.3.0/26')
    melange.api.create_route(tenant, block_id=parent['id'],
                             destination='192.168.3.0/24',
                             gateway='10.66.3.1')
    melange.api.create_route(tenant, block_id=subnet['id'],
                             destination='192.168.4.0/24',
                             gateway='10.66.3.1')
    vif = helpers.interface_id()
    melange.api.allocate_ip(tenant, block_id=subnet['id'], interface_id=vif)
    gone = melange.api.allocate_ip(tenant, block_id=subnet['id'])
    melange.api.deallocate_ip(tenant, block_id=subnet['id'],
                              address=gone['address'])
    assert melange.api.delete_block(tenant, block_id=parent['id'],
                                    force=True) is None
    for block in (parent, subnet):
        with pytest.raises(exception.BlockNotFound):
            melange.api.get_block(tenant, block_id=block['id'])
    assert melange.api.list_ips(tenant, interface_id=vif)['items'] == []
    assert helpers.rows_mentioning(melange, parent['id'], subnet['id']) == []


def test_deleting_an_unknown_block_is_block_not_found(melange, tenant):
    with refused(melange, exception.BlockNotFound):
        melange.api.delete_block(tenant, block_id='no-such-block')


def test_deleting_another_tenants_block_is_block_not_found(melange, tenant):
    block = melange.api.create_block(melange.tenant(), cidr='10.66.4.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.delete_block(tenant, block_id=block['id'], force=True)


def test_a_deleted_blocks_cidr_is_free_for_its_network_again(
        melange, tenant):
    net = helpers.network_id()
    block = melange.api.create_block(tenant, cidr='10.66.5.0/24',
                                     network_id=net)
    melange.api.delete_block(tenant, block_id=block['id'])
    again = melange.api.create_block(tenant, cidr='10.66.5.0/24',
                                     network_id=net)
    assert again['cidr'] == '10.66.5.0/24'


# -- get_block_usage ------------------------------------------------------

def _usage(melange, ctxt, block):
    usage = melange.api.get_block_usage(ctxt, block_id=block['id'])
    assert usage['block_id'] == block['id']
    assert usage['cidr'] == block['cidr']
    return usage


def test_usage_of_an_empty_ipv4_block(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.67.0.0/28')
    assert _usage(melange, tenant, block) == {
        'block_id': block['id'], 'cidr': '10.67.0.0/28', 'size': 16,
        'reserved': 2, 'allocated': 0, 'deallocated': 0, 'free': 14,
        'utilization': 0}


def test_usage_counts_the_gateway_allocated_and_retained_addresses(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.67.1.0/28',
                                     gateway='10.67.1.1')
    for _ in range(3):
        melange.api.allocate_ip(tenant, block_id=block['id'])
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address='10.67.1.2')
    usage = _usage(melange, tenant, block)
    assert {k: usage[k] for k in ('size', 'reserved', 'allocated',
                                  'deallocated', 'free')} == {
        'size': 16, 'reserved': 3, 'allocated': 2, 'deallocated': 1,
        'free': 10}
    assert usage['utilization'] == pytest.approx(3 / 13)


def test_usage_reserves_the_policy_exclusions(melange, tenant):
    policy = melange.api.create_policy(tenant, name='usage')
    melange.api.create_unusable_range(tenant, policy_id=policy['id'],
                                      offset=2, length=3)
    melange.api.create_unusable_octet(tenant, policy_id=policy['id'],
                                      octet=9)
    block = melange.api.create_block(tenant, cidr='10.67.2.0/28',
                                     policy_id=policy['id'])
    melange.api.allocate_ip(tenant, block_id=block['id'])
    usage = _usage(melange, tenant, block)
    # network, broadcast, .2-.4 and .9
    assert {k: usage[k] for k in ('size', 'reserved', 'allocated',
                                  'deallocated', 'free')} == {
        'size': 16, 'reserved': 6, 'allocated': 1, 'deallocated': 0,
        'free': 9}
    assert usage['utilization'] == pytest.approx(1 / 10)


def test_usage_counts_an_address_excluded_twice_once(melange, tenant):
    policy = melange.api.create_policy(tenant, name='overlapping')
    melange.api.create_unusable_range(tenant, policy_id=policy['id'],
                                      offset=0, length=2)
    melange.api.create_unusable_octet(tenant, policy_id=policy['id'],
                                      octet=1)
    block = melange.api.create_block(tenant, cidr='10.67.3.0/28',
                                     gateway='10.67.3.1',
                                     policy_id=policy['id'])
    usage = _usage(melange, tenant, block)
    # .0 (network and range), .1 (gateway, range, octet), .15 (broadcast)
    assert (usage['reserved'], usage['free']) == (3, 13)


def test_usage_of_a_block_with_nothing_usable_has_zero_utilization(
        melange, tenant):
    policy = melange.api.create_policy(tenant, name='everything')
    melange.api.create_unusable_range(tenant, policy_id=policy['id'],
                                      offset=0, length=4)
    block = melange.api.create_block(tenant, cidr='10.67.4.0/30',
                                     policy_id=policy['id'])
    usage = _usage(melange, tenant, block)
    assert (usage['size'], usage['reserved'], usage['free'],
            usage['utilization']) == (4, 4, 0, 0)


@pytest.mark.parametrize('cidr,size', [('10.67.5.0/31', 2),
                                       ('10.67.5.9/32', 1)])
def test_usage_of_point_to_point_blocks_reserves_nothing(
        melange, tenant, cidr, size):
    block = melange.api.create_block(tenant, cidr=cidr)
    usage = _usage(melange, tenant, block)
    assert (usage['size'], usage['reserved'], usage['free']) == (
        size, 0, size)


def test_usage_of_an_ipv6_64_reserves_the_anycast_address(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:6b::/64')
    melange.api.allocate_ip(tenant, block_id=block['id'])
    usage = _usage(melange, tenant, block)
    assert {k: usage[k] for k in ('size', 'reserved', 'allocated',
                                  'deallocated', 'free')} == {
        'size': 2 ** 64, 'reserved': 1, 'allocated': 1, 'deallocated': 0,
        'free': 2 ** 64 - 2}
    assert usage['utilization'] == pytest.approx(1 / (2 ** 64 - 1))


def test_usage_of_another_tenants_block_is_block_not_found(melange, tenant):
    block = melange.api.create_block(melange.tenant(), cidr='10.67.6.0/24')
    with pytest.raises(exception.BlockNotFound):
        melange.api.get_block_usage(tenant, block_id=block['id'])


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('update_block', {}, exception.InvalidInput),
    ('update_block', {'block_id': 'b', 'colour': 'red'},
     exception.InvalidInput),
    ('update_block', {'block_id': 'no-such-block', 'name': 'x'},
     exception.BlockNotFound),
    ('delete_block', {}, exception.InvalidInput),
    ('delete_block', {'block_id': 'b', 'colour': 'red'},
     exception.InvalidInput),
    ('get_block_usage', {}, exception.InvalidInput),
    ('get_block_usage', {'block_id': 'b', 'colour': 'red'},
     exception.InvalidInput),
    ('get_block_usage', {'block_id': 'no-such-block'},
     exception.BlockNotFound),
    ('get_block', {}, exception.InvalidInput),
    ('list_blocks', {'colour': 'red'}, exception.InvalidInput),
    ('list_blocks', {'limit': -1}, exception.InvalidInput),
    ('list_blocks', {'limit': 'ten'}, exception.InvalidInput),
    ('create_block', {'cidr': '10.68.0.0/24', 'dns_nameservers': '8.8.8.8'},
     exception.InvalidInput),
    ('create_block', {'cidr': '10.68.0.0/24', 'allocatable': 'yes'},
     exception.InvalidInput),
    ('create_block', {'cidr': '10.68.0.0/24', 'max_allocation': 'ten'},
     exception.InvalidInput),
    ('create_block', {'cidr': '10.68.0.0/24', 'dhcp_options': ['mtu']},
     exception.InvalidInput),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_block_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
