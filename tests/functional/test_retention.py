"""Retention of deallocated addresses: restore_ip and reclaiming."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def _reclaim(melange, older_than=0):
    return melange.api.reclaim_deallocated_ips(melange.admin,
                                               older_than=older_than)


def _retained(melange, ctxt, cidr, count=1, **kwargs):
    """A block whose lowest ``count`` addresses were allocated and freed."""
    block = melange.api.create_block(ctxt, cidr=cidr, **kwargs)
    gone = []
    for _ in range(count):
        ip = melange.api.allocate_ip(ctxt, block_id=block['id'])
        melange.api.deallocate_ip(ctxt, block_id=block['id'],
                                  address=ip['address'])
        gone.append(ip['address'])
    return block, gone


# -- reclaim_deallocated_ips ----------------------------------------------

def test_reclaim_with_older_than_zero_reclaims_every_retained_address(
        melange, tenant):
    _reclaim(melange)   # what earlier tests left retained
    _retained(melange, tenant, '10.120.0.0/24', count=2)
    _retained(melange, melange.tenant(), 'fd00:d0::/64')
    assert _reclaim(melange) == {'reclaimed': 3}
    assert _reclaim(melange) == {'reclaimed': 0}


def test_a_reclaimed_address_is_gone(melange, tenant):
    block, (address,) = _retained(melange, tenant, '10.120.1.0/24')
    _reclaim(melange)
    with pytest.raises(exception.AddressNotFound):
        melange.api.get_ip(tenant, block_id=block['id'], address=address)
    listed = melange.api.list_ips(tenant, block_id=block['id'],
                                  state='deallocated')
    assert listed['items'] == []


def test_a_reclaimed_address_is_allocated_again(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.120.2.0/30')
    first, _ = [melange.api.allocate_ip(tenant, block_id=block['id'])
                for _ in range(2)]
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address=first['address'])
    with pytest.raises(exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])
    _reclaim(melange)
    again = melange.api.allocate_ip(tenant, block_id=block['id'])
    assert again['address'] == first['address'] == '10.120.2.1'
    assert again['state'] == 'allocated'


def test_a_reclaimed_address_may_be_requested_again(melange, tenant):
    block, (address,) = _retained(melange, tenant, 'fd00:d1::/64')
    _reclaim(melange)
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 address=address)
    assert (ip['address'], ip['state']) == ('fd00:d1::1', 'allocated')


def test_reclaiming_frees_max_allocation_capacity(melange, tenant):
    block, _ = _retained(melange, tenant, '10.120.3.0/24', max_allocation=1)
    with pytest.raises(exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block_id=block['id'])
    _reclaim(melange)
    assert melange.api.allocate_ip(tenant, block_id=block['id'])[
        'address'] == '10.120.3.1'


def test_reclaiming_empties_the_deallocated_usage(melange, tenant):
    block, _ = _retained(melange, tenant, '10.120.4.0/28', count=2)
    _reclaim(melange)
    usage = melange.api.get_block_usage(tenant, block_id=block['id'])
    assert (usage['allocated'], usage['deallocated'], usage['free'],
            usage['utilization']) == (0, 0, 14, 0)


def test_reclaim_never_touches_allocated_addresses(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.120.5.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    _reclaim(melange)
    got = melange.api.get_ip(tenant, block_id=block['id'],
                             address=ip['address'])
    assert got == ip


def test_reclaim_by_default_keeps_addresses_within_the_retention(
        melange, tenant):
    block, (address,) = _retained(melange, tenant, '10.120.6.0/24')
    assert melange.api.reclaim_deallocated_ips(melange.admin) == {
        'reclaimed': 0}
    got = melange.api.get_ip(tenant, block_id=block['id'], address=address)
    assert got['state'] == 'deallocated'


def test_reclaim_keeps_addresses_younger_than_older_than(melange, tenant):
    block, (address,) = _retained(melange, tenant, '10.120.7.0/24')
    assert _reclaim(melange, older_than=3600) == {'reclaimed': 0}
    got = melange.api.get_ip(tenant, block_id=block['id'], address=address)
    assert got['state'] == 'deallocated'


def test_a_member_reclaiming_is_forbidden(melange, tenant):
    _retained(melange, tenant, '10.120.8.0/24')
    with refused(melange, exception.Forbidden):
        melange.api.reclaim_deallocated_ips(tenant, older_than=0)


def test_a_service_reclaiming_is_forbidden(melange, tenant):
    _retained(melange, tenant, '10.120.9.0/24')
    with refused(melange, exception.Forbidden):
        melange.api.reclaim_deallocated_ips(helpers.service(), older_than=0)


@pytest.mark.parametrize('older_than', [-1, 'soon', 1.5, '60'])
def test_a_bad_older_than_is_invalid(melange, tenant, older_than):
    _retained(melange, tenant, '10.120.10.0/24')
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, melange.admin, 'reclaim_deallocated_ips',
                    older_than=older_than)


# -- restore_ip -----------------------------------------------------------

def test_restore_ip_puts_the_address_back_on_its_interface(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.121.0.0/24')
    vif = helpers.interface_id()
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 interface_id=vif,
                                 mac_address='fa:16:3e:00:03:01')
    melange.api.deallocate_ip(tenant, block_id=block['id'],
                              address=ip['address'])
    restored = melange.api.restore_ip(tenant, block_id=block['id'],
                                      address=ip['address'])
    assert (restored['state'], restored['deallocated_at'],
            restored['interface_id'], restored['mac_address']) == (
        'allocated', None, vif, 'fa:16:3e:00:03:01')
    assert (restored['id'], restored['address']) == (ip['id'],
                                                     ip['address'])
    listed = melange.api.list_ips(tenant, interface_id=vif)
    assert [i['address'] for i in listed['items']] == [ip['address']]


def test_restore_ip_of_an_allocated_address_returns_it_unchanged(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.121.1.0/24')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    before = melange.snapshot()
    # Without an idempotency key, so that nothing at all is recorded.
    restored = helpers.raw(melange, tenant, 'restore_ip',
                           block_id=block['id'], address=ip['address'])
    assert restored == {k: v for k, v in ip.items() if k in restored}
    assert restored['state'] == 'allocated'
    assert melange.snapshot() == before


def test_a_restored_address_is_skipped_by_allocation(melange, tenant):
    block, (address,) = _retained(melange, tenant, '10.121.2.0/24')
    melange.api.restore_ip(tenant, block_id=block['id'], address=address)
    _reclaim(melange)
    assert melange.api.get_ip(tenant, block_id=block['id'],
                              address=address)['state'] == 'allocated'
    assert melange.api.allocate_ip(tenant, block_id=block['id'])[
        'address'] == '10.121.2.2'


def test_restore_after_deallocating_an_interface(melange, tenant):
    net = helpers.network_id()
    melange.api.create_block(tenant, cidr='10.121.3.0/24', network_id=net)
    vif = helpers.interface_id()
    (ip,) = melange.api.allocate_ips_for_interface(
        tenant, network_id=net, interface_id=vif)
    melange.api.deallocate_ips_for_interface(tenant, network_id=net,
                                             interface_id=vif)
    restored = melange.api.restore_ip(tenant, block_id=ip['block_id'],
                                      address=ip['address'])
    assert (restored['state'], restored['interface_id']) == ('allocated',
                                                             vif)


def test_restore_ip_of_a_reclaimed_address_is_address_not_found(
        melange, tenant):
    block, (address,) = _retained(melange, tenant, '10.121.4.0/24')
    _reclaim(melange)
    with refused(melange, exception.AddressNotFound):
        melange.api.restore_ip(tenant, block_id=block['id'],
                               address=address)


def test_restore_ip_of_an_unknown_address_is_address_not_found(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.121.5.0/24')
    with refused(melange, exception.AddressNotFound):
        melange.api.restore_ip(tenant, block_id=block['id'],
                               address='10.121.5.9')


def test_restore_ip_in_another_tenants_block_is_block_not_found(
        melange, tenant):
    block, (address,) = _retained(melange, melange.tenant(),
                                  '10.121.6.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.restore_ip(tenant, block_id=block['id'],
                               address=address)


# -- wire -----------------------------------------------------------------

BAD_CALLS = [
    ('reclaim_deallocated_ips', {'colour': 'red'}, exception.InvalidInput),
    ('restore_ip', {'block_id': 'b'}, exception.InvalidInput),
    ('restore_ip', {'address': '10.0.0.1'}, exception.InvalidInput),
    ('restore_ip', {'block_id': 'b', 'address': '10.0.0.1',
                    'colour': 'red'}, exception.InvalidInput),
    ('restore_ip', {'block_id': 'no-such-block', 'address': '10.0.0.1'},
     exception.BlockNotFound),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_retention_call_is_a_typed_error_that_changes_nothing(
        melange, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, melange.admin, method, **kwargs)
