"""Helpers for the MAC, interface, instance, floating IP and NAT specs.

MAC ranges are global to a server, and one server serves every test of a
session (one test at a time per worker). ``allocate_mac`` takes from the
OLDEST range with space, so a test that expects exact MACs first fills
every range left with space (``MacRanges.drain``), then creates its own;
at the end every MAC it drained or that lies in its ranges is released
and its ranges are deleted, so the next test starts as this one did.
"""

import ipaddress
import itertools
import time
import uuid

from melange_rpc import context
from melange_rpc import exception

_public = itertools.count()
_PUBLIC_SPACE = int(ipaddress.IPv4Address('198.18.0.0'))     # a /15
_DRAIN_LIMIT = 512


def nova():
    """Nova as the API's examples name it: the service role."""
    return context.RequestContext(project_id='nova', user_id='nova',
                                  roles=['service'])


def public_cidr(prefixlen=28):
    """An IPv4 CIDR no public block of this process holds yet.

    Public blocks never overlap, across all tenants and networks.
    """
    step = 2 ** (32 - prefixlen)
    start = _PUBLIC_SPACE + next(_public) * 64
    assert step <= 64
    return '%s/%d' % (ipaddress.IPv4Address(start), prefixlen)


def mac_text(value):
    return ':'.join('%02x' % b for b in value.to_bytes(6, 'big'))


def _random_unicast():
    raw = bytearray(uuid.uuid4().bytes[:6])
    raw[0] = (raw[0] & 0xfc) | 0x02     # unicast, locally administered
    return int.from_bytes(bytes(raw), 'big')


def mac():
    """A unicast MAC no test uses (and, in practice, in no range)."""
    return mac_text(_random_unicast())


def mac_cidr(prefixlen=46):
    """A MAC range (normalised text) no other test uses."""
    host_bits = 48 - prefixlen
    first = _random_unicast() >> host_bits << host_bits
    return '%s/%d' % (mac_text(first), prefixlen)


def macs_in(cidr):
    """Every MAC of a range, lowest first."""
    text, prefixlen = cidr.split('/')
    first = int(text.replace(':', ''), 16)
    return [mac_text(first + i) for i in range(2 ** (48 - int(prefixlen)))]


class MacRanges:
    """MAC ranges a test creates, and the cleanup after it."""

    def __init__(self, melange):
        self.melange = melange
        self.created = []
        self.drained = []

    def drain(self):
        """Fill every range that has space, so a new range is the oldest
        with space (allocate_mac uses ranges in creation order)."""
        api, admin = self.melange.api, self.melange.admin
        for _ in range(_DRAIN_LIMIT):
            try:
                self.drained.append(api.allocate_mac(admin)['mac_address'])
            except exception.NoMoreMacAddresses:
                return
        raise AssertionError('other tests left over %d free MACs'
                             % _DRAIN_LIMIT)

    def create(self, prefixlen=46):
        mac_range = self.melange.api.create_mac_range(
            self.melange.admin, cidr=mac_cidr(prefixlen))
        self.created.append(mac_range)
        return mac_range

    def fresh(self, prefixlen=46):
        """The only range with free MACs: lowest free MAC first."""
        self.drain()
        return self.create(prefixlen)

    def cleanup(self):
        api, admin = self.melange.api, self.melange.admin
        for address in self.drained:
            api.release_mac(admin, mac_address=address)
        for mac_range in self.created:
            try:
                current = api.get_mac_range(admin, mac_range['id'])
            except exception.MacRangeNotFound:
                continue
            if current['allocated']:
                for address in macs_in(current['cidr']):
                    api.release_mac(admin, mac_address=address)
            api.delete_mac_range(admin, mac_range['id'])


def mac_ranges(melange):
    """Body of a ``macs`` fixture: ``yield from mac_ranges(melange)``."""
    ranges = MacRanges(melange)
    try:
        yield ranges
    finally:
        ranges.cleanup()


def eventually(check, timeout=15.0, interval=0.1):
    """Poll ``check()`` until it returns a true value (for casts)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def by_version(subnets):
    """Subnets of a VIF in a stable order (API.md does not order them)."""
    return sorted(subnets, key=lambda subnet: subnet['version'])
