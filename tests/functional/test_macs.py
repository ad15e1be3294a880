"""MAC ranges and MAC addresses: create, read, allocate, release."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional import helpers_vif
from tests.functional.helpers import refused


@pytest.fixture
def macs(melange):
    yield from helpers_vif.mac_ranges(melange)


def _interface_without_mac(melange, ctxt):
    """An interface with no MAC (allocate_ip creates it bare)."""
    block = melange.api.create_block(ctxt, cidr='10.160.0.0/24',
                                     network_id=helpers.network_id())
    vif = helpers.interface_id()
    melange.api.allocate_ip(ctxt, block_id=block['id'], interface_id=vif)
    assert melange.api.get_interface(ctxt, vif)['mac_address'] is None
    return vif


# -- create_mac_range -----------------------------------------------------

def test_create_mac_range_normalises_the_cidr(melange, macs):
    cidr = helpers_vif.mac_cidr(46)
    first = cidr.split('/')[0]
    messy = first[:-1] + '%x' % (int(first[-1], 16) | 3)   # host bits set
    messy = messy.upper().replace(':', '-') + '/46'
    mac_range = melange.api.create_mac_range(melange.admin, cidr=messy)
    macs.created.append(mac_range)
    assert mac_range['cidr'] == cidr
    assert mac_range['size'] == 4
    assert mac_range['allocated'] == 0
    assert set(mac_range) == {'id', 'cidr', 'size', 'allocated',
                              'created_at'}
    assert melange.api.get_mac_range(melange.admin,
                                     mac_range['id']) == mac_range


@pytest.mark.parametrize('cidr', [
    'fa:16:3e:00:00:00',          # no prefix length
    'fa:16:3e:00:00:00/',
    'fa:16:3e:00:00:00/x',
    'fa:16:3e:00:00:00/49',
    'not-a-mac/24',
    'fa:16:3e:00:00/24',
    42,
], ids=['no-prefix', 'empty-prefix', 'word-prefix', 'prefix-49',
        'not-a-mac', 'five-octets', 'integer'])
def test_a_mac_range_needs_a_mac_and_a_prefix_length(melange, cidr):
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, melange.admin, 'create_mac_range', cidr=cidr)


def test_a_mac_range_holds_unicast_macs_only(melange):
    with refused(melange, exception.InvalidInput):
        melange.api.create_mac_range(melange.admin,
                                     cidr='01:00:5e:00:00:00/24')


def test_the_same_mac_range_twice_is_a_conflict(melange, macs):
    mac_range = macs.create(46)
    with refused(melange, exception.Conflict):
        melange.api.create_mac_range(melange.admin, cidr=mac_range['cidr'])


def test_a_mac_range_inside_another_is_a_conflict(melange, macs):
    mac_range = macs.create(44)
    inner = helpers_vif.macs_in(mac_range['cidr'])[4] + '/46'
    with refused(melange, exception.Conflict):
        melange.api.create_mac_range(melange.admin, cidr=inner)


def test_a_mac_range_around_another_is_a_conflict(melange, macs):
    mac_range = macs.create(46)
    first = helpers_vif.macs_in(mac_range['cidr'])[0]
    outer = first[:-2] + '00/40'
    with refused(melange, exception.Conflict):
        melange.api.create_mac_range(melange.admin, cidr=outer)


def test_a_member_may_not_create_a_mac_range(melange, tenant):
    with refused(melange, exception.Forbidden):
        melange.api.create_mac_range(tenant, cidr=helpers_vif.mac_cidr())


def test_a_service_may_not_create_a_mac_range(melange):
    with refused(melange, exception.Forbidden):
        melange.api.create_mac_range(helpers_vif.nova(),
                                     cidr=helpers_vif.mac_cidr())


def test_a_member_may_not_delete_a_mac_range(melange, macs, tenant):
    mac_range = macs.create()
    with refused(melange, exception.Forbidden):
        melange.api.delete_mac_range(tenant, mac_range['id'])


def test_create_mac_range_repeated_with_its_key_returns_the_first(
        melange, macs):
    cidr = helpers_vif.mac_cidr()
    first = melange.api.create_mac_range(melange.admin, cidr=cidr,
                                         idempotency_key='mac-range-1')
    macs.created.append(first)
    again = melange.api.create_mac_range(melange.admin, cidr=cidr,
                                         idempotency_key='mac-range-1')
    assert again == first


# -- get, list, delete ----------------------------------------------------

def test_get_mac_range_counts_its_allocated_macs(melange, macs):
    mac_range = macs.fresh(46)
    for _ in range(3):
        melange.api.allocate_mac(melange.admin)
    got = melange.api.get_mac_range(melange.admin, mac_range['id'])
    assert (got['size'], got['allocated']) == (4, 3)


def test_an_unknown_mac_range_is_not_found(melange):
    with pytest.raises(exception.MacRangeNotFound):
        melange.api.get_mac_range(melange.admin, 'no-such-range')


def test_deleting_an_unknown_mac_range_is_not_found(melange):
    with refused(melange, exception.MacRangeNotFound):
        melange.api.delete_mac_range(melange.admin, 'no-such-range')


def test_list_mac_ranges_pages_in_creation_order(melange, macs):
    created = [macs.create()['id'] for _ in range(3)]
    listed = [r['id'] for r in helpers.every(melange.api.list_mac_ranges,
                                             melange.admin, limit=2)]
    assert [i for i in listed if i in created] == created


def test_list_mac_ranges_items_are_mac_ranges(melange, macs):
    mac_range = macs.create()
    page = melange.api.list_mac_ranges(melange.admin, limit=1000)
    assert mac_range in page['items']


@pytest.mark.parametrize('kwargs', [{'limit': 0}, {'limit': -1},
                                    {'marker': 'no-such-range'}],
                         ids=['limit-0', 'limit-negative', 'unknown-marker'])
def test_list_mac_ranges_refuses_a_bad_limit_or_marker(melange, kwargs):
    with pytest.raises(exception.InvalidInput):
        melange.api.list_mac_ranges(melange.admin, **kwargs)


def test_a_mac_range_with_allocated_macs_cannot_be_deleted(melange, macs):
    mac_range = macs.fresh()
    melange.api.allocate_mac(melange.admin)
    with refused(melange, exception.MacRangeInUse):
        melange.api.delete_mac_range(melange.admin, mac_range['id'])


def test_a_mac_range_whose_macs_were_released_is_deleted(melange, macs):
    mac_range = macs.fresh()
    got = melange.api.allocate_mac(melange.admin)
    melange.api.release_mac(melange.admin, mac_address=got['mac_address'])
    assert melange.api.delete_mac_range(melange.admin,
                                        mac_range['id']) is None
    with pytest.raises(exception.MacRangeNotFound):
        melange.api.get_mac_range(melange.admin, mac_range['id'])


# -- allocate_mac ---------------------------------------------------------

def test_allocate_mac_hands_out_the_lowest_free_mac(melange, macs):
    mac_range = macs.fresh(46)
    got = [melange.api.allocate_mac(melange.admin) for _ in range(4)]
    assert [g['mac_address'] for g in got] == helpers_vif.macs_in(
        mac_range['cidr'])
    assert {g['mac_range_id'] for g in got} == {mac_range['id']}


def test_allocate_mac_uses_ranges_in_creation_order(melange, macs):
    macs.drain()
    # The older range lies above the newer one: order is not MAC order.
    older = melange.api.create_mac_range(melange.admin,
                                         cidr='0a:00:00:00:00:0c/46')
    macs.created.append(older)
    newer = melange.api.create_mac_range(melange.admin,
                                         cidr='0a:00:00:00:00:04/46')
    macs.created.append(newer)
    got = [melange.api.allocate_mac(melange.admin) for _ in range(5)]
    assert [g['mac_range_id'] for g in got] == [older['id']] * 4 + [
        newer['id']]
    assert got[4]['mac_address'] == '0a:00:00:00:00:04'


def test_every_range_full_is_no_more_mac_addresses(melange, macs):
    macs.fresh(46)
    for _ in range(4):
        melange.api.allocate_mac(melange.admin)
    with refused(melange, exception.NoMoreMacAddresses):
        melange.api.allocate_mac(melange.admin)


def test_a_member_allocates_a_mac(melange, macs, tenant):
    mac_range = macs.fresh()
    got = melange.api.allocate_mac(tenant)
    assert got == {'mac_address': helpers_vif.macs_in(mac_range['cidr'])[0],
                   'mac_range_id': mac_range['id']}


# -- release_mac ----------------------------------------------------------

def test_a_released_mac_is_reusable_at_once(melange, macs):
    macs.fresh(46)
    first = melange.api.allocate_mac(melange.admin)['mac_address']
    melange.api.allocate_mac(melange.admin)
    melange.api.release_mac(melange.admin, mac_address=first)
    assert melange.api.allocate_mac(melange.admin)['mac_address'] == first


def test_a_released_mac_of_a_full_range_is_reusable_at_once(melange, macs):
    mac_range = macs.fresh(46)
    for _ in range(4):
        melange.api.allocate_mac(melange.admin)
    third = helpers_vif.macs_in(mac_range['cidr'])[2]
    melange.api.release_mac(melange.admin, mac_address=third)
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 3
    assert melange.api.allocate_mac(melange.admin) == {
        'mac_address': third, 'mac_range_id': mac_range['id']}
    with pytest.raises(exception.NoMoreMacAddresses):
        melange.api.allocate_mac(melange.admin)


def test_release_mac_accepts_other_spellings(melange, macs):
    mac_range = macs.fresh()
    first = melange.api.allocate_mac(melange.admin)['mac_address']
    melange.api.release_mac(melange.admin,
                            mac_address=first.upper().replace(':', '-'))
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 0


def test_release_mac_is_harmless_to_repeat(melange, macs):
    mac_range = macs.fresh()
    first = melange.api.allocate_mac(melange.admin)['mac_address']
    melange.api.allocate_mac(melange.admin)
    melange.api.release_mac(melange.admin, mac_address=first)
    melange.api.release_mac(melange.admin, mac_address=first)
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 1


def test_release_mac_async_takes_effect(melange, macs):
    mac_range = macs.fresh()
    first = melange.api.allocate_mac(melange.admin)['mac_address']
    melange.api.release_mac_async(melange.admin, mac_address=first)

    def released():
        return melange.api.get_mac_range(
            melange.admin, mac_range['id'])['allocated'] == 0
    assert helpers_vif.eventually(released)
    assert melange.api.allocate_mac(melange.admin)['mac_address'] == first


# -- explicit MACs --------------------------------------------------------

def test_an_explicit_mac_inside_a_range_counts_as_allocated_there(
        melange, macs, tenant):
    mac_range = macs.fresh(46)
    inside = helpers_vif.macs_in(mac_range['cidr'])
    vif = melange.api.create_interface(tenant, mac_address=inside[1])
    assert vif['mac_address'] == inside[1]
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 1
    got = [melange.api.allocate_mac(melange.admin)['mac_address']
           for _ in range(3)]
    assert got == [inside[0], inside[2], inside[3]]


def test_a_duplicate_mac_inside_a_range_is_refused(melange, macs, tenant):
    macs.fresh()
    taken = melange.api.create_interface(tenant)['mac_address']
    assert taken is not None
    with refused(melange, exception.DuplicateMacAddress):
        melange.api.create_interface(tenant, mac_address=taken)


def test_a_duplicate_mac_outside_every_range_is_refused(melange, tenant):
    mac = helpers_vif.mac()
    melange.api.create_interface(tenant, mac_address=mac)
    with refused(melange, exception.DuplicateMacAddress):
        melange.api.create_interface(melange.tenant(),
                                     mac_address=mac.upper())


def test_a_duplicate_mac_is_a_conflict(melange, tenant):
    mac = helpers_vif.mac()
    melange.api.create_interface(tenant, mac_address=mac)
    with pytest.raises(exception.Conflict):
        melange.api.create_interface(tenant, mac_address=mac)


def test_allocating_a_mac_handed_out_already_is_refused(melange, macs,
                                                         tenant):
    macs.fresh()
    taken = melange.api.allocate_mac(melange.admin)['mac_address']
    with refused(melange, exception.DuplicateMacAddress):
        melange.api.create_interface(tenant, mac_address=taken)


# -- allocate_mac for an interface ----------------------------------------

def test_allocate_mac_for_an_interface_gives_it_that_mac(melange, macs,
                                                         tenant):
    vif = _interface_without_mac(melange, tenant)
    mac_range = macs.fresh()
    got = melange.api.allocate_mac(tenant, interface_id=vif)
    assert got == {'mac_address': helpers_vif.macs_in(mac_range['cidr'])[0],
                   'mac_range_id': mac_range['id']}
    interface = melange.api.get_interface(tenant, vif)
    assert interface['mac_address'] == got['mac_address']


def test_allocate_mac_for_an_interface_with_a_mac_is_a_conflict(
        melange, tenant):
    vif = melange.api.create_interface(tenant, mac_address=helpers_vif.mac())
    with refused(melange, exception.Conflict):
        melange.api.allocate_mac(tenant, interface_id=vif['id'])


def test_allocate_mac_for_an_unknown_interface_is_not_found(melange,
                                                            tenant):
    with refused(melange, exception.InterfaceNotFound):
        melange.api.allocate_mac(tenant, interface_id='no-such-vif')


def test_allocate_mac_for_another_tenants_interface_is_not_found(
        melange, macs, tenant):
    vif = _interface_without_mac(melange, tenant)
    macs.fresh()
    with refused(melange, exception.InterfaceNotFound):
        melange.api.allocate_mac(melange.tenant(), interface_id=vif)


# -- bad input ------------------------------------------------------------

BAD_CALLS = [
    ('create_mac_range', {}, exception.InvalidInput),
    ('create_mac_range', {'cidr': '0a:00:00:00:01:00/46', 'size': 4},
     exception.InvalidInput),
    ('get_mac_range', {}, exception.InvalidInput),
    ('get_mac_range', {'mac_range_id': 42}, exception.InvalidInput),
    ('delete_mac_range', {'mac_range_id': None}, exception.InvalidInput),
    ('allocate_mac', {'interface_id': 42}, exception.InvalidInput),
    ('allocate_mac', {'mac_range_id': 'x'}, exception.InvalidInput),
    ('release_mac', {}, exception.InvalidInput),
    ('release_mac', {'mac_address': 'zz:zz:zz:zz:zz:zz'},
     exception.InvalidInput),
    ('release_mac', {'mac_address': 42}, exception.InvalidInput),
    ('allocate_mac', {'idempotency_key': 'k' * 256},
     exception.InvalidInput),
]


@pytest.mark.parametrize('method,kwargs,error', BAD_CALLS,
                         ids=['%s-%d' % (m, i) for i, (m, _, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_is_a_typed_error_that_changes_nothing(
        melange, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, melange.admin, method, **kwargs)
