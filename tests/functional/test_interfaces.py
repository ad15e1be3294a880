"""Interfaces (VIFs, ports) and their allowed addresses."""

import uuid

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional import helpers_vif
from tests.functional.helpers import refused


@pytest.fixture
def macs(melange):
    yield from helpers_vif.mac_ranges(melange)


def _network(melange, ctxt, *cidrs, **kwargs):
    net = helpers.network_id()
    blocks = [melange.api.create_block(ctxt, cidr=cidr, network_id=net,
                                       **kwargs) for cidr in cidrs]
    return net, blocks


def _vif(melange, ctxt, net, *addresses, **kwargs):
    """An interface with an explicit MAC and these addresses of ``net``."""
    kwargs.setdefault('mac_address', helpers_vif.mac())
    return melange.api.create_interface(
        ctxt, interface_id=helpers.interface_id(), network_id=net,
        addresses=list(addresses), **kwargs)


def _addresses(items):
    return [item['address'] for item in items]


# -- create_interface -----------------------------------------------------

def test_create_interface_with_an_id_records_it(melange, macs, tenant):
    mac_range = macs.fresh()
    vif_id = helpers.interface_id()
    device = helpers.device_id()
    vif = melange.api.create_interface(tenant, interface_id=vif_id,
                                       device_id=device)
    assert vif == {
        'id': vif_id, 'device_id': device, 'tenant_id': tenant.project_id,
        'mac_address': helpers_vif.macs_in(mac_range['cidr'])[0],
        'network_id': None, 'ip_addresses': [],
        'created_at': vif['created_at']}
    assert vif['created_at'] is not None
    assert melange.api.get_interface(tenant, vif_id) == vif


def test_create_interface_without_an_id_gets_a_uuid(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    assert str(uuid.UUID(vif['id'])) == vif['id']
    assert melange.api.get_interface(tenant, vif['id']) == vif


def test_create_interface_without_a_mac_takes_one_from_the_ranges(
        melange, macs, tenant):
    mac_range = macs.fresh()
    vif = melange.api.create_interface(tenant)
    assert vif['mac_address'] == helpers_vif.macs_in(mac_range['cidr'])[0]
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 1


def test_create_interface_with_a_mac_records_it_normalised(melange, tenant):
    mac = helpers_vif.mac()
    vif = melange.api.create_interface(
        tenant, mac_address=mac.upper().replace(':', '-'))
    assert vif['mac_address'] == mac


def test_create_interface_with_a_network_and_addresses_allocates_them(
        melange, tenant):
    net, (block,) = _network(melange, tenant, '10.161.0.0/24',
                             gateway='10.161.0.1')
    mac = helpers_vif.mac()
    vif = _vif(melange, tenant, net, '10.161.0.5', mac_address=mac)
    assert vif['network_id'] == net
    (ip,) = vif['ip_addresses']
    assert ip['address'] == '10.161.0.5'
    assert ip['block_id'] == block['id']
    assert ip['interface_id'] == vif['id']
    assert ip['mac_address'] == mac
    assert ip['tenant_id'] == tenant.project_id
    assert ip['state'] == 'allocated'
    assert ip['block']['cidr'] == '10.161.0.0/24'
    assert ip['block']['gateway'] == '10.161.0.1'
    assert melange.api.get_interface(tenant, vif['id']) == vif


def test_create_interface_with_a_network_records_the_network(melange,
                                                             tenant):
    net, _ = _network(melange, tenant, '10.161.1.0/24')
    vif = melange.api.create_interface(tenant, network_id=net,
                                       mac_address=helpers_vif.mac())
    assert vif['network_id'] == net


def test_create_interface_with_addresses_but_no_network_is_invalid(
        melange, tenant):
    with refused(melange, exception.InvalidInput):
        melange.api.create_interface(tenant, mac_address=helpers_vif.mac(),
                                     addresses=['10.161.2.5'])


def test_create_interface_with_an_address_outside_the_network_fails_whole(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.161.3.0/24')
    with refused(melange, exception.AddressNotInBlock):
        _vif(melange, tenant, net, '10.161.3.5', '10.99.0.5')


def test_create_interface_with_a_taken_address_fails_whole(melange, tenant):
    net, _ = _network(melange, tenant, '10.161.4.0/24')
    _vif(melange, tenant, net, '10.161.4.5')
    with refused(melange, exception.DuplicateAddress):
        _vif(melange, tenant, net, '10.161.4.5')


def test_a_duplicate_interface_id_is_refused(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with refused(melange, exception.DuplicateInterface):
        melange.api.create_interface(tenant, interface_id=vif['id'],
                                     mac_address=helpers_vif.mac())


def test_another_tenants_interface_id_is_a_duplicate_too(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with refused(melange, exception.DuplicateInterface):
        melange.api.create_interface(melange.tenant(),
                                     interface_id=vif['id'],
                                     mac_address=helpers_vif.mac())


def test_a_member_may_not_create_an_interface_for_another_tenant(
        melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.create_interface(tenant, tenant_id='someone-else',
                                     mac_address=helpers_vif.mac())


def test_a_service_creates_an_interface_for_a_tenant(melange, tenant):
    vif = melange.api.create_interface(helpers_vif.nova(),
                                       tenant_id=tenant.project_id,
                                       mac_address=helpers_vif.mac())
    assert vif['tenant_id'] == tenant.project_id
    assert melange.api.get_interface(tenant, vif['id']) == vif


def test_create_interface_repeated_with_its_key_returns_the_first(
        melange, tenant):
    mac = helpers_vif.mac()
    first = melange.api.create_interface(tenant, mac_address=mac,
                                         idempotency_key='vif-1')
    again = melange.api.create_interface(tenant, mac_address=mac,
                                         idempotency_key='vif-1')
    assert again == first


# -- get, list ------------------------------------------------------------

def test_an_unknown_interface_is_not_found(melange, tenant):
    with pytest.raises(exception.InterfaceNotFound):
        melange.api.get_interface(tenant, 'no-such-vif')


def test_another_tenants_interface_is_not_found(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with pytest.raises(exception.InterfaceNotFound):
        melange.api.get_interface(melange.tenant(), vif['id'])


def test_list_interfaces_of_a_device_pages_in_creation_order(melange,
                                                             tenant):
    device = helpers.device_id()
    created = [melange.api.create_interface(
        tenant, device_id=device, mac_address=helpers_vif.mac())['id']
        for _ in range(3)]
    melange.api.create_interface(tenant, device_id=helpers.device_id(),
                                 mac_address=helpers_vif.mac())
    listed = helpers.every(melange.api.list_interfaces, tenant, limit=2,
                           device_id=device)
    assert [vif['id'] for vif in listed] == created


def test_a_member_lists_only_its_own_interfaces(melange, tenant):
    mine = melange.api.create_interface(tenant,
                                        mac_address=helpers_vif.mac())
    melange.api.create_interface(melange.tenant(),
                                 mac_address=helpers_vif.mac())
    listed = melange.api.list_interfaces(tenant)
    assert listed == {'items': [mine], 'next_marker': None}


def test_a_member_may_not_list_another_tenants_interfaces(melange, tenant):
    with pytest.raises(exception.Forbidden):
        melange.api.list_interfaces(tenant, tenant_id='someone-else')


def test_a_service_lists_a_tenants_interfaces(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    listed = melange.api.list_interfaces(helpers_vif.nova(),
                                         tenant_id=tenant.project_id)
    assert listed['items'] == [vif]


# -- delete_interface -----------------------------------------------------

def test_delete_interface_removes_it(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    assert melange.api.delete_interface(tenant, vif['id']) is None
    with pytest.raises(exception.InterfaceNotFound):
        melange.api.get_interface(tenant, vif['id'])


def test_delete_interface_deallocates_its_addresses(melange, tenant):
    net, (block,) = _network(melange, tenant, '10.161.5.0/24')
    vif = _vif(melange, tenant, net, '10.161.5.5', '10.161.5.6')
    melange.api.delete_interface(tenant, vif['id'])
    assert melange.api.list_ips(tenant, block_id=block['id'])['items'] == []
    retained = melange.api.list_ips(tenant, block_id=block['id'],
                                    state='deallocated')['items']
    assert _addresses(retained) == ['10.161.5.5', '10.161.5.6']


def test_delete_interface_releases_its_mac(melange, macs, tenant):
    mac_range = macs.fresh()
    net, _ = _network(melange, tenant, '10.161.6.0/24')
    vif = melange.api.create_interface(tenant, network_id=net,
                                       addresses=['10.161.6.5'])
    melange.api.delete_interface(tenant, vif['id'])
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 0
    again = melange.api.create_interface(tenant)
    assert again['mac_address'] == vif['mac_address']


def test_delete_interface_releases_an_explicit_mac(melange, tenant):
    mac = helpers_vif.mac()
    vif = melange.api.create_interface(tenant, mac_address=mac)
    melange.api.delete_interface(tenant, vif['id'])
    assert melange.api.create_interface(
        tenant, mac_address=mac)['mac_address'] == mac


def test_delete_interface_leaves_nothing_but_retained_addresses(melange,
                                                                tenant):
    net, _ = _network(melange, tenant, '10.161.7.0/24')
    mac = helpers_vif.mac()
    vif = _vif(melange, tenant, net, '10.161.7.5', mac_address=mac)
    melange.api.delete_interface(tenant, vif['id'])
    # API.md leaves open whether a retained address of a deleted
    # interface still names it; nothing else may.
    left = helpers.rows_mentioning(melange, vif['id'], mac)
    assert {table for table, _ in left} <= {'ip_addresses'}


def test_deleting_an_unknown_interface_is_not_found(melange, tenant):
    with refused(melange, exception.InterfaceNotFound):
        melange.api.delete_interface(tenant, 'no-such-vif')


def test_deleting_another_tenants_interface_is_not_found(melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with refused(melange, exception.InterfaceNotFound):
        melange.api.delete_interface(melange.tenant(), vif['id'])


# -- one network per interface --------------------------------------------

def test_an_interface_gets_no_addresses_of_a_second_network(melange,
                                                            tenant):
    net_a, _ = _network(melange, tenant, '10.161.8.0/24')
    net_b, _ = _network(melange, tenant, '10.161.9.0/24')
    vif = _vif(melange, tenant, net_a, '10.161.8.5')
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ips_for_interface(tenant, network_id=net_b,
                                               interface_id=vif['id'])


def test_an_interface_gets_no_address_of_a_block_of_a_second_network(
        melange, tenant):
    net_a, _ = _network(melange, tenant, '10.161.10.0/24')
    _, (other,) = _network(melange, tenant, '10.161.11.0/24')
    vif = _vif(melange, tenant, net_a, '10.161.10.5')
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ip(tenant, block_id=other['id'],
                                interface_id=vif['id'])


def test_an_interface_created_in_a_network_stays_in_it(melange, tenant):
    net_a, _ = _network(melange, tenant, '10.161.12.0/24')
    net_b, _ = _network(melange, tenant, '10.161.13.0/24')
    vif = melange.api.create_interface(tenant, network_id=net_a,
                                       mac_address=helpers_vif.mac())
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_ips_for_interface(tenant, network_id=net_b,
                                               interface_id=vif['id'])


# -- allowed IPs ----------------------------------------------------------

def test_allowed_ips_are_the_own_addresses_plus_the_explicit_ones(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.161.14.0/24')
    vif = _vif(melange, tenant, net, '10.161.14.9')
    other = _vif(melange, tenant, net, '10.161.14.5')
    added = melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                       network_id=net, address='10.161.14.5')
    own = {key: value for key, value in other['ip_addresses'][0].items()
           if key != 'block'}
    assert added == own
    listed = melange.api.list_allowed_ips(tenant, interface_id=vif['id'])
    assert listed['next_marker'] is None
    assert _addresses(listed['items']) == ['10.161.14.5', '10.161.14.9']
    assert listed['items'][0] == own
    assert 'block' not in listed['items'][1]


def test_allowed_ips_of_an_interface_without_extra_are_its_own(melange,
                                                               tenant):
    net, _ = _network(melange, tenant, '10.161.15.0/24')
    vif = _vif(melange, tenant, net, '10.161.15.5', '10.161.15.6')
    listed = melange.api.list_allowed_ips(tenant, interface_id=vif['id'])
    assert _addresses(listed['items']) == ['10.161.15.5', '10.161.15.6']


def test_allowing_an_address_twice_lists_it_once(melange, tenant):
    net, _ = _network(melange, tenant, '10.161.16.0/24')
    vif = _vif(melange, tenant, net, '10.161.16.9')
    _vif(melange, tenant, net, '10.161.16.5')
    for _ in range(2):
        melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                   network_id=net, address='10.161.16.5')
    listed = melange.api.list_allowed_ips(tenant, interface_id=vif['id'])
    assert _addresses(listed['items']) == ['10.161.16.5', '10.161.16.9']


def test_allowing_an_address_of_another_network_is_not_allowed(melange,
                                                               tenant):
    net_a, _ = _network(melange, tenant, '10.161.17.0/24')
    net_b, _ = _network(melange, tenant, '10.161.18.0/24')
    vif = _vif(melange, tenant, net_a, '10.161.17.5')
    _vif(melange, tenant, net_b, '10.161.18.5')
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                   network_id=net_b, address='10.161.18.5')


def test_allowing_an_address_not_allocated_is_address_not_found(melange,
                                                               tenant):
    net, _ = _network(melange, tenant, '10.161.19.0/24')
    vif = _vif(melange, tenant, net, '10.161.19.5')
    with refused(melange, exception.AddressNotFound):
        melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                   network_id=net, address='10.161.19.99')


def test_allowing_a_retained_address_is_address_not_found(melange, tenant):
    net, (block,) = _network(melange, tenant, '10.161.20.0/24')
    vif = _vif(melange, tenant, net, '10.161.20.5')
    _vif(melange, tenant, net, '10.161.20.6')
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address='10.161.20.6')
    with refused(melange, exception.AddressNotFound):
        melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                   network_id=net, address='10.161.20.6')


def test_removing_an_allowed_ip_takes_it_off_the_list(melange, tenant):
    net, _ = _network(melange, tenant, '10.161.21.0/24')
    vif = _vif(melange, tenant, net, '10.161.21.9')
    _vif(melange, tenant, net, '10.161.21.5')
    melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                               network_id=net, address='10.161.21.5')
    assert melange.api.remove_allowed_ip(
        tenant, interface_id=vif['id'], address='10.161.21.5') is None
    listed = melange.api.list_allowed_ips(tenant, interface_id=vif['id'])
    assert _addresses(listed['items']) == ['10.161.21.9']


def test_removing_an_address_never_allowed_is_address_not_found(melange,
                                                               tenant):
    net, _ = _network(melange, tenant, '10.161.22.0/24')
    vif = _vif(melange, tenant, net, '10.161.22.9')
    _vif(melange, tenant, net, '10.161.22.5')
    with refused(melange, exception.AddressNotFound):
        melange.api.remove_allowed_ip(tenant, interface_id=vif['id'],
                                      address='10.161.22.5')


def test_reclaiming_an_allowed_address_drops_it_from_the_list(melange,
                                                             tenant):
    net, (block,) = _network(melange, tenant, '10.161.23.0/24')
    vif = _vif(melange, tenant, net, '10.161.23.9')
    _vif(melange, tenant, net, '10.161.23.5')
    melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                               network_id=net, address='10.161.23.5')
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address='10.161.23.5')
    melange.api.reclaim_deallocated_ips(melange.admin, older_than=0)
    listed = melange.api.list_allowed_ips(tenant, interface_id=vif['id'])
    assert _addresses(listed['items']) == ['10.161.23.9']


def test_allowed_ips_of_another_tenants_interface_are_not_found(melange,
                                                                tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with pytest.raises(exception.InterfaceNotFound):
        melange.api.list_allowed_ips(melange.tenant(),
                                     interface_id=vif['id'])


# -- bad input ------------------------------------------------------------

BAD_CALLS = [
    ('create_interface', {'interface_id': 42}, exception.InvalidInput),
    ('create_interface', {'mac_address': 'not-a-mac'},
     exception.InvalidInput),
    ('create_interface', {'port': 'x'}, exception.InvalidInput),
    ('create_interface', {'tenant_id': 42}, exception.InvalidInput),
    ('get_interface', {}, exception.InvalidInput),
    ('get_interface', {'interface_id': 42}, exception.InvalidInput),
    ('list_interfaces', {'limit': 0}, exception.InvalidInput),
    ('list_interfaces', {'marker': 'no-such-vif'}, exception.InvalidInput),
    ('delete_interface', {}, exception.InvalidInput),
    ('add_allowed_ip', {'interface_id': 'x', 'network_id': 'y'},
     exception.InvalidInput),
    ('list_allowed_ips', {'interface_id': 'no-such-vif'},
     exception.InterfaceNotFound),
    ('remove_allowed_ip', {'interface_id': 'no-such-vif',
                           'address': '10.0.0.1'},
     exception.InterfaceNotFound),
]


@pytest.mark.parametrize('method,kwargs,error', BAD_CALLS,
                         ids=['%s-%d' % (m, i) for i, (m, _, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)


def test_a_bad_address_to_allow_is_invalid_input(melange, tenant):
    net, _ = _network(melange, tenant, '10.161.24.0/24')
    vif = _vif(melange, tenant, net, '10.161.24.5')
    with refused(melange, exception.InvalidInput):
        melange.api.add_allowed_ip(tenant, interface_id=vif['id'],
                                   network_id=net, address='10.161.024.5')
