"""Allocating, reading, listing and deallocating single addresses."""

import time

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def _allocate(melange, ctxt, block, count=1, **kwargs):
    return [melange.api.allocate_ip(ctxt, block_id=block['id'],
                                    **kwargs)['address']
            for _ in range(count)]


def _addresses(page):
    return [ip['address'] for ip in page['items']]


# -- automatic allocation -------------------------------------------------

def test_automatic_allocation_fills_the_gaps_left_by_specific_requests(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.0.0/24')
    for address in ('10.100.0.2', '10.100.0.4'):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address=address)
    assert _allocate(melange, tenant, block, 3) == [
        '10.100.0.1', '10.100.0.3', '10.100.0.5']


def test_a_31_hands_out_both_of_its_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.1.0/31')
    assert _allocate(melange, tenant, block, 2) == ['10.100.1.0',
                                                    '10.100.1.1']
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_a_32_hands_out_its_one_address(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.1.7/32')
    assert _allocate(melange, tenant, block) == ['10.100.1.7']
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_a_30_hands_out_its_two_host_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.1.8/30')
    assert _allocate(melange, tenant, block, 2) == ['10.100.1.9',
                                                    '10.100.1.10']
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_dhcpv6_stateful_hands_out_the_lowest_free_address(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a0::/64')
    ips = [melange.api.allocate_ip(tenant, block_id=block['id'])
           for _ in range(2)]
    assert [ip['address'] for ip in ips] == ['fd00:a0::1', 'fd00:a0::2']
    assert {ip['ip_version'] for ip in ips} == {6}


def test_an_ipv6_gateway_is_skipped(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a0:1::/64',
                                     gateway='fd00:a0:1::1')
    assert _allocate(melange, tenant, block) == ['fd00:a0:1::2']


@pytest.mark.parametrize('cidr,first', [
    ('10.0.0.0/8', '10.0.0.1'),
    ('fd00:a1::/64', 'fd00:a1::1'),
    ('fd00:a2::/32', 'fd00:a2::1'),
])
def test_a_huge_block_allocates_without_enumerating_it(
        melange, tenant, cidr, first):
    started = time.monotonic()
    block = melange.api.create_block(tenant, cidr=cidr)
    assert _allocate(melange, tenant, block) == [first]
    assert time.monotonic() - started < 5


def test_a_huge_block_allocates_past_a_large_specific_fill(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.0.0.0/8')
    melange.api.allocate_ip(tenant, block_id=block['id'], address='10.0.0.1')
    started = time.monotonic()
    assert _allocate(melange, tenant, block) == ['10.0.0.2']
    assert time.monotonic() - started < 5


# -- specific requests ----------------------------------------------------

def test_a_specific_ipv6_address_is_normalised(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a3::/64')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 address='FD00:A3:0:0::5')
    assert ip['address'] == 'fd00:a3::5'


@pytest.mark.parametrize('address', ['fd00:a4::', 'fd00:a4::1'],
                         ids=['anycast', 'gateway'])
def test_a_reserved_ipv6_address_is_not_allocatable(
        melange, tenant, address):
    block = melange.api.create_block(tenant, cidr='fd00:a4::/64',
                                     gateway='fd00:a4::1')
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address=address)


def test_an_allocated_address_requested_again_is_duplicate(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.2.0/24')
    melange.api.allocate_ip(tenant, block_id=block['id'],
                            address='10.100.2.9')
    with refused(melange, exception.DuplicateAddress):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='10.100.2.9')


def test_an_ipv6_address_outside_the_block_is_not_in_block(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a5::/64')
    with refused(melange, exception.AddressNotInBlock):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='fd00:a6::5')


def test_a_non_allocatable_block_still_serves_allocate_ip(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.3.0/24',
                                     allocatable=False)
    assert _allocate(melange, tenant, block) == ['10.100.3.1']
    assert _allocate(melange, tenant, block, address='10.100.3.9') == [
        '10.100.3.9']


# -- max_allocation -------------------------------------------------------

def test_max_allocation_caps_the_allocated_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.4.0/24',
                                     max_allocation=2)
    assert _allocate(melange, tenant, block, 2) == ['10.100.4.1',
                                                    '10.100.4.2']
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_max_allocation_counts_retained_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.5.0/24',
                                     max_allocation=2)
    _allocate(melange, tenant, block, 2)
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address='10.100.5.1')
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_max_allocation_caps_specific_requests(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.6.0/24',
                                     max_allocation=1)
    _allocate(melange, tenant, block)
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address='10.100.6.50')


def test_raising_max_allocation_lifts_the_cap(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.7.0/24',
                                     max_allocation=1)
    _allocate(melange, tenant, block)
    melange.api.update_block(tenant, block_id=block['id'], max_allocation=2)
    assert _allocate(melange, tenant, block) == ['10.100.7.2']


# -- slaac ----------------------------------------------------------------

def test_slaac_allocates_the_modified_eui64_of_the_mac(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a7::/64',
                                     ipv6_address_mode='slaac')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 interface_id=helpers.interface_id(),
                                 mac_address='fa:16:3e:00:00:01')
    assert ip['address'] == 'fd00:a7::f816:3eff:fe00:1'


def test_slaac_flips_the_universal_local_bit(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a7:1::/64',
                                     ipv6_address_mode='slaac')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 interface_id=helpers.interface_id(),
                                 mac_address='00:16:3e:12:34:56')
    assert ip['address'] == 'fd00:a7:1:0:216:3eff:fe12:3456'


def test_slaac_normalises_the_mac_first(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a7:2::/64',
                                     ipv6_address_mode='slaac')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 interface_id=helpers.interface_id(),
                                 mac_address='FA-16-3E-00-00-02')
    assert ip['address'] == 'fd00:a7:2:0:f816:3eff:fe00:2'
    assert ip['mac_address'] == 'fa:16:3e:00:00:02'


def test_slaac_uses_the_mac_of_an_existing_interface(melange, tenant):
    net = helpers.network_id()
    v4 = melange.api.create_block(tenant, cidr='10.100.8.0/24',
                                  network_id=net)
    v6 = melange.api.create_block(tenant, cidr='fd00:a7:3::/64',
                                  network_id=net, ipv6_address_mode='slaac')
    vif = helpers.interface_id()
    melange.api.allocate_ip(tenant, block_id=v4['id'], interface_id=vif,
                            mac_address='fa:16:3e:00:00:03')
    ip = melange.api.allocate_ip(tenant, block_id=v6['id'], interface_id=vif)
    assert ip['address'] == 'fd00:a7:3:0:f816:3eff:fe00:3'


def test_slaac_without_an_interface_mac_is_invalid(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a7:4::/64',
                                     ipv6_address_mode='slaac')
    with refused(melange, exception.InvalidInput):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                interface_id=helpers.interface_id())
    with refused(melange, exception.InvalidInput):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_a_taken_slaac_address_is_duplicate(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a7:5::/64',
                                     ipv6_address_mode='slaac')
    vif = helpers.interface_id()
    melange.api.allocate_ip(tenant, block_id=block['id'], interface_id=vif,
                            mac_address='fa:16:3e:00:00:05')
    with refused(melange, exception.DuplicateAddress):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                interface_id=vif)


# -- interfaces and lessees -----------------------------------------------

def test_an_unknown_interface_is_created_with_its_device_and_mac(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.9.0/24')
    vif, vm = helpers.interface_id(), helpers.device_id()
    first = melange.api.allocate_ip(tenant, block_id=block['id'],
                                    interface_id=vif, device_id=vm,
                                    mac_address='fa:16:3e:00:01:09')
    assert (first['interface_id'], first['device_id'],
            first['mac_address']) == (vif, vm, 'fa:16:3e:00:01:09')
    second = melange.api.allocate_ip(tenant, block_id=block['id'],
                                     interface_id=vif)
    assert (second['interface_id'], second['mac_address']) == (
        vif, 'fa:16:3e:00:01:09')


def test_another_mac_for_an_existing_interface_is_invalid(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.10.0/24')
    vif = helpers.interface_id()
    melange.api.allocate_ip(tenant, block_id=block['id'], interface_id=vif,
                            mac_address='fa:16:3e:00:01:0a')
    with refused(melange, exception.InvalidInput):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                interface_id=vif,
                                mac_address='fa:16:3e:00:01:0b')


def test_without_an_interface_the_address_has_none(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.11.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    assert (ip['interface_id'], ip['mac_address']) == (None, None)


def test_the_lessee_defaults_to_the_caller(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.12.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    assert ip['tenant_id'] == tenant.project_id


def test_admin_allocates_for_another_lessee(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.13.0/24')
    lessee = melange.tenant().project_id
    ip = melange.api.allocate_ip(melange.admin, block_id=block['id'],
                                 tenant_id=lessee)
    assert ip['tenant_id'] == lessee


def test_a_service_allocates_in_a_tenants_block_for_that_tenant(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.14.0/24')
    ip = melange.api.allocate_ip(helpers.service(), block_id=block['id'],
                                 tenant_id=tenant.project_id)
    assert (ip['tenant_id'], ip['address']) == (tenant.project_id,
                                                '10.100.14.1')


def test_a_member_allocating_for_another_lessee_is_forbidden(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.15.0/24')
    with refused(melange, exception.Forbidden):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                tenant_id=melange.tenant().project_id)


def test_allocating_from_another_tenants_block_is_block_not_found(
        melange, tenant):
    block = melange.api.create_block(melange.tenant(),
                                     cidr='10.100.16.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.allocate_ip(tenant, block_id=block['id'])


def test_an_interface_holds_addresses_in_one_network_only(melange, tenant):
    first = melange.api.create_block(tenant, cidr='10.100.17.0/24',
                                     network_id=helpers.network_id())
    second = melange.api.create_block(tenant, cidr='10.100.18.0/24',
                                      network_id=helpers.network_id())
    vif = helpers.interface_id()
    melange.api.allocate_ip(tenant, block_id=first['id'], interface_id=vif)
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ip(tenant, block_id=second['id'],
                                interface_id=vif)


def test_an_interface_takes_addresses_from_several_blocks_of_its_network(
        melange, tenant):
    net = helpers.network_id()
    blocks = [melange.api.create_block(tenant, cidr=cidr, network_id=net)
              for cidr in ('10.100.19.0/24', 'fd00:a8::/64')]
    vif = helpers.interface_id()
    for block in blocks:
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                interface_id=vif)
    listed = melange.api.list_ips(tenant, interface_id=vif)
    assert sorted(_addresses(listed)) == ['10.100.19.1', 'fd00:a8::1']


# -- get_ip and deallocate_ip ---------------------------------------------

def test_get_ip_accepts_another_spelling_of_the_address(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:a9::/64')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    assert melange.api.get_ip(tenant, block_id=block['id'],
                              address='FD00:A9:0:0::1') == ip


def test_get_ip_of_another_tenants_block_is_block_not_found(
        melange, tenant):
    owner = melange.tenant()
    block = melange.api.create_block(owner, cidr='10.100.20.0/24')
    ip = melange.api.allocate_ip(owner, block_id=block['id'])
    with pytest.raises(exception.BlockNotFound):
        melange.api.get_ip(tenant, block_id=block['id'],
                           address=ip['address'])


def test_a_deallocated_address_keeps_its_interface_id(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.21.0/24')
    vif = helpers.interface_id()
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 interface_id=vif)
    gone = melange.api.deallocate_ip(tenant, block_id=block['id'],
                                     address=ip['address'])
    assert (gone['state'], gone['interface_id']) == ('deallocated', vif)
    assert 'block' not in gone


def test_get_ip_shows_a_deallocated_address_as_deallocated(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.22.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    gone = melange.api.deallocate_ip(tenant, block_id=block['id'],
                                     address=ip['address'])
    got = melange.api.get_ip(tenant, block_id=block['id'],
                             address=ip['address'])
    assert got['state'] == 'deallocated'
    assert got['deallocated_at'] == gone['deallocated_at']


def test_a_deallocated_address_no_longer_counts_for_its_interface(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.100.23.0/24')
    vif = helpers.interface_id()
    kept, gone = [melange.api.allocate_ip(tenant, block_id=block['id'],
                                          interface_id=vif)
                  for _ in range(2)]
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address=gone['address'])
    assert _addresses(melange.api.list_ips(tenant, interface_id=vif)) == [
        kept['address']]
    assert _addresses(melange.api.list_ips(
        tenant, interface_id=vif, state='deallocated')) == [gone['address']]


def test_deallocating_in_another_tenants_block_is_block_not_found(
        melange, tenant):
    owner = melange.tenant()
    block = melange.api.create_block(owner, cidr='10.100.24.0/24')
    ip = melange.api.allocate_ip(owner, block_id=block['id'])
    with refused(melange, exception.BlockNotFound):
        melange.api.deallocate_ip(tenant, block_id=block['id'],
                                  address=ip['address'])


# -- list_ips -------------------------------------------------------------

def test_list_ips_are_in_numeric_address_order(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.0.0/24')
    for address in ('10.101.0.9', '10.101.0.200', '10.101.0.3',
                    '10.101.0.10'):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address=address)
    listed = melange.api.list_ips(tenant, block_id=block['id'])
    assert _addresses(listed) == ['10.101.0.3', '10.101.0.9', '10.101.0.10',
                                  '10.101.0.200']


def test_list_ips_of_ipv6_are_in_numeric_address_order(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:b0::/64')
    for address in ('fd00:b0::a', 'fd00:b0::1:0', 'fd00:b0::10',
                    'fd00:b0::9'):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address=address)
    listed = melange.api.list_ips(tenant, block_id=block['id'])
    assert _addresses(listed) == ['fd00:b0::9', 'fd00:b0::a', 'fd00:b0::10',
                                  'fd00:b0::1:0']


def test_list_ips_pages_with_the_address_as_marker(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.1.0/24')
    for address in ('10.101.1.100', '10.101.1.20', '10.101.1.3',
                    '10.101.1.9', '10.101.1.10'):
        melange.api.allocate_ip(tenant, block_id=block['id'],
                                address=address)
    first = melange.api.list_ips(tenant, block_id=block['id'], limit=2)
    assert first == {'items': first['items'], 'next_marker': '10.101.1.9'}
    listed = helpers.every(melange.api.list_ips, tenant, key='address',
                           block_id=block['id'])
    assert [ip['address'] for ip in listed] == [
        '10.101.1.3', '10.101.1.9', '10.101.1.10', '10.101.1.20',
        '10.101.1.100']


def test_list_ips_next_marker_is_null_when_the_page_ends_the_list(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.2.0/24')
    _allocate(melange, tenant, block, 2)
    page = melange.api.list_ips(tenant, block_id=block['id'], limit=2)
    assert (len(page['items']), page['next_marker']) == (2, None)


def test_list_ips_of_a_network_cross_its_blocks_in_address_order(
        melange, tenant):
    net = helpers.network_id()
    high = melange.api.create_block(tenant, cidr='10.101.4.0/24',
                                    network_id=net)
    low = melange.api.create_block(tenant, cidr='10.101.3.0/24',
                                   network_id=net)
    melange.api.create_block(tenant, cidr='10.101.3.0/24')
    for block in (high, low):
        _allocate(melange, tenant, block)
    listed = melange.api.list_ips(tenant, network_id=net)
    assert _addresses(listed) == ['10.101.3.1', '10.101.4.1']


def test_list_ips_filters_by_device(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.5.0/24')
    vm = helpers.device_id()
    melange.api.allocate_ip(tenant, block_id=block['id'])
    mine = melange.api.allocate_ip(tenant, block_id=block['id'],
                                   interface_id=helpers.interface_id(),
                                   device_id=vm)
    listed = melange.api.list_ips(tenant, device_id=vm)
    assert _addresses(listed) == [mine['address']]


def test_list_ips_filters_by_lessee(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.6.0/24')
    lessee = melange.tenant().project_id
    melange.api.allocate_ip(melange.admin, block_id=block['id'])
    leased = melange.api.allocate_ip(melange.admin, block_id=block['id'],
                                     tenant_id=lessee)
    listed = melange.api.list_ips(melange.admin, block_id=block['id'],
                                  tenant_id=lessee)
    assert _addresses(listed) == [leased['address']]


def test_list_ips_defaults_to_allocated_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.7.0/24')
    first, second = _allocate(melange, tenant, block, 2)
    melange.api.deallocate_ip(tenant, block_id=block['id'], address=first)
    assert _addresses(melange.api.list_ips(tenant, block_id=block['id'])) == [
        second]
    assert _addresses(melange.api.list_ips(
        tenant, block_id=block['id'], state='deallocated')) == [first]


def test_list_ips_of_another_tenants_block_is_block_not_found(
        melange, tenant):
    block = melange.api.create_block(melange.tenant(), cidr='10.101.8.0/24')
    with pytest.raises(exception.BlockNotFound):
        melange.api.list_ips(tenant, block_id=block['id'])


def test_a_member_listing_another_lessees_ips_is_forbidden(melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.list_ips(tenant, tenant_id=melange.tenant().project_id)


def test_list_ips_with_an_address_never_listed_as_marker_is_invalid(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.9.0/24')
    _allocate(melange, tenant, block, 3)
    with refused(melange, exception.InvalidInput):
        melange.api.list_ips(tenant, block_id=block['id'],
                             marker='10.101.9.77')


def test_list_ips_accepts_a_limit_above_1000(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.16.0/24')
    addresses = _allocate(melange, tenant, block, 3)
    page = melange.api.list_ips(tenant, block_id=block['id'], limit=5000)
    assert page == {'items': page['items'], 'next_marker': None}
    assert _addresses(page) == addresses


def test_a_malformed_address_for_a_block_is_invalid(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.101.17.0/24')
    for address in (10, '10.101.17.1/32', 'fd00::g'):
        with refused(melange, exception.InvalidInput):
            helpers.raw(melange, tenant, 'allocate_ip',
                        block_id=block['id'], address=address)


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('allocate_ip', {}, exception.InvalidInput),
    ('allocate_ip', {'block_id': 'b', 'colour': 'red'},
     exception.InvalidInput),
    ('get_ip', {'block_id': 'b'}, exception.InvalidInput),
    ('get_ip', {'block_id': 'b', 'address': '10.0.0.1', 'colour': 'red'},
     exception.InvalidInput),
    ('deallocate_ip', {'address': '10.0.0.1'}, exception.InvalidInput),
    ('deallocate_ip', {'block_id': 'no-such-block', 'address': '10.0.0.1'},
     exception.BlockNotFound),
    ('list_ips', {'colour': 'red'}, exception.InvalidInput),
    ('list_ips', {'limit': 0}, exception.InvalidInput),
    ('list_ips', {'limit': 'ten'}, exception.InvalidInput),
    ('list_ips', {'marker': 'not-an-address'}, exception.InvalidInput),
    ('list_ips', {'state': 'leased'}, exception.InvalidInput),
    ('list_ips', {'block_id': 'no-such-block'}, exception.BlockNotFound),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_address_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
