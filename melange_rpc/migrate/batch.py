"""One transaction's worth of imported rows, and what every row needs.

A row the domain refuses (a MAC another interface holds, a gateway
outside its network, an overlap) is rolled back to its own savepoint and
reported as skipped with the error's code; the other rows of the batch
go on. Database errors are not caught: the writer retries the whole
batch (deadlocks, lost races) or the import stops.
"""

import netaddr
from oslo_log import log as logging

from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import blocks as db_blocks
from melange_rpc import exception
from melange_rpc.ipam import addressing
from melange_rpc.ipam import blocks
from melange_rpc.migrate import tally as counts
from melange_rpc.migrate import withheld as withheld_space

LOG = logging.getLogger(__name__)


def ipset(addresses):
    """An IPSet of address texts, merged as they come (memory follows
    the ranges, not the addresses)."""
    found = netaddr.IPSet()
    for address in addresses:
        found.add(address)
    return found


class Batch:
    def __init__(self, session):
        self.session = session
        self.tally = counts.Tally()
        self._blocks = {}

    def attempt(self, kind, what, fn):
        """``fn()`` in a savepoint; if the domain refuses it, count
        ``what`` as skipped and return None."""
        try:
            with self.session.begin_nested():
                return fn()
        except exception.MelangeError as error:
            refused = error
        # Logged outside the handler: oslo.log would append the traceback
        # of the exception being handled, and a refusal is not a crash.
        LOG.warning('%s: %s skipped: %s', kind, what, refused)
        self.tally.skipped(kind, refused.code)
        # Objects the savepoint touched may hold what it rolled back.
        self.session.expire_all()
        return None

    def blocks_of(self, network_id):
        """The network's blocks (read once per batch)."""
        if network_id not in self._blocks:
            self._blocks[network_id] = list(
                db_blocks.in_network(self.session, network_id))
        return self._blocks[network_id]

    def block_containing(self, network_id, address):
        if network_id is None:
            return None
        for block in self.blocks_of(network_id):
            if address.version == block.ip_version and (
                    address in blocks.cidr_of(block)):
                return block
        return None

    def ensure_address(self, kind, block, address, allocate):
        """``allocate()`` the address unless the block holds it already;
        the new row, or None if it was there."""
        if db_addresses.get(self.session, block.id, int(address)):
            self.tally.present(kind)
            return None
        row = allocate()
        self.tally.created(kind)
        return row

    def ensure_block(self, kind, network_id, cidr, tenant_id, withheld=None,
                     policy_name=None, **attributes):
        """The network's block of ``cidr``, created if it is not there.

        ``withheld()`` (read only when the block is created) gives the
        addresses nova did not hand out, kept out by a policy.
        """
        for block in self.blocks_of(network_id):
            if block.cidr == str(cidr):
                self.tally.present(kind)
                return block
        gateway = attributes.get('gateway')
        policy, rules = withheld_space.policy_for(
            self.session, policy_name, tenant_id, cidr,
            withheld() if withheld is not None else netaddr.IPSet(),
            addressing.parse_address(gateway, 'gateway') if gateway
            else None)
        block = blocks.create(self.session, cidr, tenant_id,
                              network_id=network_id,
                              policy_id=policy.id if policy else None,
                              policy_rules=rules, **attributes)
        if policy is not None:
            self.tally.created(counts.POLICIES)
        self.tally.created(kind)
        self.blocks_of(network_id).append(block)
        return block
