"""Addresses of an imported block that nova would not hand out.

nova-network kept a row per address and marked some reserved; melange
hands out any usable address of a block that is not excluded. So what
nova withheld beyond melange's own reservations (network, broadcast,
gateway) becomes a policy of the block: the addresses below
``allowed_start`` or above ``allowed_end`` of ``nova-manage network
create``, a DHCP server address other than the gateway, VlanManager's
VPN address; for a floating pool, the addresses of its covering CIDR
that were never in the pool. netaddr's IPSet keeps them as merged
ranges, so a mostly reserved /16 costs a few intervals, not 65,536
addresses.
"""

import netaddr

from melange_rpc.db import policies as db_policies
from melange_rpc.ipam import addressing
from melange_rpc.ipam import policies


def usable(cidr, gateway=None):
    """What melange may hand out of ``cidr``, as an IPSet."""
    bounds = addressing.usable_bounds(cidr)
    found = netaddr.IPSet()
    if bounds is not None:
        found.add(netaddr.IPRange(*(netaddr.IPAddress(v, cidr.version)
                                    for v in bounds)))
    if gateway is not None:
        found.remove(gateway)
    return found


def covering_cidr(addresses):
    """The smallest CIDR whose usable addresses hold every one of
    ``addresses`` (an IPSet), or None for an empty set.

    The spanning CIDR of the lowest and highest, widened while one of
    them is that CIDR's network or broadcast address: those are never
    handed out, and nova's pools (``nova-manage floating create
    --ip_range``) may hold them.
    """
    ranges = list(addresses.iter_ipranges())
    if not ranges:
        return None
    first, last = ranges[0][0], ranges[-1][-1]
    cidr = netaddr.spanning_cidr([first, last])
    while first not in usable(cidr) or last not in usable(cidr):
        if cidr.prefixlen == 0:
            return None
        cidr = cidr.supernet(cidr.prefixlen - 1)[0]
    return cidr


def policy_for(session, name, tenant_id, cidr, withheld, gateway=None):
    """A policy whose unusable ranges are ``withheld`` (an IPSet), less
    what the block of ``cidr`` and ``gateway`` reserves anyway, for a
    block about to be created: (policy, rules) to pass to blocks.create,
    or (None, no rules) when nothing is left to withhold."""
    withheld = withheld & usable(cidr, gateway)
    if not withheld:
        return None, ((), ())
    policy = policies.create(session, name[:255], tenant_id, description=(
        'Addresses nova-network did not hand out (melange-rpc-manage '
        'import-nova).'))
    for span in withheld.iter_ipranges():
        policies.add_range(session, policy, span.first - cidr.first,
                           span.size)
    return policy, db_policies.rules(session, policy.id)
