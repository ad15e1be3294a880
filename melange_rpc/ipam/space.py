"""Interval arithmetic on a block's address space (integers, inclusive)."""

from melange_rpc.ipam import addressing


def subtract(intervals, holes):
    """``intervals`` minus ``holes``: lists of (first, last), in order."""
    result = []
    holes = sorted(holes)
    for first, last in intervals:
        start = first
        for h_first, h_last in holes:
            if h_last < start or h_first > last:
                continue
            if h_first > start:
                result.append((start, h_first - 1))
            start = max(start, h_last + 1)
            if start > last:
                break
        if start <= last:
            result.append((start, last))
    return result


def initial_free(cidr, gateway=None, excluded=()):
    """The free intervals of a new block: usable span less reservations."""
    bounds = addressing.usable_bounds(cidr)
    if bounds is None:
        return []
    holes = list(excluded)
    if gateway is not None:
        holes.append((int(gateway), int(gateway)))
    return subtract([bounds], holes)


def usable_size(cidr):
    bounds = addressing.usable_bounds(cidr)
    return 0 if bounds is None else bounds[1] - bounds[0] + 1
