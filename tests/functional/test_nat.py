"""NAT: inside-global addresses of an inside-local one, and the mirror."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional import helpers_vif
from tests.functional.helpers import refused


def _addresses(melange, ctxt, cidr, count):
    """``count`` addresses (IpAddress dicts) of a fresh block of ``ctxt``."""
    block = melange.api.create_block(ctxt, cidr=cidr,
                                     network_id=helpers.network_id())
    return [_plain(melange.api.allocate_ip(ctxt, block_id=block['id']))
            for _ in range(count)]


def _plain(ip_config):
    """The IpAddress part of an IpConfig."""
    return {key: value for key, value in ip_config.items() if key != 'block'}


def _ids(items):
    return [item['id'] for item in items]


@pytest.fixture
def local(melange, tenant):
    (ip,) = _addresses(melange, tenant, '10.210.0.0/24', 1)
    return ip


@pytest.fixture
def globals_(melange, tenant):
    return _addresses(melange, tenant, '192.168.210.0/24', 2)


# -- inside globals -------------------------------------------------------

def test_add_inside_globals_returns_the_globals(melange, tenant, local,
                                               globals_):
    added = melange.api.add_inside_globals(
        tenant, local_ip_id=local['id'], global_ip_ids=_ids(globals_))
    assert added == globals_


def test_list_inside_globals_lists_the_linked_addresses(melange, tenant,
                                                        local, globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert listed == {'items': globals_, 'next_marker': None}


def test_inside_globals_are_listed_in_address_order(melange, tenant, local,
                                                    globals_):
    melange.api.add_inside_globals(
        tenant, local_ip_id=local['id'],
        global_ip_ids=list(reversed(_ids(globals_))))
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert listed['items'] == globals_


def test_an_address_without_links_has_no_inside_globals(melange, tenant,
                                                       local):
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert listed == {'items': [], 'next_marker': None}


def test_linking_twice_lists_once(melange, tenant, local, globals_):
    for _ in range(2):
        melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                       global_ip_ids=_ids(globals_[:1]))
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert listed['items'] == globals_[:1]


def test_inside_globals_show_as_inside_locals_of_each_global(
        melange, tenant, local, globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    for ip in globals_:
        listed = melange.api.list_inside_locals(tenant, global_ip_id=ip['id'])
        assert listed == {'items': [local], 'next_marker': None}


def test_remove_one_inside_global(melange, tenant, local, globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    assert melange.api.remove_inside_globals(
        tenant, local_ip_id=local['id'],
        global_ip_id=globals_[0]['id']) is None
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert listed['items'] == globals_[1:]
    assert melange.api.list_inside_locals(
        tenant, global_ip_id=globals_[0]['id'])['items'] == []


def test_remove_every_inside_global(melange, tenant, local, globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    assert melange.api.remove_inside_globals(
        tenant, local_ip_id=local['id']) is None
    assert melange.api.list_inside_globals(
        tenant, local_ip_id=local['id'])['items'] == []


# -- inside locals (the mirror) -------------------------------------------

def test_add_inside_locals_returns_the_locals(melange, tenant):
    (glob,) = _addresses(melange, tenant, '192.168.211.0/24', 1)
    locals_ = _addresses(melange, tenant, '10.211.0.0/24', 2)
    added = melange.api.add_inside_locals(tenant, global_ip_id=glob['id'],
                                          local_ip_ids=_ids(locals_))
    assert added == locals_
    listed = melange.api.list_inside_locals(tenant, global_ip_id=glob['id'])
    assert listed == {'items': locals_, 'next_marker': None}


def test_inside_locals_show_as_inside_globals_of_each_local(melange,
                                                            tenant):
    (glob,) = _addresses(melange, tenant, '192.168.212.0/24', 1)
    locals_ = _addresses(melange, tenant, '10.212.0.0/24', 2)
    melange.api.add_inside_locals(tenant, global_ip_id=glob['id'],
                                  local_ip_ids=_ids(locals_))
    for ip in locals_:
        assert melange.api.list_inside_globals(
            tenant, local_ip_id=ip['id'])['items'] == [glob]


def test_remove_one_inside_local(melange, tenant):
    (glob,) = _addresses(melange, tenant, '192.168.213.0/24', 1)
    locals_ = _addresses(melange, tenant, '10.213.0.0/24', 2)
    melange.api.add_inside_locals(tenant, global_ip_id=glob['id'],
                                  local_ip_ids=_ids(locals_))
    assert melange.api.remove_inside_locals(
        tenant, global_ip_id=glob['id'],
        local_ip_id=locals_[1]['id']) is None
    assert melange.api.list_inside_locals(
        tenant, global_ip_id=glob['id'])['items'] == locals_[:1]
    assert melange.api.list_inside_globals(
        tenant, local_ip_id=locals_[1]['id'])['items'] == []


def test_remove_every_inside_local(melange, tenant):
    (glob,) = _addresses(melange, tenant, '192.168.214.0/24', 1)
    locals_ = _addresses(melange, tenant, '10.214.0.0/24', 2)
    melange.api.add_inside_locals(tenant, global_ip_id=glob['id'],
                                  local_ip_ids=_ids(locals_))
    melange.api.remove_inside_locals(tenant, global_ip_id=glob['id'])
    assert melange.api.list_inside_locals(
        tenant, global_ip_id=glob['id'])['items'] == []
    for ip in locals_:
        assert melange.api.list_inside_globals(
            tenant, local_ip_id=ip['id'])['items'] == []


def test_a_floating_ip_serves_as_inside_global(melange, tenant, local):
    net = helpers.network_id()
    melange.api.create_block(melange.admin, cidr=helpers_vif.public_cidr(),
                             type='public', network_id=net)
    floating = melange.api.allocate_floating_ip(tenant, network_id=net)
    added = melange.api.add_inside_globals(
        tenant, local_ip_id=local['id'], global_ip_ids=[floating['id']])
    assert _ids(added) == [floating['id']]
    assert melange.api.list_inside_locals(
        tenant, global_ip_id=floating['id'])['items'] == [local]


# -- links end with their addresses ---------------------------------------

def test_reclaiming_an_address_drops_its_nat_links(melange, tenant, local,
                                                   globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    melange.api.deallocate_ip(tenant, block_id=globals_[0]['block_id'],
                              address=globals_[0]['address'])
    melange.api.reclaim_deallocated_ips(melange.admin, older_than=0)
    listed = melange.api.list_inside_globals(tenant, local_ip_id=local['id'])
    assert _ids(listed['items']) == [globals_[1]['id']]


# -- tenancy and bad input ------------------------------------------------

def test_linking_an_unknown_address_is_not_found(melange, tenant, local):
    with refused(melange, exception.AddressNotFound):
        melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                       global_ip_ids=['no-such-ip'])


def test_linking_an_unknown_local_is_not_found(melange, tenant, globals_):
    with refused(melange, exception.AddressNotFound):
        melange.api.add_inside_globals(tenant, local_ip_id='no-such-ip',
                                       global_ip_ids=_ids(globals_))


def test_one_unknown_address_links_none(melange, tenant, local, globals_):
    with refused(melange, exception.AddressNotFound):
        melange.api.add_inside_globals(
            tenant, local_ip_id=local['id'],
            global_ip_ids=_ids(globals_) + ['no-such-ip'])


def test_another_tenants_addresses_are_not_found(melange, tenant, local,
                                                 globals_):
    other = melange.tenant()
    with refused(melange, exception.AddressNotFound):
        melange.api.add_inside_globals(other, local_ip_id=local['id'],
                                       global_ip_ids=_ids(globals_))
    with pytest.raises(exception.AddressNotFound):
        melange.api.list_inside_globals(other, local_ip_id=local['id'])
    with pytest.raises(exception.AddressNotFound):
        melange.api.list_inside_locals(other, global_ip_id=globals_[0]['id'])


def test_linking_another_tenants_address_is_not_found(melange, tenant,
                                                      local):
    (theirs,) = _addresses(melange, melange.tenant(), '192.168.215.0/24', 1)
    with refused(melange, exception.AddressNotFound):
        melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                       global_ip_ids=[theirs['id']])


def test_removing_links_of_another_tenant_is_not_found(melange, tenant,
                                                       local, globals_):
    melange.api.add_inside_globals(tenant, local_ip_id=local['id'],
                                   global_ip_ids=_ids(globals_))
    with refused(melange, exception.AddressNotFound):
        melange.api.remove_inside_globals(melange.tenant(),
                                          local_ip_id=local['id'])


BAD_CALLS = [
    ('add_inside_globals', {'local_ip_id': 'x'}),
    ('add_inside_globals', {'local_ip_id': 42, 'global_ip_ids': ['y']}),
    ('add_inside_locals', {'global_ip_id': 'x', 'local_ip_ids': ['y'],
                           'port': 1}),
    ('list_inside_globals', {}),
    ('list_inside_locals', {'global_ip_id': 42}),
    ('remove_inside_globals', {}),
    ('remove_inside_locals', {'local_ip_id': 'x'}),
]


@pytest.mark.parametrize('method,kwargs', BAD_CALLS,
                         ids=['%s-%d' % (m, i) for i, (m, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_is_invalid_input_that_changes_nothing(
        melange, tenant, method, kwargs):
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, method, **kwargs)


@pytest.mark.parametrize('ids', [[], 'not-a-list', [42]],
                         ids=['empty', 'string', 'integer-id'])
def test_a_bad_list_of_ids_is_invalid_input(melange, tenant, local, ids):
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, tenant, 'add_inside_globals',
                    local_ip_id=local['id'], global_ip_ids=ids)
