import netaddr
import pytest

from melange_rpc import exception
from melange_rpc.ipam import addressing
from melange_rpc.ipam import space


@pytest.mark.parametrize('text,expected', [
    ('10.0.0.1/31', '10.0.0.0/31'),
    ('10.1.2.3/8', '10.0.0.0/8'),
    ('fe80:0:0::1/64', 'fe80::/64'),
    ('2001:DB8::/32', '2001:db8::/32'),
])
def test_cidr_is_normalised_to_its_network(text, expected):
    assert str(addressing.parse_cidr(text)) == expected


@pytest.mark.parametrize('text', ['10.011.0.0/24', '10.0.0.0/33', '10.0.0.0',
                                  '10.0.0.0/', '10.0.0.0/-1', 'fe80::/129',
                                  '', ' 10.0.0.0/24', '10.0.0.0/24 '])
def test_malformed_cidr_is_invalid_input(text):
    with pytest.raises(exception.InvalidInput) as caught:
        addressing.parse_cidr(text)
    assert 'cidr' in caught.value.errors


@pytest.mark.parametrize('value', [None, 5, ['10.0.0.1'], 'x' * 65])
def test_address_must_be_a_short_string(value):
    with pytest.raises(exception.InvalidInput):
        addressing.parse_address(value)


def test_keys_sort_like_addresses_across_versions():
    ips = [netaddr.IPAddress(a) for a in
           ('10.0.0.2', '10.0.0.10', '192.168.0.1', '::ffff:0:1', 'fe80::1')]
    assert sorted(ips, key=addressing.key) == ips
    assert all(len(addressing.key(ip)) == 32 for ip in ips)
    assert addressing.from_key(addressing.key(ips[-1]), 6) == ips[-1]


@pytest.mark.parametrize('cidr,bounds', [
    ('10.0.0.0/24', ('10.0.0.1', '10.0.0.254')),
    ('10.0.0.0/30', ('10.0.0.1', '10.0.0.2')),
    ('10.0.0.0/31', ('10.0.0.0', '10.0.0.1')),    # RFC 3021
    ('10.0.0.7/32', ('10.0.0.7', '10.0.0.7')),
    ('fe80::/64', ('fe80::1', 'fe80::ffff:ffff:ffff:ffff')),
])
def test_usable_bounds_leave_out_network_broadcast_and_anycast(cidr, bounds):
    first, last = addressing.usable_bounds(netaddr.IPNetwork(cidr))
    assert (str(netaddr.IPAddress(first)),
            str(netaddr.IPAddress(last))) == bounds


def test_a_slash_128_has_no_usable_address():
    assert addressing.usable_bounds(netaddr.IPNetwork('fe80::1/128')) is None


def test_ipv6_netmask_is_the_prefix_length_and_there_is_no_broadcast():
    cidr = netaddr.IPNetwork('fe80::/64')
    assert addressing.netmask(cidr) == '64'
    assert addressing.broadcast(cidr) is None


def test_subtract_cuts_holes_out_of_intervals():
    assert space.subtract([(1, 10)], [(3, 4), (8, 20)]) == [(1, 2), (5, 7)]
    assert space.subtract([(1, 10)], [(0, 10)]) == []
    assert space.subtract([(1, 3), (5, 9)], [(2, 6)]) == [(1, 1), (7, 9)]


def test_initial_free_space_skips_the_gateway():
    cidr = netaddr.IPNetwork('10.0.0.0/29')
    free = space.initial_free(cidr, netaddr.IPAddress('10.0.0.1'))
    assert free == [(int(netaddr.IPAddress('10.0.0.2')),
                     int(netaddr.IPAddress('10.0.0.6')))]
