"""Property-based tests of the allocator against a brute-force model.

The real domain layer (melange_rpc.ipam) runs in-process on SQLite file
databases. A reference model enumerates SMALL blocks (IPv4 /26-/29, IPv6
/122-/125 in dhcpv6-stateful mode) address by address and says, after
every step, which address automatic allocation must return, which error a
specific request must raise, and what the block's usage must be (API.md,
"Address rules" and "Details").

- test_allocator_matches_model: a RuleBasedStateMachine over automatic
  and specific allocation, deallocation, restore, reclaim, policy rules
  added and removed, policies attached, swapped and detached, and gateway
  changes; every block is drained (and rolled back) at the end.
- test_phased_lifecycle: the same steps in the order where policies,
  retention and reclaim meet (allocate, change policies, deallocate,
  change policies, reclaim, allocate).
- test_usage_when_a_policy_covers_taken_addresses and
  test_lowest_allowed_address_behind_many_excluded_gaps: two shapes the
  random walk rarely reaches (policy over taken addresses; free space cut
  into many octet-excluded gaps in a /24 or /120).
"""

import itertools
import sys

import netaddr
import sqlalchemy as sa
from hypothesis import example
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import orm

from melange_rpc import exception
from melange_rpc.db import models
from melange_rpc.ipam import addresses
from melange_rpc.ipam import block_updates
from melange_rpc.ipam import blocks
from melange_rpc.ipam import policies
from melange_rpc.ipam import usage

TENANT = 'tenant-1'
NPOLICIES = 2
_db_numbers = itertools.count()


def make_engine(path):
    engine = sa.create_engine('sqlite:///%s' % path)

    @sa.event.listens_for(engine, 'connect')
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA synchronous=OFF')
        cursor.close()

    models.Base.metadata.create_all(engine)
    return engine


# --------------------------------------------------------------- the model


class PolicyModel:
    def __init__(self):
        self.ranges = {}    # rule id -> (offset, length)
        self.octets = {}    # rule id -> octet


class BlockModel:
    """One block, enumerated: every address is an int of its CIDR."""

    def __init__(self, cidr, gateway=None, policy=None):
        self.cidr = cidr
        self.gateway = gateway
        self.policy = policy            # index into Model.policies or None
        self.allocated = set()
        self.retained = set()
        self.id = None

    @property
    def version(self):
        return self.cidr.version

    @property
    def size(self):
        return self.cidr.size

    def all(self):
        return range(self.cidr.first, self.cidr.last + 1)

    def text(self, value):
        return str(netaddr.IPAddress(value, version=self.version))

    def never_usable(self, value):
        """Network/broadcast (IPv4 up to /30) or subnet-router anycast."""
        if self.version == 4 and self.cidr.prefixlen <= 30:
            return value in (self.cidr.first, self.cidr.last)
        if self.version == 6:
            return value == self.cidr.first
        return False

    def reserved(self, value):
        return self.never_usable(value) or value == self.gateway

    def taken(self, value):
        return value in self.allocated or value in self.retained


class Model:
    def __init__(self):
        self.policies = [PolicyModel() for _ in range(NPOLICIES)]
        self.blocks = []

    def excluded_set(self, block):
        """Brute-force reading of API.md's policy rules: excluded ints."""
        if block.policy is None:
            return set()
        policy = self.policies[block.policy]
        addrs = list(block.all())
        excluded = set()
        for offset, length in policy.ranges.values():
            # offset >= 0: cidr[offset:offset+length]; offset < 0 starts
            # -offset addresses before the end (at the start at the
            # earliest) and never runs past the end.
            start = offset if offset >= 0 else max(block.size + offset, 0)
            excluded.update(addrs[start:start + length])
        modulus = 256 if block.version == 4 else 65536
        octets = set(policy.octets.values())
        excluded.update(v for v in addrs if v % modulus in octets)
        return excluded

    def excluded(self, block, value):
        return value in self.excluded_set(block)

    def free_list(self, block):
        excluded = self.excluded_set(block)
        return [v for v in block.all()
                if not (block.reserved(v) or v in excluded
                        or block.taken(v))]

    def specific_errors(self, block, value, version):
        """The error classes API.md allows for a specific request.

        An empty set means the request must succeed. Where two rules apply
        at once (a taken address a policy now excludes, a gateway a policy
        excludes) API.md does not order them: either class is accepted.
        """
        if version != block.version or value not in block.all():
            return {exception.AddressNotInBlock}
        errors = set()
        if block.reserved(value):
            errors.add(exception.AllocationNotAllowed)
        if self.excluded(block, value):
            errors.add(exception.AddressDisallowedByPolicy)
        if block.taken(value):
            errors.add(exception.DuplicateAddress)
        return errors

    def usage(self, block):
        # A taken address a later policy covers counts as taken only.
        excluded = self.excluded_set(block) - block.allocated - block.retained
        reserved = sum(1 for v in block.all()
                       if block.reserved(v) or v in excluded)
        allocated = len(block.allocated)
        deallocated = len(block.retained)
        usable = block.size - reserved
        return {
            'size': block.size,
            'reserved': reserved,
            'allocated': allocated,
            'deallocated': deallocated,
            'free': max(block.size - reserved - allocated - deallocated, 0),
            'utilization': ((allocated + deallocated) / usable
                            if usable > 0 else 0),
        }


# ------------------------------------------------------------ strategies


def block_specs():
    """(cidr, gateway index or None, how the policy is attached, policy)."""
    # Small blocks (most often /29 and /125) fill, fragment and meet
    # their policies within a few steps.
    v4 = st.sampled_from([29, 28, 27, 26, 29]).flatmap(
        lambda prefix: st.tuples(st.just(4), st.just(prefix),
                                 st.integers(0, 2 ** (prefix - 24) - 1)))
    # Bases put the last 16-bit group both below and above 255.
    v6 = st.sampled_from([125, 124, 123, 122, 125]).flatmap(
        lambda prefix: st.tuples(st.just(6), st.just(prefix),
                                 st.sampled_from([0, 1, 3, 5, 1023])))
    cidrs = st.one_of(v4, v6).map(_cidr)
    return cidrs.flatmap(lambda cidr: st.tuples(
        st.just(cidr),
        st.one_of(st.none(), st.integers(0, cidr.size - 1)),
        st.sampled_from(['create', 'update', 'none']),
        st.integers(0, NPOLICIES - 1)))


def _cidr(spec):
    version, prefix, index = spec
    size = 2 ** ((32 if version == 4 else 128) - prefix)
    base = netaddr.IPNetwork('10.0.0.0/24' if version == 4
                             else '2001:db8::/112').first
    return netaddr.IPNetwork((base + index * size, prefix), version=version)


def octets(cidrs):
    """Octets that hit the blocks' addresses, and some that do not."""
    low = st.sampled_from(cidrs).flatmap(
        lambda cidr: st.integers(cidr.first, cidr.first + 7)).map(
        lambda value: value % 65536)
    anywhere = st.sampled_from(cidrs).flatmap(
        lambda cidr: st.integers(cidr.first, cidr.last)).map(
        lambda value: value % 65536)
    return st.one_of(low, anywhere, st.integers(0, 300),
                     st.integers(0, 65535))


def range_rule(size):
    return st.tuples(st.integers(-size - 2, size + 2),
                     st.integers(1, size + 2))


# ---------------------------------------------------------- state machine


class AllocatorMachine(RuleBasedStateMachine):
    """Drives ipam.* on one database and checks every step with Model."""

    directory = None    # set by the test (pytest's tmp_path)

    def __init__(self):
        super().__init__()
        path = self.directory / ('ipam-%d.sqlite' % next(_db_numbers))
        self.path = path
        self.engine = make_engine(path)
        self.session = orm.Session(self.engine)
        self.model = Model()
        self.policy_ids = []

    def teardown(self):
        try:
            # Unless a step failed already, every block must still hand
            # out exactly its free addresses, lowest first.
            if sys.exc_info()[0] is None:
                for bm in self.model.blocks:
                    self.check_drain(bm)
        finally:
            self.session.close()
            self.engine.dispose()
            self.path.unlink(missing_ok=True)

    # -- helpers

    def call(self, fn, *args, **kwargs):
        """Run one step: commit on success, roll back after an error."""
        try:
            result = fn(self.session, *args, **kwargs)
        except exception.MelangeError as error:
            self.session.rollback()
            return None, error
        self.session.commit()
        return result, None

    def block(self, bm):
        return blocks.get(self.session, bm.id)

    def policy(self, index):
        return policies.get(self.session, self.policy_ids[index])

    def pick_block(self, data):
        return data.draw(st.sampled_from(self.model.blocks), label='block')

    # -- set-up

    @initialize(data=st.data())
    def setup(self, data):
        model = self.model
        specs = data.draw(st.lists(block_specs(), min_size=1, max_size=2),
                          label='blocks')
        sizes = [cidr.size for cidr, *_ in specs]
        for index in range(NPOLICIES):
            policy, error = self.call(policies.create, 'p%d' % index, TENANT)
            assert error is None
            self.policy_ids.append(policy.id)
            size = data.draw(st.sampled_from(sizes))
            for offset, length in data.draw(
                    st.lists(range_rule(size), max_size=2), label='ranges'):
                self.add_range_to(index, offset, length)
            for octet in data.draw(st.lists(octets([c for c, *_ in specs]),
                                            max_size=2), label='octets'):
                self.add_octet_to(index, octet)
        for cidr, gateway_index, attach, policy_index in specs:
            gateway = (cidr.first + gateway_index
                       if gateway_index is not None else None)
            bm = BlockModel(cidr)
            if gateway is not None and not bm.never_usable(gateway):
                bm.gateway = gateway
            kwargs = {'gateway': (bm.text(bm.gateway)
                                  if bm.gateway is not None else None)}
            if attach == 'create':
                pm = model.policies[policy_index]
                kwargs['policy_id'] = self.policy_ids[policy_index]
                kwargs['policy_rules'] = (list(pm.ranges.values()),
                                          list(pm.octets.values()))
                bm.policy = policy_index
            row, error = self.call(blocks.create, str(cidr), TENANT,
                                   **kwargs)
            assert error is None, error
            bm.id = row.id
            model.blocks.append(bm)
            if attach == 'update':
                _, error = self.call(block_updates.update, self.block(bm),
                                     policy=self.policy(policy_index))
                assert error is None, error
                bm.policy = policy_index

    def add_range_to(self, index, offset, length):
        rule_row, error = self.call(policies.add_range, self.policy(index),
                                    offset, length)
        assert error is None, error
        self.model.policies[index].ranges[rule_row.id] = (offset, length)

    def add_octet_to(self, index, octet):
        rule_row, error = self.call(policies.add_octet, self.policy(index),
                                    octet)
        assert error is None, error
        self.model.policies[index].octets[rule_row.id] = octet

    # -- addresses

    def check_allocate_lowest(self, bm):
        free = self.model.free_list(bm)
        row, error = self.call(addresses.allocate, self.block(bm), TENANT)
        if not free:
            assert isinstance(error, exception.NoMoreAddresses), (
                'expected NoMoreAddresses, got %r' % (row or error))
            return False
        assert error is None, 'expected %s, got %r' % (bm.text(free[0]),
                                                       error)
        assert row.address == bm.text(free[0]), (
            'lowest free usable address is %s, allocator returned %s'
            % (bm.text(free[0]), row.address))
        bm.allocated.add(free[0])
        return True

    @rule(data=st.data())
    def allocate_lowest(self, data):
        """One or more automatic allocations, each committed on its own."""
        bm = self.pick_block(data)
        for _ in range(data.draw(st.integers(1, bm.size), label='count')):
            if not self.check_allocate_lowest(bm):
                break

    @rule(data=st.data())
    def allocate_specific(self, data):
        bm = self.pick_block(data)
        version = data.draw(st.sampled_from([bm.version] * 9
                                            + [10 - bm.version]),
                            label='version')
        value = bm.cidr.first + data.draw(
            st.integers(-2, bm.size + 1), label='offset')
        if version != bm.version:
            text = str(netaddr.IPAddress(value % 2 ** 32, version=4)
                       if version == 4
                       else netaddr.IPAddress(value, version=6))
        else:
            text = bm.text(value)
        expected = self.model.specific_errors(bm, value, version)
        row, error = self.call(addresses.allocate, self.block(bm), TENANT,
                               address=text)
        if not expected:
            assert error is None, '%s is free, got %r' % (text, error)
            assert row.address == text
            bm.allocated.add(value)
        else:
            assert error is not None, (
                '%s: expected one of %s, but it was allocated'
                % (text, sorted(e.__name__ for e in expected)))
            assert type(error) in expected, (
                '%s: expected one of %s, got %r'
                % (text, sorted(e.__name__ for e in expected), error))

    @precondition(lambda self: any(bm.allocated or bm.retained
                                   for bm in self.model.blocks))
    @rule(data=st.data())
    def deallocate(self, data):
        """Deallocate some addresses (one step each), maybe reclaim."""
        bm = data.draw(st.sampled_from(
            [bm for bm in self.model.blocks if bm.allocated or bm.retained]))
        values = data.draw(st.lists(
            st.sampled_from(sorted(bm.allocated | bm.retained)),
            min_size=1, max_size=4, unique=True), label='addresses')
        for value in values:
            block = self.block(bm)
            row = addresses.get(self.session, block, bm.text(value))
            row, error = self.call(addresses.deallocate, row)
            assert error is None, error
            assert row.deallocated_at is not None
            bm.allocated.discard(value)
            bm.retained.add(value)
        if data.draw(st.booleans(), label='reclaim at once'):
            self.check_reclaim(0)

    @precondition(lambda self: any(bm.allocated or bm.retained
                                   for bm in self.model.blocks))
    @rule(data=st.data())
    def restore(self, data):
        bm = data.draw(st.sampled_from(
            [bm for bm in self.model.blocks if bm.allocated or bm.retained]))
        value = data.draw(st.sampled_from(
            sorted(bm.allocated | bm.retained)), label='address')
        row = addresses.get(self.session, self.block(bm), bm.text(value))
        row, error = self.call(addresses.restore, row)
        assert error is None, error
        assert row.deallocated_at is None
        bm.retained.discard(value)
        bm.allocated.add(value)

    @rule(older_than=st.sampled_from([0, 0, 3600]))
    def reclaim(self, older_than):
        self.check_reclaim(older_than)

    def check_reclaim(self, older_than):
        retained = sum(len(bm.retained) for bm in self.model.blocks)
        count, error = self.call(addresses.reclaim, older_than=older_than)
        assert error is None, error
        if older_than:
            assert count == 0
            return
        assert count == retained
        for bm in self.model.blocks:
            bm.retained.clear()

    def check_drain(self, bm):
        """Allocate until NoMoreAddresses, compare, then roll it back."""
        expected = [bm.text(v) for v in self.model.free_list(bm)]
        got = []
        block = self.block(bm)
        while len(got) <= len(expected):
            try:
                row = addresses.allocate(self.session, block, TENANT)
            except exception.NoMoreAddresses:
                break
            got.append(row.address)
        self.session.rollback()
        assert got == expected, (
            'draining %s: expected %s, allocator gave %s'
            % (bm.cidr, expected, got))

    # -- policies and gateway

    @rule(data=st.data())
    def add_rule(self, data):
        """A rule for the policy of a block (mostly), sized to fit it."""
        bm = self.pick_block(data)
        index = bm.policy
        if index is None or not data.draw(st.sampled_from([True, True,
                                                             False]),
                                          label='that block\'s policy'):
            index = data.draw(st.integers(0, NPOLICIES - 1), label='policy')
        if data.draw(st.booleans(), label='octet'):
            cidrs = [other.cidr for other in self.model.blocks]
            self.add_octet_to(index, data.draw(octets(cidrs), label='octet'))
        else:
            offset, length = data.draw(range_rule(bm.size), label='range')
            self.add_range_to(index, offset, length)

    @precondition(lambda self: any(pm.ranges or pm.octets
                                   for pm in self.model.policies))
    @rule(data=st.data())
    def delete_rule(self, data):
        index = data.draw(st.sampled_from(
            [i for i, pm in enumerate(self.model.policies)
             if pm.ranges or pm.octets]), label='policy')
        pm = self.model.policies[index]
        rules = ([(policies.delete_range, pm.ranges, rule_id)
                  for rule_id in pm.ranges]
                 + [(policies.delete_octet, pm.octets, rule_id)
                    for rule_id in pm.octets])
        delete, table, rule_id = data.draw(st.sampled_from(rules),
                                           label='rule')
        _, error = self.call(delete, self.policy(index), rule_id)
        assert error is None, error
        del table[rule_id]

    @rule(data=st.data())
    def set_policy(self, data):
        bm = self.pick_block(data)
        index = data.draw(st.sampled_from([None] + list(range(NPOLICIES))),
                          label='policy')
        policy = self.policy(index) if index is not None else None
        _, error = self.call(block_updates.update, self.block(bm),
                             policy=policy)
        assert error is None, error
        bm.policy = index

    @rule(data=st.data())
    def set_gateway(self, data):
        bm = self.pick_block(data)
        value = data.draw(st.one_of(st.none(),
                                    st.integers(bm.cidr.first,
                                                bm.cidr.last)),
                          label='gateway')
        text = bm.text(value) if value is not None else None
        _, error = self.call(block_updates.update, self.block(bm),
                             gateway=text)
        if value is not None and bm.never_usable(value):
            assert isinstance(error, exception.InvalidInput), error
        elif value is not None and value != bm.gateway and bm.taken(value):
            # API.md: "setting it onto an allocated address is
            # DuplicateAddress"; a retained address is taken as well.
            assert isinstance(error, exception.DuplicateAddress), error
        else:
            assert error is None, error
            bm.gateway = value

    # -- invariants

    @invariant()
    def rows_match_model(self):
        for bm in self.model.blocks:
            rows = self.session.execute(
                sa.select(models.IpAddress.address_key,
                          models.IpAddress.deallocated_at)
                .where(models.IpAddress.block_id == bm.id)).all()
            live = {int(k, 16) for k, at in rows if at is None}
            kept = {int(k, 16) for k, at in rows if at is not None}
            assert live == bm.allocated
            assert kept == bm.retained
        self.session.rollback()

    @invariant()
    def usage_matches_model(self):
        for bm in self.model.blocks:
            block = self.block(bm)
            got = usage.of(self.session, block)
            want = self.model.usage(bm)
            assert {k: got[k] for k in want} == want, (
                'usage of %s: expected %s, got %s' % (bm.cidr, want, got))
            # "free" is what automatic allocation can still hand out.
            assert got['free'] == len(self.model.free_list(bm))
        self.session.rollback()


MACHINE_SETTINGS = settings(
    max_examples=60, stateful_step_count=40, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow,
                           HealthCheck.function_scoped_fixture])


def test_allocator_matches_model(tmp_path):
    AllocatorMachine.directory = tmp_path
    run_state_machine_as_test(AllocatorMachine, settings=MACHINE_SETTINGS)


def test_phased_lifecycle(tmp_path):
    """The machine's steps in the order that makes policy, retention and
    reclaim meet: allocate, change the policies, deallocate (and maybe
    reclaim), change them again, allocate; checked after every step and
    drained at the end."""
    AllocatorMachine.directory = tmp_path
    policy_steps = ['add_rule', 'add_rule', 'delete_rule', 'set_policy',
                    'set_gateway']

    def step(machine, data, name):
        if name == 'delete_rule' and not any(
                pm.ranges or pm.octets for pm in machine.model.policies):
            return
        if name in ('deallocate', 'restore') and not any(
                bm.allocated or bm.retained for bm in machine.model.blocks):
            return
        getattr(machine, name)(data=data)
        machine.rows_match_model()
        machine.usage_matches_model()

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def run(data):
        machine = AllocatorMachine()
        try:
            machine.setup(data=data)
            step(machine, data, 'allocate_lowest')
            for name in data.draw(st.lists(st.sampled_from(policy_steps),
                                           min_size=1, max_size=3)):
                step(machine, data, name)
            step(machine, data, 'deallocate')
            if data.draw(st.booleans(), label='restore one'):
                step(machine, data, 'restore')
            for name in data.draw(st.lists(st.sampled_from(policy_steps),
                                           max_size=3)):
                step(machine, data, name)
            machine.check_reclaim(0)
            machine.rows_match_model()
            machine.usage_matches_model()
            step(machine, data, 'allocate_lowest')
        finally:
            machine.teardown()

    run()


# ------------------------------- usage when a policy covers taken addresses


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(prefix=29, taken=1, retained=0, offset=0, length=3)
@example(prefix=29, taken=6, retained=0, offset=0, length=4)
@given(prefix=st.integers(27, 29), taken=st.integers(1, 6),
       retained=st.integers(0, 2), offset=st.integers(-8, 8),
       length=st.integers(1, 8))
def test_usage_when_a_policy_covers_taken_addresses(
        tmp_path, prefix, taken, retained, offset, length):
    """A policy attached after allocation may exclude addresses that are
    allocated or retained. Usage must still describe the block: ``free``
    is what automatic allocation can still hand out, and ``utilization``
    is "a fraction from 0 to 1" (API.md, Details, Blocks).
    """
    cidr = netaddr.IPNetwork('10.7.0.0/%d' % prefix)
    engine = make_engine(tmp_path / ('usage-%d.sqlite' % next(_db_numbers)))
    try:
        with orm.Session(engine) as session:
            block = blocks.create(session, str(cidr), TENANT)
            rows = [addresses.allocate(session, block, TENANT)
                    for _ in range(taken)]
            for row in rows[:retained]:
                addresses.deallocate(session, row)
            policy = policies.create(session, 'covering', TENANT)
            policies.add_range(session, policy, offset, length)
            block_updates.update(session, block, policy=policy)
            session.commit()
            block = blocks.get(session, block.id)
            got = usage.of(session, block)
            handed_out = []
            while True:
                try:
                    handed_out.append(
                        addresses.allocate(session, block, TENANT).address)
                except exception.NoMoreAddresses:
                    break
            session.rollback()
            assert 0 <= got['utilization'] <= 1, (
                'utilization is not a fraction from 0 to 1: %s' % got)
            assert got['free'] == len(handed_out), (
                'usage says %d free, but automatic allocation still hands '
                'out %s: %s' % (got['free'], handed_out, got))
    finally:
        engine.dispose()


# ------------------------------------------ fragmented octet exclusions


@settings(max_examples=12, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(version=6, pairs=65, last_octet_rule=True)
@example(version=4, pairs=65, last_octet_rule=False)
@given(version=st.sampled_from([4, 6]), pairs=st.integers(1, 100),
       last_octet_rule=st.booleans())
def test_lowest_allowed_address_behind_many_excluded_gaps(
        tmp_path, version, pairs, last_octet_rule):
    """Free space cut into many one-address gaps, each one excluded by an
    octet rule: automatic allocation still returns the lowest allowed
    address (API.md: the lowest free usable address, whatever the fill).

    In a /24 (IPv4) or /120 (IPv6) the odd addresses 1, 3, ... are
    allocated one by one, leaving the even ones as separate gaps; a policy
    then excludes the octets 0, 2, ... of those gaps.
    """
    cidr = netaddr.IPNetwork('10.9.8.0/24' if version == 4
                             else '2001:db8:9::/120')
    engine = make_engine(tmp_path / ('gaps-%d.sqlite' % next(_db_numbers)))
    try:
        with orm.Session(engine) as session:
            block = blocks.create(session, str(cidr), TENANT)
            for index in range(1, 2 * pairs, 2):
                addresses.allocate(session, block, TENANT,
                                   address=str(cidr[index]))
            policy = policies.create(session, 'gaps', TENANT)
            excluded = set(range(0, 2 * pairs - 1, 2))
            if last_octet_rule:
                excluded.add(2 * pairs)
            for octet in sorted(excluded):
                policies.add_octet(session, policy, octet)
            block_updates.update(session, block, policy=policy)
            session.commit()

            bm = BlockModel(cidr)
            bm.allocated = {cidr.first + i for i in range(1, 2 * pairs, 2)}
            expected = [v for v in bm.all()
                        if not bm.reserved(v) and not bm.taken(v)
                        and v - cidr.first not in excluded]
            try:
                row = addresses.allocate(session, block, TENANT)
            except exception.NoMoreAddresses:
                row = None
            assert row is not None and row.address == bm.text(expected[0]), (
                '%d allocated odd addresses, octets %d..%d excluded: '
                'expected %s, got %s' % (
                    pairs, min(excluded), max(excluded),
                    bm.text(expected[0]),
                    row.address if row is not None else 'NoMoreAddresses'))
    finally:
        engine.dispose()
