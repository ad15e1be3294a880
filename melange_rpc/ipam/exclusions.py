"""What a block's policy withholds: unusable ranges and unusable octets.

Pure arithmetic on integers; nothing here enumerates a block. Ranges are
turned into absolute spans once; octets are tested (and counted) with
modular arithmetic, since they recur every 256 (IPv4) or 65,536 (IPv6)
addresses.
"""

from melange_rpc.ipam import space


def span_of(cidr, offset, length):
    """The absolute (first, last) that ``cidr[offset:offset+length]`` covers.

    A negative offset starts ``-offset`` addresses before the end and never
    runs past it. Returns None when the slice is empty.
    """
    size = cidr.size
    start = offset if offset >= 0 else max(size + offset, 0)
    end = min(start + length, size) - 1
    if start >= size or end < start:
        return None
    return cidr.first + start, cidr.first + end


class Exclusions:
    """The policy of one block, ready to apply to its addresses."""

    def __init__(self, cidr, ranges=(), octets=()):
        self.modulus = 256 if cidr.version == 4 else 65536
        # An octet as hex digits at the end of an address key.
        self.octet_digits = 2 if cidr.version == 4 else 4
        self.spans = _merge(filter(None, (span_of(cidr, offset, length)
                                          for offset, length in ranges)))
        self.octets = sorted({o for o in octets if o < self.modulus})

    def __bool__(self):
        return bool(self.spans or self.octets)

    def in_span(self, value):
        return any(first <= value <= last for first, last in self.spans)

    def octet_excluded(self, value):
        return value % self.modulus in self.octets

    def excludes(self, value):
        return self.in_span(value) or self.octet_excluded(value)

    def next_allowed(self, value, last):
        """The lowest address in [value, last] no octet rule excludes."""
        if not self.octets:
            return value
        if len(self.octets) == self.modulus:
            return None
        excluded = set(self.octets)
        while value <= last and value % self.modulus in excluded:
            value += 1
        return value if value <= last else None

    def count(self, first, last):
        """How many addresses in [first, last] this policy excludes."""
        spans = space.subtract([(first, last)],
                               space.subtract([(first, last)], self.spans))
        in_spans = sum(b - a + 1 for a, b in spans)
        octets = self._octet_count(first, last)
        both = sum(self._octet_count(a, b) for a, b in spans)
        return in_spans + octets - both

    def _octet_count(self, first, last):
        m = self.modulus
        return sum((last - o) // m - (first - 1 - o) // m
                   for o in self.octets)


def _merge(spans):
    merged = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
