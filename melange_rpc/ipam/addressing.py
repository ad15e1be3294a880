"""Parsing and normalising addresses, CIDRs and keys (netaddr does the maths).

Input is strict: ``10.011.0.1`` (a leading zero, read as octal by some
libraries) and other ambiguous spellings are refused; valid alternative
spellings (``fe80:0:0::1``) are normalised.
"""

import re

import netaddr

from melange_rpc import exception

_PREFIX = re.compile(r'^[0-9]{1,3}$')
MAX_ADDRESS_TEXT = 64


def _text(value, field):
    if (not isinstance(value, str) or not value
            or len(value) > MAX_ADDRESS_TEXT):
        raise exception.InvalidInput(
            errors={field: 'must be a non-empty string of at most %d '
                           'characters' % MAX_ADDRESS_TEXT})
    return value


def parse_address(value, field='address'):
    """An address string as a netaddr.IPAddress, or InvalidInput."""
    text = _text(value, field)
    try:
        return netaddr.IPAddress(text, flags=netaddr.INET_PTON)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise exception.InvalidInput(
            errors={field: '%r is not a valid IP address' % value})


def parse_cidr(value, field='cidr'):
    """A CIDR, normalised to its network (10.0.0.1/31 -> 10.0.0.0/31)."""
    text = _text(value, field)
    address, slash, prefix = text.partition('/')
    if not slash or not _PREFIX.match(prefix):
        raise exception.InvalidInput(
            errors={field: '%r is not a CIDR (address/prefix length)' % value})
    ip = parse_address(address, field)
    prefixlen = int(prefix)
    if prefixlen > ip.netmask_bits() or prefixlen > (32 if ip.version == 4
                                                     else 128):
        raise exception.InvalidInput(
            errors={field: 'prefix length /%s is too long for IPv%d'
                           % (prefix, ip.version)})
    return netaddr.IPNetwork((int(ip), prefixlen), version=ip.version).cidr


def format_address(ip):
    """Canonical text: dotted IPv4, compressed IPv6."""
    return str(ip)


# Keys are addresses as this many lower-case hex digits (128 bits).
KEY_DIGITS = 32


def key(ip):
    """The sortable key of an address or integer: 32 hex digits."""
    return '%0*x' % (KEY_DIGITS, int(ip))


def from_key(key_text, version):
    return netaddr.IPAddress(int(key_text, 16), version=version)


def netmask(cidr):
    """IPv4 dotted netmask; IPv6 the prefix length as text (API.md)."""
    if cidr.version == 4:
        return str(cidr.netmask)
    return str(cidr.prefixlen)


def broadcast(cidr):
    if cidr.version == 4 and cidr.prefixlen <= 30:
        return str(cidr.broadcast)
    return None


def usable_bounds(cidr):
    """(first, last) integers of the allocatable span, or None.

    IPv4 up to /30 loses its network and broadcast address; /31 keeps both
    (RFC 3021) and /32 its single address. IPv6 loses the subnet-router
    anycast address, which is the prefix itself (RFC 4291 2.6.1).
    """
    first, last = cidr.first, cidr.last
    if cidr.version == 4:
        if cidr.prefixlen <= 30:
            first, last = first + 1, last - 1
    else:
        first += 1
    if first > last:
        return None
    return first, last


def is_reserved(cidr, value, gateway=None):
    """True for the network, broadcast, anycast and gateway addresses."""
    bounds = usable_bounds(cidr)
    if bounds is None or not bounds[0] <= int(value) <= bounds[1]:
        return True
    return gateway is not None and int(value) == int(gateway)
