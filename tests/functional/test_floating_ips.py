"""Floating IPs: public addresses a tenant leases and puts in front of a
fixed one."""

import ipaddress

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional import helpers_vif
from tests.functional.helpers import refused


def _public_network(melange, prefixlen=28, **kwargs):
    """A network with one public block (created by the admin)."""
    net = helpers.network_id()
    block = melange.api.create_block(
        melange.admin, cidr=helpers_vif.public_cidr(prefixlen),
        type='public', network_id=net, **kwargs)
    return net, block


def _nth(block, n):
    return str(ipaddress.ip_network(block['cidr'])[n])


def _fixed_ip(melange, ctxt, cidr='10.200.0.0/24'):
    """A fixed address of a tenant, on an interface of its own network."""
    block = melange.api.create_block(ctxt, cidr=cidr,
                                     network_id=helpers.network_id())
    return melange.api.allocate_ip(ctxt, block_id=block['id'],
                                   interface_id=helpers.interface_id(),
                                   device_id=helpers.device_id())


# -- allocate_floating_ip -------------------------------------------------

def test_a_tenant_allocates_a_floating_ip_and_is_its_lessee(melange,
                                                            tenant):
    net, block = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    assert floating['tenant_id'] == tenant.project_id
    assert (floating['block_id'], floating['network_id']) == (block['id'],
                                                              net)
    assert floating['address'] == _nth(block, 1)
    assert floating['state'] == 'allocated'
    assert floating['fixed_ip_id'] is None
    assert floating['interface_id'] is None


def test_floating_ips_come_lowest_free_first(melange, tenant):
    net, block = _public_network(melange, gateway=None)
    got = [melange.api.allocate_floating_ip(tenant, network_id=net)
           ['address'] for _ in range(3)]
    assert got == [_nth(block, n) for n in (1, 2, 3)]


def test_a_service_allocates_a_floating_ip_for_a_tenant(melange, tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(
        helpers_vif.nova(), network_id=net, tenant_id=tenant.project_id)
    assert floating['tenant_id'] == tenant.project_id
    listed = melange.api.list_floating_ips(tenant)['items']
    assert [ip['id'] for ip in listed] == [floating['id']]


def test_a_specific_floating_address_is_allocated(melange, tenant):
    net, block = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net,
                                                address=_nth(block, 9))
    assert floating['address'] == _nth(block, 9)


def test_a_specific_floating_address_outside_the_public_blocks_is_refused(
        melange, tenant):
    net, _ = _public_network(melange)
    with refused(melange, exception.AddressNotInBlock):
        melange.api.allocate_floating_ip(tenant, network_id=net,
                                         address='203.0.113.7')


def test_a_taken_floating_address_is_a_duplicate(melange, tenant):
    net, block = _public_network(melange)
    melange.api.allocate_floating_ip(tenant, network_id=net,
                                     address=_nth(block, 9))
    with refused(melange, exception.DuplicateAddress):
        melange.api.allocate_floating_ip(melange.tenant(), network_id=net,
                                         address=_nth(block, 9))


def test_a_full_public_network_has_no_more_floating_ips(melange, tenant):
    net, _ = _public_network(melange, prefixlen=30)
    for _ in range(2):
        melange.api.allocate_floating_ip(tenant, network_id=net)
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_floating_ip(tenant, network_id=net)


def test_a_network_without_public_block_gives_no_floating_ip(melange,
                                                             tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.200.1.0/24', network_id=net)
    with refused(melange, exception.AllocationNotAllowed):
        melange.api.allocate_floating_ip(tenant, network_id=net)


def test_an_unknown_network_gives_no_floating_ip(melange, tenant):
    with refused(melange, exception.NetworkNotFound):
        melange.api.allocate_floating_ip(tenant,
                                         network_id=helpers.network_id())


def test_a_member_may_not_allocate_a_floating_ip_for_another_tenant(
        melange, tenant):
    net, _ = _public_network(melange)
    with refused(melange, exception.Forbidden):
        melange.api.allocate_floating_ip(tenant, network_id=net,
                                         tenant_id='someone-else')


def test_a_member_may_not_read_the_public_block_itself(melange, tenant):
    net, block = _public_network(melange)
    melange.api.allocate_floating_ip(tenant, network_id=net)
    with pytest.raises(exception.NotFound):
        melange.api.get_block(tenant, block['id'])


# -- associate, disassociate ----------------------------------------------

def test_associate_returns_the_floating_ip_with_its_fixed_ip_id(melange,
                                                                tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, tenant)
    associated = melange.api.associate_floating_ip(
        tenant, floating_ip_id=floating['id'], fixed_ip_id=fixed['id'])
    assert associated == dict(floating, fixed_ip_id=fixed['id'],
                              updated_at=associated['updated_at'])


def test_disassociate_returns_the_floating_ip_without_fixed_ip(melange,
                                                               tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, tenant)
    melange.api.associate_floating_ip(tenant, floating_ip_id=floating['id'],
                                      fixed_ip_id=fixed['id'])
    plain = melange.api.disassociate_floating_ip(
        tenant, floating_ip_id=floating['id'])
    assert plain['id'] == floating['id']
    assert plain['fixed_ip_id'] is None
    assert melange.api.list_floating_ips(
        tenant, fixed_ip_id=fixed['id'])['items'] == []


def test_a_service_associates_a_tenants_floating_ip(melange, tenant):
    net, _ = _public_network(melange)
    nova = helpers_vif.nova()
    floating = melange.api.allocate_floating_ip(
        nova, network_id=net, tenant_id=tenant.project_id)
    fixed = _fixed_ip(melange, tenant)
    associated = melange.api.associate_floating_ip(
        nova, floating_ip_id=floating['id'], fixed_ip_id=fixed['id'])
    assert associated['fixed_ip_id'] == fixed['id']


def test_another_tenants_floating_ip_is_not_found(melange, tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    other = melange.tenant()
    fixed = _fixed_ip(melange, other)
    with refused(melange, exception.AddressNotFound):
        melange.api.associate_floating_ip(
            other, floating_ip_id=floating['id'], fixed_ip_id=fixed['id'])
    with refused(melange, exception.AddressNotFound):
        melange.api.disassociate_floating_ip(other,
                                             floating_ip_id=floating['id'])
    with refused(melange, exception.AddressNotFound):
        melange.api.release_floating_ip(other, ip_id=floating['id'])


def test_associating_another_tenants_fixed_ip_is_not_found(melange,
                                                           tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, melange.tenant())
    with refused(melange, exception.AddressNotFound):
        melange.api.associate_floating_ip(
            tenant, floating_ip_id=floating['id'], fixed_ip_id=fixed['id'])


def test_a_fixed_address_is_no_floating_ip(melange, tenant):
    fixed = _fixed_ip(melange, tenant)
    other = _fixed_ip(melange, tenant, cidr='10.200.2.0/24')
    with refused(melange, exception.AddressNotFound):
        melange.api.associate_floating_ip(
            tenant, floating_ip_id=other['id'], fixed_ip_id=fixed['id'])


def test_an_associated_floating_ip_appears_in_network_info(melange, tenant):
    net, _ = _public_network(melange)
    private = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.200.3.0/24',
                             network_id=private)
    device = helpers.device_id()
    (vif,) = melange.api.allocate_for_instance(
        tenant, device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': private,
                     'mac_address': helpers_vif.mac()}])
    (fixed,) = melange.api.list_ips(tenant, interface_id=vif['id'])['items']
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    melange.api.associate_floating_ip(tenant, floating_ip_id=floating['id'],
                                      fixed_ip_id=fixed['id'])
    (vif,) = melange.api.get_instance_network_info(tenant, device_id=device)
    (subnet,) = vif['network']['subnets']
    assert subnet['ips'] == [{
        'address': fixed['address'], 'type': 'fixed',
        'floating_ips': [{'address': floating['address'],
                          'type': 'floating'}]}]


# -- list_floating_ips ----------------------------------------------------

def test_list_floating_ips_filters_by_fixed_ip(melange, tenant):
    net, _ = _public_network(melange)
    first, second = [melange.api.allocate_floating_ip(tenant, network_id=net)
                     for _ in range(2)]
    fixed = _fixed_ip(melange, tenant)
    associated = melange.api.associate_floating_ip(
        tenant, floating_ip_id=second['id'], fixed_ip_id=fixed['id'])
    listed = melange.api.list_floating_ips(tenant, fixed_ip_id=fixed['id'])
    assert listed == {'items': [associated], 'next_marker': None}


def test_list_floating_ips_filters_by_tenant(melange, tenant):
    net, _ = _public_network(melange)
    mine = melange.api.allocate_floating_ip(tenant, network_id=net)
    melange.api.allocate_floating_ip(melange.tenant(), network_id=net)
    listed = melange.api.list_floating_ips(melange.admin,
                                           tenant_id=tenant.project_id)
    assert listed == {'items': [mine], 'next_marker': None}


def test_a_member_lists_only_its_own_floating_ips(melange, tenant):
    net, _ = _public_network(melange)
    mine = melange.api.allocate_floating_ip(tenant, network_id=net)
    melange.api.allocate_floating_ip(melange.tenant(), network_id=net)
    assert melange.api.list_floating_ips(tenant)['items'] == [mine]


def test_a_member_may_not_list_another_tenants_floating_ips(melange,
                                                            tenant):
    with pytest.raises(exception.Forbidden):
        melange.api.list_floating_ips(tenant, tenant_id='someone-else')


def test_list_floating_ips_pages_in_address_order(melange, tenant):
    net, _ = _public_network(melange)
    got = [melange.api.allocate_floating_ip(tenant, network_id=net)
           for _ in range(3)]
    listed = helpers.every(melange.api.list_floating_ips, tenant,
                           key='address', limit=2)
    assert listed == got


# -- release_floating_ip --------------------------------------------------

def test_release_floating_ip_deallocates_it(melange, tenant):
    net, block = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    melange.api.release_floating_ip(tenant, ip_id=floating['id'])
    assert melange.api.list_floating_ips(tenant)['items'] == []
    (gone,) = melange.api.list_ips(melange.admin, block_id=block['id'],
                                   state='deallocated')['items']
    assert (gone['id'], gone['state']) == (floating['id'], 'deallocated')


def test_a_released_floating_ip_is_gone_for_its_lessee(melange, tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, tenant)
    melange.api.release_floating_ip(tenant, ip_id=floating['id'])
    with refused(melange, exception.AddressNotFound):
        melange.api.associate_floating_ip(
            tenant, floating_ip_id=floating['id'], fixed_ip_id=fixed['id'])


def test_release_floating_ip_drops_its_association(melange, tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, tenant)
    melange.api.associate_floating_ip(tenant, floating_ip_id=floating['id'],
                                      fixed_ip_id=fixed['id'])
    melange.api.release_floating_ip(tenant, ip_id=floating['id'])
    assert melange.api.list_floating_ips(
        melange.admin, fixed_ip_id=fixed['id'])['items'] == []


def test_release_floating_ip_drops_its_nat_links(melange, tenant):
    net, _ = _public_network(melange)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    fixed = _fixed_ip(melange, tenant)
    melange.api.add_inside_locals(tenant, global_ip_id=floating['id'],
                                  local_ip_ids=[fixed['id']])
    melange.api.release_floating_ip(tenant, ip_id=floating['id'])
    assert melange.api.list_inside_globals(
        tenant, local_ip_id=fixed['id'])['items'] == []


def test_releasing_an_unknown_floating_ip_is_not_found(melange, tenant):
    with refused(melange, exception.AddressNotFound):
        melange.api.release_floating_ip(tenant, ip_id='no-such-ip')


# -- bad input ------------------------------------------------------------

BAD_CALLS = [
    ('allocate_floating_ip', {}),
    ('allocate_floating_ip', {'network_id': 42}),
    ('allocate_floating_ip', {'network_id': 'n', 'pool': 'x'}),
    ('release_floating_ip', {}),
    ('release_floating_ip', {'ip_id': 42}),
    ('associate_floating_ip', {'floating_ip_id': 'x'}),
    ('associate_floating_ip', {'floating_ip_id': 42, 'fixed_ip_id': 'y'}),
    ('disassociate_floating_ip', {}),
    ('list_floating_ips', {'limit': 0}),
    ('list_floating_ips', {'limit': 'ten'}),
]


@pytest.mark.parametrize('method,kwargs', BAD_CALLS,
                         ids=['%s-%d' % (m, i) for i, (m, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_is_invalid_input_that_changes_nothing(
        melange, tenant, method, kwargs):
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, method, **kwargs)


def test_a_bad_floating_address_is_invalid_input(melange, tenant):
    net, _ = _public_network(melange)
    with refused(melange, exception.InvalidInput):
        melange.api.allocate_floating_ip(tenant, network_id=net,
                                         address='198.018.0.1')
