"""Network-level allocation for an interface, and reading a network."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def _network(melange, ctxt, *cidrs, **kwargs):
    """A fresh network with a block per CIDR, created in that order."""
    net = helpers.network_id()
    blocks = [melange.api.create_block(ctxt, cidr=cidr, network_id=net,
                                       **kwargs)
              for cidr in cidrs]
    return net, blocks


def _by_version(ips):
    return {ip['ip_version']: ip for ip in ips}


def _allocate(melange, ctxt, net, **kwargs):
    kwargs.setdefault('interface_id', helpers.interface_id())
    return melange.api.allocate_ips_for_interface(ctxt, network_id=net,
                                                  **kwargs)


# -- allocate_ips_for_interface -------------------------------------------

def test_an_interface_gets_one_ipv4_and_one_ipv6_address(melange, tenant):
    net, (v4, v6) = _network(melange, tenant, '10.110.0.0/24',
                             'fd00:c0::/64')
    vif = helpers.interface_id()
    ips = _allocate(melange, tenant, net, interface_id=vif)
    assert len(ips) == 2
    got = _by_version(ips)
    assert (got[4]['address'], got[4]['block_id']) == ('10.110.0.1',
                                                       v4['id'])
    assert (got[6]['address'], got[6]['block_id']) == ('fd00:c0::1',
                                                       v6['id'])
    assert {ip['interface_id'] for ip in ips} == {vif}
    assert {ip['network_id'] for ip in ips} == {net}


def test_the_addresses_come_with_their_ip_config(melange, tenant):
    net, (block,) = _network(melange, tenant, '10.110.1.0/24',
                             gateway='10.110.1.1',
                             dns_nameservers=['10.110.1.53'])
    melange.api.create_route(tenant, block_id=block['id'],
                             destination='172.16.20.0/24',
                             gateway='10.110.1.254')
    (ip,) = _allocate(melange, tenant, net)
    assert ip['block'] == {
        'id': block['id'], 'cidr': '10.110.1.0/24', 'gateway': '10.110.1.1',
        'netmask': '255.255.255.0', 'broadcast': '10.110.1.255',
        'network_id': net, 'dns_nameservers': ['10.110.1.53'],
        'dhcp_options': {},
        'routes': [{'destination': '172.16.20.0/24',
                    'gateway': '10.110.1.254'}]}
    assert ip['address'] == '10.110.1.2'


def test_a_network_of_one_family_gives_one_address(melange, tenant):
    net, _ = _network(melange, tenant, 'fd00:c0:1::/64', 'fd00:c0:2::/64')
    ips = _allocate(melange, tenant, net)
    assert [ip['address'] for ip in ips] == ['fd00:c0:1::1']


def test_the_first_block_in_creation_order_serves(melange, tenant):
    net, (first, _) = _network(melange, tenant, '10.110.3.0/24',
                               '10.110.2.0/24')
    (ip,) = _allocate(melange, tenant, net)
    assert (ip['block_id'], ip['address']) == (first['id'], '10.110.3.1')


def test_a_full_block_is_skipped(melange, tenant):
    net, (full, spare) = _network(melange, tenant, '10.110.4.9/32',
                                  '10.110.5.0/24')
    melange.api.allocate_ip(tenant, block_id=full['id'])
    (ip,) = _allocate(melange, tenant, net)
    assert ip['block_id'] == spare['id']


def test_a_block_full_of_retained_addresses_is_skipped(melange, tenant):
    net, (full, spare) = _network(melange, tenant, '10.110.6.9/32',
                                  '10.110.7.0/24')
    gone = melange.api.allocate_ip(tenant, block_id=full['id'])
    melange.api.deallocate_ip(tenant, block_id=full['id'],
                              address=gone['address'])
    (ip,) = _allocate(melange, tenant, net)
    assert ip['block_id'] == spare['id']


def test_a_non_allocatable_block_is_skipped(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.110.8.0/24', network_id=net,
                             allocatable=False)
    spare = melange.api.create_block(tenant, cidr='10.110.9.0/24',
                                     network_id=net)
    (ip,) = _allocate(melange, tenant, net)
    assert ip['block_id'] == spare['id']


def test_a_parent_with_subnets_is_skipped_for_its_subnet(melange, tenant):
    net, (parent,) = _network(melange, tenant, '10.110.10.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       cidr='10.110.10.128/25')
    (ip,) = _allocate(melange, tenant, net)
    assert (ip['block_id'], ip['address']) == (subnet['id'],
                                               '10.110.10.129')


def test_an_ipv6_parent_with_subnets_is_skipped_in_creation_order(
        melange, tenant):
    net, (parent, spare) = _network(melange, tenant, 'fd00:c1::/48',
                                    'fd00:c2::/64')
    melange.api.create_subnet(tenant, parent_id=parent['id'],
                              cidr='fd00:c1:0:1::/64')
    (ip,) = _allocate(melange, tenant, net)
    assert (ip['block_id'], ip['address']) == (spare['id'], 'fd00:c2::1')


def test_a_parent_divided_for_another_tenant_is_skipped(melange, tenant):
    # The tenant sees its parent but not the subnet carved out of it for
    # another tenant, so only the allocator can tell the parent is divided.
    net, (parent, spare) = _network(melange, tenant, '10.110.40.0/24',
                                    '10.110.41.0/24')
    other = melange.tenant()
    melange.api.create_subnet(melange.admin, parent_id=parent['id'],
                              cidr='10.110.40.0/25',
                              tenant_id=other.project_id)
    (ip,) = _allocate(melange, tenant, net)
    assert (ip['block_id'], ip['address']) == (spare['id'], '10.110.41.1')
    (theirs,) = _allocate(melange, other, net)
    assert theirs['address'] == '10.110.40.1'


def test_a_family_with_no_block_able_to_allocate_is_no_more_addresses(
        melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.110.11.0/24', network_id=net)
    melange.api.create_block(tenant, cidr='fd00:c3::/64', network_id=net,
                             allocatable=False)
    with refused(melange, exception.NoMoreAddresses):
        _allocate(melange, tenant, net)


def test_full_blocks_of_a_family_fail_the_whole_call(melange, tenant):
    net, (v4, _) = _network(melange, tenant, '10.110.12.9/32',
                            'fd00:c4::/64')
    melange.api.allocate_ip(tenant, block_id=v4['id'])
    with refused(melange, exception.NoMoreAddresses):
        _allocate(melange, tenant, net)


def test_explicit_addresses_are_allocated_from_their_blocks(melange, tenant):
    net, (first, second, v6) = _network(
        melange, tenant, '10.110.13.0/24', '10.110.14.0/24', 'fd00:c5::/64')
    ips = _allocate(melange, tenant, net,
                    addresses=['10.110.14.7', 'FD00:C5:0:0::7'])
    assert sorted((ip['address'], ip['block_id']) for ip in ips) == sorted([
        ('10.110.14.7', second['id']), ('fd00:c5::7', v6['id'])])


def test_explicit_addresses_are_exactly_what_is_allocated(melange, tenant):
    net, _ = _network(melange, tenant, '10.110.15.0/24', 'fd00:c6::/64')
    vif = helpers.interface_id()
    ips = _allocate(melange, tenant, net, interface_id=vif,
                    addresses=['10.110.15.7'])
    assert [ip['address'] for ip in ips] == ['10.110.15.7']
    listed = melange.api.list_ips(tenant, interface_id=vif)
    assert [ip['address'] for ip in listed['items']] == ['10.110.15.7']


def test_an_explicit_address_no_block_contains_is_not_in_block(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.110.16.0/24', 'fd00:c7::/64')
    with refused(melange, exception.AddressNotInBlock):
        _allocate(melange, tenant, net,
                  addresses=['10.110.16.7', '10.110.17.7'])


def test_a_taken_explicit_address_fails_the_whole_call(melange, tenant):
    net, (v4, _) = _network(melange, tenant, '10.110.18.0/24',
                            'fd00:c8::/64')
    melange.api.allocate_ip(tenant, block_id=v4['id'],
                            address='10.110.18.7')
    with refused(melange, exception.DuplicateAddress):
        _allocate(melange, tenant, net,
                  addresses=['fd00:c8::7', '10.110.18.7'])


@pytest.mark.parametrize('addresses', ['10.110.29.7', ['10.110.29.777']])
def test_malformed_explicit_addresses_are_invalid(melange, tenant, addresses):
    net, _ = _network(melange, tenant, '10.110.29.0/24')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'allocate_ips_for_interface',
                    network_id=net, interface_id=helpers.interface_id(),
                    addresses=addresses)


def test_the_interface_is_created_with_device_mac_and_lessee(melange):
    lessee = melange.tenant().project_id
    net, _ = _network(melange, melange.admin, '10.110.19.0/24')
    vif, vm = helpers.interface_id(), helpers.device_id()
    (ip,) = _allocate(melange, melange.admin, net, interface_id=vif,
                      device_id=vm, tenant_id=lessee,
                      mac_address='FA:16:3E:00:02:13')
    assert (ip['interface_id'], ip['device_id'], ip['tenant_id'],
            ip['mac_address']) == (vif, vm, lessee, 'fa:16:3e:00:02:13')


def test_the_lessee_defaults_to_the_caller(melange, tenant):
    net, _ = _network(melange, tenant, '10.110.20.0/24')
    (ip,) = _allocate(melange, tenant, net)
    assert ip['tenant_id'] == tenant.project_id


def test_a_member_allocating_for_another_lessee_is_forbidden(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.110.21.0/24')
    with refused(melange, exception.Forbidden):
        _allocate(melange, tenant, net,
                  tenant_id=melange.tenant().project_id)


def test_slaac_at_network_level_uses_the_interface_mac(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.110.22.0/24', network_id=net)
    melange.api.create_block(tenant, cidr='fd00:c9::/64', network_id=net,
                             ipv6_address_mode='slaac')
    ips = _allocate(melange, tenant, net, mac_address='fa:16:3e:00:02:16')
    assert _by_version(ips)[6]['address'] == 'fd00:c9::f816:3eff:fe00:216'


def test_slaac_at_network_level_without_a_mac_is_invalid(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.110.23.0/24', network_id=net)
    melange.api.create_block(tenant, cidr='fd00:ca::/64', network_id=net,
                             ipv6_address_mode='slaac')
    with refused(melange, exception.InvalidInput):
        _allocate(melange, tenant, net)


def test_an_interface_belongs_to_one_network_for_its_whole_life(
        melange, tenant):
    first, _ = _network(melange, tenant, '10.110.24.0/24')
    second, _ = _network(melange, tenant, '10.110.25.0/24')
    vif = helpers.interface_id()
    _allocate(melange, tenant, first, interface_id=vif)
    melange.api.deallocate_ips_for_interface(tenant, network_id=first,
                                             interface_id=vif)
    with refused(melange, exception.AllocationNotAllowed):
        _allocate(melange, tenant, second, interface_id=vif)


def test_a_second_call_adds_the_next_addresses(melange, tenant):
    net, _ = _network(melange, tenant, '10.110.26.0/24')
    vif = helpers.interface_id()
    _allocate(melange, tenant, net, interface_id=vif)
    (ip,) = _allocate(melange, tenant, net, interface_id=vif)
    assert ip['address'] == '10.110.26.2'


def test_only_the_callers_blocks_of_a_shared_network_serve(melange):
    owner, other = melange.tenant(), melange.tenant()
    net = helpers.network_id()
    melange.api.create_block(other, cidr='10.110.27.0/24', network_id=net)
    mine = melange.api.create_block(owner, cidr='10.110.28.0/24',
                                    network_id=net)
    (ip,) = _allocate(melange, owner, net)
    assert ip['block_id'] == mine['id']


def test_a_repeat_with_the_same_key_allocates_once(melange, tenant):
    net, _ = _network(melange, tenant, '10.110.30.0/24', 'fd00:cd::/64')
    vif = helpers.interface_id()
    first = _allocate(melange, tenant, net, interface_id=vif,
                      idempotency_key='boot')
    again = _allocate(melange, tenant, net, interface_id=vif,
                      idempotency_key='boot')
    assert again == first
    listed = melange.api.list_ips(tenant, interface_id=vif)
    assert len(listed['items']) == 2


# -- deallocate_ips_for_interface -----------------------------------------

def test_deallocating_an_interface_retains_its_addresses(melange, tenant):
    net, blocks = _network(melange, tenant, '10.111.0.0/24', 'fd00:cb::/64')
    vif = helpers.interface_id()
    ips = _allocate(melange, tenant, net, interface_id=vif)
    melange.api.deallocate_ips_for_interface(tenant, network_id=net,
                                             interface_id=vif)
    assert melange.api.list_ips(tenant, interface_id=vif)['items'] == []
    for ip in ips:
        got = melange.api.get_ip(tenant, block_id=ip['block_id'],
                                 address=ip['address'])
        assert (got['state'], got['interface_id']) == ('deallocated', vif)


def test_addresses_of_a_deallocated_interface_are_not_reused(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.111.1.0/24')
    vif = helpers.interface_id()
    _allocate(melange, tenant, net, interface_id=vif)
    melange.api.deallocate_ips_for_interface(tenant, network_id=net,
                                             interface_id=vif)
    (ip,) = _allocate(melange, tenant, net)
    assert ip['address'] == '10.111.1.2'


def test_deallocating_leaves_other_interfaces_alone(melange, tenant):
    net, _ = _network(melange, tenant, '10.111.2.0/24')
    vif, other = helpers.interface_id(), helpers.interface_id()
    _allocate(melange, tenant, net, interface_id=vif)
    (kept,) = _allocate(melange, tenant, net, interface_id=other)
    melange.api.deallocate_ips_for_interface(tenant, network_id=net,
                                             interface_id=vif)
    listed = melange.api.list_ips(tenant, interface_id=other)
    assert [ip['address'] for ip in listed['items']] == [kept['address']]


# -- get_network ----------------------------------------------------------

def test_get_network_lists_its_blocks_in_creation_order(melange, tenant):
    net, blocks = _network(melange, tenant, '10.112.1.0/24', 'fd00:cc::/64',
                           '10.112.0.0/24')
    melange.api.create_block(tenant, cidr='10.112.2.0/24',
                             network_id=helpers.network_id())
    got = melange.api.get_network(tenant, network_id=net)
    assert got == [melange.api.get_block(tenant, block_id=b['id'])
                   for b in blocks]


def test_get_network_shows_a_member_only_its_own_blocks(melange):
    owner, other = melange.tenant(), melange.tenant()
    net = helpers.network_id()
    melange.api.create_block(other, cidr='10.112.3.0/24', network_id=net)
    mine = melange.api.create_block(owner, cidr='10.112.4.0/24',
                                    network_id=net)
    assert [b['id'] for b in melange.api.get_network(
        owner, network_id=net)] == [mine['id']]


def test_get_network_filters_by_tenant_for_admin(melange):
    owner, other = melange.tenant(), melange.tenant()
    net = helpers.network_id()
    melange.api.create_block(other, cidr='10.112.5.0/24', network_id=net)
    mine = melange.api.create_block(owner, cidr='10.112.6.0/24',
                                    network_id=net)
    everything = melange.api.get_network(melange.admin, network_id=net)
    assert len(everything) == 2
    assert [b['id'] for b in melange.api.get_network(
        melange.admin, network_id=net,
        tenant_id=owner.project_id)] == [mine['id']]


def test_get_network_includes_subnets(melange, tenant):
    net, (parent,) = _network(melange, tenant, '10.112.7.0/24')
    subnet = melange.api.create_subnet(tenant, parent_id=parent['id'],
                                       prefixlen=26)
    assert [b['id'] for b in melange.api.get_network(
        tenant, network_id=net)] == [parent['id'], subnet['id']]


def test_a_member_reading_another_tenants_network_view_is_forbidden(
        melange, tenant):
    net, _ = _network(melange, tenant, '10.112.8.0/24')
    with refused(melange, exception.Forbidden):
        melange.api.get_network(tenant, network_id=net,
                                tenant_id=melange.tenant().project_id)


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('allocate_ips_for_interface', {'network_id': 'n'},
     exception.InvalidInput),
    ('allocate_ips_for_interface', {'interface_id': 'i'},
     exception.InvalidInput),
    ('allocate_ips_for_interface', {'network_id': 'n', 'interface_id': 'i',
                                    'colour': 'red'},
     exception.InvalidInput),
    ('deallocate_ips_for_interface', {'network_id': 'n'},
     exception.InvalidInput),
    ('deallocate_ips_for_interface', {'network_id': 'n',
                                      'interface_id': 'i', 'colour': 'red'},
     exception.InvalidInput),
    ('get_network', {}, exception.InvalidInput),
    ('get_network', {'network_id': 'n', 'colour': 'red'},
     exception.InvalidInput),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_network_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
