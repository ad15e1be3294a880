"""Routes of a block, handed to hosts in their IpConfig."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional.helpers import refused


def test_create_route_returns_the_route(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.0.0/24')
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='192.168.0.0/16',
                                     gateway='10.90.0.1')
    assert route == {'id': route['id'], 'block_id': block['id'],
                     'destination': '192.168.0.0/16',
                     'gateway': '10.90.0.1'}


def test_a_route_destination_is_normalised_to_its_network(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.1.0/24')
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='192.168.5.7/24',
                                     gateway='10.90.1.1')
    assert route['destination'] == '192.168.5.0/24'


def test_an_ipv6_route_is_normalised(melange, tenant):
    block = melange.api.create_block(tenant, cidr='fd00:90::/64')
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='FD00:0091:0:0::/48',
                                     gateway='FD00:90:0:0::1')
    assert (route['destination'], route['gateway']) == (
        'fd00:91::/48', 'fd00:90::1')


def test_list_routes_returns_the_routes_in_creation_order(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.2.0/24')
    routes = [melange.api.create_route(tenant, block_id=block['id'],
                                       destination=destination,
                                       gateway='10.90.2.1')
              for destination in ('172.16.9.0/24', '0.0.0.0/0',
                                  '172.16.1.0/24')]
    listed = melange.api.list_routes(tenant, block_id=block['id'])
    assert listed == {'items': routes, 'next_marker': None}


def test_a_block_without_routes_lists_none(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.3.0/24')
    assert melange.api.list_routes(tenant, block_id=block['id']) == {
        'items': [], 'next_marker': None}


def test_delete_route_returns_none_and_the_route_is_gone(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.4.0/24')
    kept, gone = [melange.api.create_route(tenant, block_id=block['id'],
                                           destination=destination,
                                           gateway='10.90.4.1')
                  for destination in ('172.16.2.0/24', '172.16.3.0/24')]
    assert melange.api.delete_route(tenant, block_id=block['id'],
                                    route_id=gone['id']) is None
    assert melange.api.list_routes(tenant, block_id=block['id'])[
        'items'] == [kept]


def test_routes_appear_in_the_ip_config_of_the_blocks_addresses(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.5.0/24',
                                     gateway='10.90.5.1')
    for destination in ('172.16.4.0/24', '172.16.5.0/24'):
        melange.api.create_route(tenant, block_id=block['id'],
                                 destination=destination,
                                 gateway='10.90.5.254')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    expected = [{'destination': '172.16.4.0/24', 'gateway': '10.90.5.254'},
                {'destination': '172.16.5.0/24', 'gateway': '10.90.5.254'}]
    assert ip['block']['routes'] == expected
    assert melange.api.get_ip(tenant, block_id=block['id'],
                              address=ip['address'])['block'][
        'routes'] == expected


def test_a_deleted_route_leaves_the_ip_config(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.6.0/24')
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='172.16.6.0/24',
                                     gateway='10.90.6.1')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'],
                                 address='10.90.6.9')
    melange.api.delete_route(tenant, block_id=block['id'],
                             route_id=route['id'])
    assert melange.api.get_ip(tenant, block_id=block['id'],
                              address=ip['address'])['block']['routes'] == []


def test_routes_of_another_block_stay_out_of_the_ip_config(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.7.0/24')
    other = melange.api.create_block(tenant, cidr='10.90.7.0/24')
    melange.api.create_route(tenant, block_id=other['id'],
                             destination='172.16.7.0/24',
                             gateway='10.90.7.1')
    ip = melange.api.allocate_ip(tenant, block_id=block['id'])
    assert ip['block']['routes'] == []


def test_routes_of_another_tenants_block_are_block_not_found(
        melange, tenant):
    block = melange.api.create_block(melange.tenant(), cidr='10.90.8.0/24')
    with refused(melange, exception.BlockNotFound):
        melange.api.create_route(tenant, block_id=block['id'],
                                 destination='172.16.8.0/24',
                                 gateway='10.90.8.1')
    with pytest.raises(exception.BlockNotFound):
        melange.api.list_routes(tenant, block_id=block['id'])


def test_deleting_an_unknown_route_is_route_not_found(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.9.0/24')
    with refused(melange, exception.RouteNotFound):
        melange.api.delete_route(tenant, block_id=block['id'],
                                 route_id='no-such-route')


def test_deleting_a_route_through_another_block_is_route_not_found(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.90.10.0/24')
    other = melange.api.create_block(tenant, cidr='10.90.11.0/24')
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='172.16.10.0/24',
                                     gateway='10.90.10.1')
    with refused(melange, exception.RouteNotFound):
        melange.api.delete_route(tenant, block_id=other['id'],
                                 route_id=route['id'])


@pytest.mark.parametrize('destination,gateway', [
    ('nowhere', '10.90.12.1'),
    ('172.16.12.0/33', '10.90.12.1'),
    ('172.16.12.0/24', 'router'),
    ('172.16.12.0/24', '10.090.12.1'),
], ids=['destination-word', 'destination-prefix', 'gateway-word',
        'gateway-leading-zero'])
def test_a_malformed_route_is_invalid(melange, tenant, destination, gateway):
    block = melange.api.create_block(tenant, cidr='10.90.12.0/24')
    with refused(melange, exception.InvalidInput):
        melange.api.create_route(tenant, block_id=block['id'],
                                 destination=destination, gateway=gateway)


BAD_CALLS = [
    ('create_route', {'block_id': 'b', 'destination': '0.0.0.0/0'},
     exception.InvalidInput),
    ('create_route', {'block_id': 'b', 'destination': '0.0.0.0/0',
                      'gateway': '10.0.0.1', 'metric': 1},
     exception.InvalidInput),
    ('create_route', {'block_id': 'no-such-block',
                      'destination': '0.0.0.0/0', 'gateway': '10.0.0.1'},
     exception.BlockNotFound),
    ('list_routes', {}, exception.InvalidInput),
    ('list_routes', {'block_id': 'b', 'colour': 'red'},
     exception.InvalidInput),
    ('list_routes', {'block_id': 'no-such-block'}, exception.BlockNotFound),
    ('delete_route', {'block_id': 'b'}, exception.InvalidInput),
    ('delete_route', {'block_id': 'no-such-block', 'route_id': 'r'},
     exception.BlockNotFound),
]


@pytest.mark.parametrize(
    'method,kwargs,error', BAD_CALLS,
    ids=['%s-%s' % (m, '-'.join(k) or 'nothing') for m, k, _ in BAD_CALLS])
def test_a_bad_route_call_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    with refused(melange, error):
        helpers.raw(melange, tenant, method, **kwargs)
