"""The statements of the hot paths, counted, and the booked allocation
count that saves one of them (db.blocks.lock_for_allocation).

The domain layer runs in-process on a SQLite file database, and where
PostgreSQL takes another shape (writable WITH), on PostgreSQL too (the
functional tests run every path on all three backends through the
service). Counting statements is not timing: a path that grows a
round trip fails here, whatever the machine.
"""

import threading
import time
import uuid

import netaddr
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from melange_rpc import exception
from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import free_ranges
from melange_rpc.db import gates
from melange_rpc.db import models
from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import addresses
from melange_rpc.ipam import blocks
from melange_rpc.ipam import floating
from melange_rpc.ipam import instances
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import macs
from melange_rpc.ipam import network
from melange_rpc.ipam import subnets
from tests import services
from tests.unit import test_allocator_properties as properties

TENANT = 'tenant-1'


@pytest.fixture
def engine(tmp_path):
    engine = properties.make_engine(tmp_path / 'round-trips.db')
    yield engine
    engine.dispose()


def _a_block(engine):
    with orm.Session(engine) as session, session.begin():
        block = blocks.create(session, '10.0.0.0/24', TENANT,
                              network_id='net-1', gateway='10.0.0.1')
        return block.id


@pytest.fixture
def block_id(engine):
    return _a_block(engine)


@pytest.fixture
def pg_engine(tmp_path):
    with services.engine_on_own_database('postgresql', tmp_path,
                                         'round_trips') as engine:
        models.Base.metadata.create_all(engine)
        yield engine


class Statements:
    def __init__(self, engine):
        self.seen = []
        sa.event.listen(engine, 'before_cursor_execute',
                                   self._seen)

    def _seen(self, conn, cursor, statement, *args):
        self.seen.append(statement.split(None, 1)[0].upper())


def counts(engine, block_id):
    with orm.Session(engine) as session:
        block = db_blocks.get(session, block_id)
        return block.allocated_count, block.retained_count


def test_an_allocation_after_the_lock_is_two_statements(engine, block_id):
    statements = Statements(engine)
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        locked = list(statements.seen)
        address = addresses.allocate(session, block, TENANT).address
        routes = db_routes.for_blocks(session,
                                      {block.id: block.has_routes})
        db_blocks.settle_bookings(session)
    # The lock counts the allocation and reads the lowest free interval:
    # one UPDATE ... RETURNING.
    assert locked == ['UPDATE']
    # The interval shrunk, the address inserted; no counter UPDATE
    # (booked), no routes SELECT (the block has none).
    assert statements.seen[1:] == ['UPDATE', 'INSERT']
    assert address == '10.0.0.2'
    assert routes == {block_id: []}
    assert counts(engine, block_id) == (1, 0)


def test_on_postgresql_the_interval_and_the_address_are_one_statement(
        pg_engine):
    block_id = _a_block(pg_engine)
    statements = Statements(pg_engine)
    with orm.Session(pg_engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        address = addresses.allocate(session, block, TENANT).address
        db_blocks.settle_bookings(session)
    # The lock, then the interval shrunk and the address inserted by one
    # statement (WITH taken AS (UPDATE ...) INSERT ... SELECT).
    assert statements.seen == ['UPDATE', 'WITH']
    assert address == '10.0.0.2'
    assert counts(pg_engine, block_id) == (1, 0)
    with orm.Session(pg_engine) as session:
        assert free_ranges.BLOCKS.lowest(session, block_id)[1:] == (
            int(netaddr.IPAddress('10.0.0.3')),
            int(netaddr.IPAddress('10.0.0.254')))


def test_on_postgresql_a_lock_won_after_a_wait_reads_the_new_interval(
        pg_engine):
    """Behind another transaction's allocation, the locking UPDATE's
    interval is the one that transaction left, not the one of the
    UPDATE's own (older) snapshot: the allocation takes it at once."""
    block_id = _a_block(pg_engine)
    waiter = {}

    def allocate_behind():
        with orm.Session(pg_engine) as session, session.begin():
            # Past the in-process gate, to wait on the row lock itself
            # as a thread of another worker process would.
            session.info['holds_row_locks'] = True
            statements = Statements(pg_engine)
            block = blocks.lock_for_allocation(session, block_id)
            waiter['address'] = addresses.allocate(session, block,
                                                   TENANT).address
            waiter['statements'] = statements.seen
            db_blocks.settle_bookings(session)

    with orm.Session(pg_engine) as session:
        with session.begin():
            block = blocks.lock_for_allocation(session, block_id)
            assert addresses.allocate(session, block,
                                      TENANT).address == '10.0.0.2'
            db_blocks.settle_bookings(session)
            behind = threading.Thread(target=allocate_behind)
            behind.start()
            _wait_for_a_lock_wait(pg_engine)
        gates.leave(session)
    behind.join(30)
    assert waiter['address'] == '10.0.0.3'
    # No failed take, no second read of the intervals.
    assert waiter['statements'] == ['UPDATE', 'WITH']
    assert counts(pg_engine, block_id) == (2, 0)


def _wait_for_a_lock_wait(engine, timeout=30):
    # On a connection of its own: the test counts the engine's statements.
    observer = sa.create_engine(engine.url)
    deadline = time.monotonic() + timeout
    try:
        with observer.connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE "
                        "datname = current_database() AND "
                        "wait_event_type = 'Lock'")).scalar():
                    return
                conn.rollback()
                time.sleep(0.01)
    finally:
        observer.dispose()
    raise AssertionError('no transaction waited for the block lock')


def test_a_block_with_routes_says_so_in_the_same_read(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        db_routes.add(session, id=str(uuid.uuid4()), block_id=block_id,
                      destination='198.51.100.0/24', gateway='10.0.0.1')
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        assert block.has_routes
        routes = db_routes.for_blocks(session, {block.id: True})
        assert [r.destination for r in routes[block_id]] == [
            '198.51.100.0/24']


def test_a_booking_the_call_did_not_use_is_settled(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        blocks.lock_for_allocation(session, block_id)
        assert counts(engine, block_id) == (0, 0)   # not committed yet
        db_blocks.settle_bookings(session)
    assert counts(engine, block_id) == (0, 0)


def test_a_failed_allocation_leaves_the_count_as_it_was(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        addresses.allocate(session, block, TENANT, address='10.0.0.9')
    with pytest.raises(exception.DuplicateAddress):
        with orm.Session(engine) as session, session.begin():
            block = blocks.lock_for_allocation(session, block_id)
            addresses.allocate(session, block, TENANT, address='10.0.0.9')
    assert counts(engine, block_id) == (1, 0)


def test_the_cap_check_does_not_count_the_booking(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        block = db_blocks.get(session, block_id)
        block.max_allocation = 1
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        assert addresses.allocate(session, block, TENANT).address == (
            '10.0.0.2')
        db_blocks.settle_bookings(session)
    with pytest.raises(exception.NoMoreAddresses):
        with orm.Session(engine) as session, session.begin():
            block = blocks.lock_for_allocation(session, block_id)
            addresses.allocate(session, block, TENANT)
    assert counts(engine, block_id) == (1, 0)


def test_counters_leave_the_blocks_updated_at_alone(engine, block_id):
    with orm.Session(engine) as session:
        before = db_blocks.get(session, block_id).updated_at
    with orm.Session(engine) as session, session.begin():
        block = db_blocks.get(session, block_id, lock=True)
        db_blocks.count_change(session, block, allocated=1)
    with orm.Session(engine) as session:
        assert db_blocks.get(session, block_id).updated_at == before


def test_a_full_block_passed_by_keeps_its_count(engine, block_id):
    """Network-level allocation books each block it locks; a block found
    full under its lock is passed by, and its booking undone."""
    with orm.Session(engine) as session, session.begin():
        full = db_blocks.get(session, block_id)
        full.max_allocation = 0
        other = blocks.create(session, '10.0.1.0/24', TENANT,
                              network_id='net-1').id
    with orm.Session(engine) as session, session.begin():
        interface = interfaces.create(session, TENANT, device_id='vm-1',
                                      network_id='net-1')
        rows = network.allocate_for_interface(session, 'net-1', interface,
                                              TENANT)
        assert [row.address for row in rows] == ['10.0.1.1']
        db_blocks.settle_bookings(session)
    assert counts(engine, block_id) == (0, 0)
    assert counts(engine, other) == (1, 0)


def test_a_network_allocation_reads_the_blocks_once(pg_engine):
    """The network's blocks in one SELECT, which also tells which are
    divided into subnets; then the lock and the WITH per family."""
    with orm.Session(pg_engine) as session, session.begin():
        parent = blocks.create(session, '10.0.0.0/24', TENANT,
                               network_id='net-1')
        subnets.create(session, parent, TENANT, cidr='10.0.0.128/25')
        blocks.create(session, 'fd00::/64', TENANT, network_id='net-1')
        interfaces.create(session, TENANT, interface_id='vif-1',
                          network_id='net-1')
    with orm.Session(pg_engine) as session, session.begin():
        interface = interfaces.get(session, 'vif-1')
        statements = Statements(pg_engine)
        rows = network.allocate_for_interface(session, 'net-1', interface,
                                              TENANT)
        assert statements.seen == ['SELECT', 'UPDATE', 'WITH', 'UPDATE',
                                   'WITH']
        assert [row.address for row in rows] == ['10.0.0.129', 'fd00::1']


@pytest.mark.parametrize('store', ['engine', 'pg_engine'])
def test_a_new_interface_is_one_insert(request, store):
    engine = request.getfixturevalue(store)
    statements = Statements(engine)
    with orm.Session(engine) as session, session.begin():
        created = interfaces.get_or_create(session, 'vif-1', TENANT,
                                           device_id='vm-1')
        assert (created.id, created.device_id) == ('vif-1', 'vm-1')
    assert statements.seen == ['INSERT']
    statements.seen.clear()
    with orm.Session(engine) as session, session.begin():
        found = interfaces.get_or_create(session, 'vif-1', 'tenant-2')
        assert (found.tenant_id, found.device_id) == (TENANT, 'vm-1')
    assert statements.seen == ['INSERT', 'SELECT']


def test_on_postgresql_an_interface_created_meanwhile_is_read(pg_engine):
    """A concurrent creator's INSERT is waited for; once it commits, the
    other call reads that interface instead of failing on the key."""
    found = {}

    def create_behind():
        with orm.Session(pg_engine) as session, session.begin():
            interface = interfaces.get_or_create(session, 'vif-1',
                                                 'tenant-2')
            found['tenant'] = interface.tenant_id

    with orm.Session(pg_engine) as session, session.begin():
        interfaces.get_or_create(session, 'vif-1', TENANT)
        behind = threading.Thread(target=create_behind)
        behind.start()
        _wait_for_a_lock_wait(pg_engine)
    behind.join(30)
    assert found == {'tenant': TENANT}


def test_the_mac_ranges_are_read_once_per_transaction(engine):
    with orm.Session(engine) as session, session.begin():
        macs.create_range(session, 'fa:16:3e:00:00:00/47')
    lists = []
    sa.event.listen(
        engine, 'before_cursor_execute',
        lambda conn, cursor, statement, *args: lists.append(statement)
        if 'FROM mac_ranges ORDER BY' in statement else None)
    with orm.Session(engine) as session, session.begin():
        taken = [interfaces.create(session, TENANT).mac_address
                 for _ in range(2)]
        assert len(lists) == 1
        # A range added in the transaction is seen by the next MAC.
        macs.create_range(session, 'fa:16:3f:00:00:00/47')
        taken.append(interfaces.create(session, TENANT).mac_address)
        assert len(lists) == 2
    assert taken == ['fa:16:3e:00:00:00', 'fa:16:3e:00:00:01',
                     'fa:16:3f:00:00:00']
    with orm.Session(engine) as session, session.begin():
        interfaces.create(session, TENANT)
    # Read again by the next transaction: ranges may have changed since.
    assert len(lists) == 3


def test_a_mac_from_a_range_is_core_statements_kept_in_step(engine):
    with orm.Session(engine) as session, session.begin():
        range_id = macs.create_range(session, 'fa:16:3e:00:00:00/47').id
    statements = Statements(engine)
    with orm.Session(engine) as session, session.begin():
        interface = interfaces.create(session, TENANT)
        # The interface, the range list, the range locked, its lowest free
        # MAC and its change, the MAC, the range's count, the interface's
        # MAC; no flush left over.
        assert statements.seen == ['INSERT', 'SELECT', 'SELECT', 'SELECT',
                                   'UPDATE', 'INSERT', 'UPDATE', 'UPDATE']
        assert not session.dirty and not session.new
        loaded = session.get(models.MacRange, range_id)
        assert loaded.allocated_count == 1
        assert interface.mac_address == 'fa:16:3e:00:00:00'
        assert interface.updated_at is not None
        interface_id = interface.id
    with orm.Session(engine) as session:
        assert session.get(models.MacRange, range_id).allocated_count == 1
        stored = session.get(models.Interface, interface_id)
        assert stored.mac_address == 'fa:16:3e:00:00:00'
        assert session.scalars(sa.select(models.MacAddress.interface_id)
                               ).all() == [interface_id]


@pytest.mark.parametrize('store', ['engine', 'pg_engine'])
def test_a_stale_lowest_interval_is_read_again(request, store):
    """The interval read with the lock may be older than the lock: take()
    refuses it (on PostgreSQL the same statement then inserts no
    address) and the allocator reads the block's intervals afresh."""
    engine = request.getfixturevalue(store)
    block_id = _a_block(engine)
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        range_id, first, last = session.info['melange_lowest_free'][
            block_id]
        session.info['melange_lowest_free'][block_id] = (
            range_id, first - 1, last)
        assert addresses.allocate(session, block, TENANT).address == (
            '10.0.0.2')
        db_blocks.settle_bookings(session)
    with orm.Session(engine) as session:
        stored = session.scalars(sa.select(models.IpAddress.address)).all()
    assert stored == ['10.0.0.2']
    assert counts(engine, block_id) == (1, 0)


def test_a_full_block_is_read_again_before_it_is_called_full(
        engine, block_id):
    with orm.Session(engine) as session, session.begin():
        free_ranges.BLOCKS.remove_span(session, block_id, 0, 2 ** 32)
    with orm.Session(engine) as session, session.begin():
        block = blocks.lock_for_allocation(session, block_id)
        assert block_id not in session.info.get('melange_lowest_free', {})
        with pytest.raises(exception.NoMoreAddresses):
            addresses.allocate(session, block, TENANT)


def _device_with_a_floating_ip(session, block_id):
    """vm-1: an interface with 10.0.0.2 (floating 203.0.113.1 and .2 in
    front of it) and 10.0.0.3, and an interface with no address."""
    blocks.create(session, '203.0.113.0/24', TENANT, type='public',
                  network_id='public-1')
    block = db_blocks.get(session, block_id)
    first = interfaces.create(session, TENANT, interface_id='vif-1',
                              device_id='vm-1', network_id='net-1')
    fixed = addresses.allocate(session, block, TENANT, interface=first)
    addresses.allocate(session, block, TENANT, interface=first)
    for _ in range(2):
        floating.associate(session, floating.allocate(session, 'public-1',
                                                      TENANT), fixed)
    interfaces.create(session, TENANT, interface_id='vif-2',
                      device_id='vm-1', network_id='net-1')


def test_network_info_is_one_statement(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        _device_with_a_floating_ip(session, block_id)
        db_blocks.settle_bookings(session)
    statements = Statements(engine)
    with orm.Session(engine) as session, session.begin():
        info = instances.network_info(session, 'vm-1')
    # Interfaces, addresses, blocks and floating IPs in one SELECT; no
    # routes SELECT (the block has none).
    assert statements.seen == ['SELECT']
    assert [i['id'] for i in info] == ['vif-1', 'vif-2']
    subnet, = info[0]['network']['subnets']
    assert subnet['cidr'] == '10.0.0.0/24'
    assert subnet['gateway'] == '10.0.0.1'
    assert subnet['routes'] == []
    assert [(ip['address'], [f['address'] for f in ip['floating_ips']])
            for ip in subnet['ips']] == [
        ('10.0.0.2', ['203.0.113.1', '203.0.113.2']), ('10.0.0.3', [])]
    assert info[1]['network'] == {'id': 'net-1', 'subnets': []}


def test_network_info_reads_routes_only_of_blocks_that_have_them(
        engine, block_id):
    with orm.Session(engine) as session, session.begin():
        _device_with_a_floating_ip(session, block_id)
        db_routes.add(session, id=str(uuid.uuid4()), block_id=block_id,
                      destination='198.51.100.0/24', gateway='10.0.0.1')
        db_blocks.settle_bookings(session)
    statements = Statements(engine)
    with orm.Session(engine) as session, session.begin():
        info = instances.network_info(session, 'vm-1')
    assert statements.seen == ['SELECT', 'SELECT']
    assert info[0]['network']['subnets'][0]['routes'] == [
        {'destination': '198.51.100.0/24', 'gateway': '10.0.0.1'}]


def test_network_info_of_another_tenant_is_empty(engine, block_id):
    with orm.Session(engine) as session, session.begin():
        _device_with_a_floating_ip(session, block_id)
        db_blocks.settle_bookings(session)
    with orm.Session(engine) as session, session.begin():
        assert instances.network_info(session, 'vm-1',
                                      scope='tenant-2') == []
        assert len(instances.network_info(session, 'vm-1',
                                          scope=TENANT)) == 2


def test_a_deallocation_is_three_updates_and_lets_floating_ips_go(
        engine, block_id):
    with orm.Session(engine) as session, session.begin():
        _device_with_a_floating_ip(session, block_id)
        db_blocks.settle_bookings(session)
    with orm.Session(engine) as session, session.begin():
        block = db_blocks.get(session, block_id)
        fixed = addresses.get(session, block, '10.0.0.2', lock=True)
        held = session.scalars(sa.select(models.IpAddress).where(
            models.IpAddress.fixed_ip_id == fixed.id)).all()
        statements = Statements(engine)
        addresses.deallocate(session, fixed)
        # The address retained, its floating IPs let go, the counters;
        # nothing left for a flush.
        assert statements.seen == ['UPDATE', 'UPDATE', 'UPDATE']
        assert not session.dirty
        assert fixed.deallocated_at is not None and fixed.leased is False
        # Floating IPs the session holds see it as the database does.
        assert [f.fixed_ip_id for f in held] == [None, None]
    with orm.Session(engine) as session:
        assert session.scalars(sa.select(models.IpAddress.address).where(
            models.IpAddress.fixed_ip_id.is_not(None))).all() == []
        row = addresses.get(session, db_blocks.get(session, block_id),
                            '10.0.0.2')
        assert row.deallocated_at is not None
        assert row.updated_at == row.deallocated_at
    assert counts(engine, block_id) == (1, 1)
