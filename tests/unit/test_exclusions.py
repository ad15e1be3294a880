import netaddr
import pytest

from melange_rpc.ipam import exclusions

CIDR = netaddr.IPNetwork('10.0.0.0/24')
BASE = CIDR.first


@pytest.mark.parametrize('offset,length,span', [
    (0, 1, (0, 0)),
    (1, 9, (1, 9)),
    (250, 100, (250, 255)),        # clipped at the end
    (-3, 3, (253, 255)),           # the last three
    (-3, 10, (253, 255)),          # never runs past the end
    (-300, 2, (0, 1)),             # starts at the beginning at the latest
])
def test_range_offsets_count_from_start_or_end(offset, length, span):
    first, last = exclusions.span_of(CIDR, offset, length)
    assert (first - BASE, last - BASE) == span


def test_a_range_past_the_end_excludes_nothing():
    assert exclusions.span_of(CIDR, 256, 5) is None


def test_octets_are_skipped_to_the_next_allowed_address():
    policy = exclusions.Exclusions(CIDR, octets=[5, 6, 255])
    assert policy.next_allowed(BASE + 5, BASE + 255) == BASE + 7
    assert policy.next_allowed(BASE + 255, BASE + 255) is None
    assert policy.excludes(BASE + 6) and not policy.excludes(BASE + 7)


def test_ipv6_octets_match_the_last_16_bit_group():
    cidr = netaddr.IPNetwork('fe80::/64')
    policy = exclusions.Exclusions(cidr, octets=[1, 300])
    assert policy.excludes(int(netaddr.IPAddress('fe80::1:12c')))
    assert policy.excludes(int(netaddr.IPAddress('fe80::ff:1')))
    assert not policy.excludes(int(netaddr.IPAddress('fe80::1:2')))


def test_ipv4_ignores_octets_above_255():
    assert not exclusions.Exclusions(CIDR, octets=[300])


@pytest.mark.parametrize('ranges,octets', [
    ([(0, 10)], []),
    ([], [0, 7, 255]),
    ([(0, 10), (5, 20), (-5, 5)], [3, 7, 254]),
])
def test_count_matches_a_plain_enumeration(ranges, octets):
    cidr = netaddr.IPNetwork('10.0.0.0/22')
    policy = exclusions.Exclusions(cidr, ranges, octets)
    first, last = cidr.first + 1, cidr.last - 1
    expected = sum(1 for v in range(first, last + 1) if policy.excludes(v))
    assert policy.count(first, last) == expected
