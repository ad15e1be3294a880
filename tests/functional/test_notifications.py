"""Notifications, consumed from the real broker: every event type of the
operator guide is sent, after the change has committed, with the figures
a listener needs, and a call that fails sends nothing."""

import queue
import uuid

import kombu
import oslo_messaging as messaging
import pytest

from melange_rpc import conf
from melange_rpc import exception
from melange_rpc import rpc
from tests.functional import conftest
from tests.functional import helpers
from tests import server as server_fixture
from tests import services

CONF = conf.CONF


class Recorder:
    """A notification endpoint that keeps (event_type, payload)."""

    def __init__(self):
        self.events = queue.Queue()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.events.put((event_type, payload))

    def next(self, timeout=15):
        return self.events.get(timeout=timeout)

    def expect(self, *event_types):
        """The payloads of the next events, which must be these."""
        got = [self.next() for _ in event_types]
        assert [event for event, _ in got] == list(event_types), got
        return [payload for _, payload in got]

    def assert_quiet(self, timeout=1.5):
        with pytest.raises(queue.Empty):
            print('unexpected event: %s' % (self.events.get(timeout=timeout),))


@pytest.fixture(scope='module', params=['sqlite', 'postgresql'])
def notifying(request, exchange, tmp_path_factory):
    """A manager of the module's own that sends notifications; a block is
    reported at 50% use."""
    server = server_fixture.Server(
        request.param, str(tmp_path_factory.mktemp('notify')), exchange,
        workers=1, name='notify',
        extra={'notifications': {'enabled': 'true',
                                 'usage_warn_percent': '50'}})
    with conftest.running(server) as service:
        yield service


@pytest.fixture
def recorder(notifying):
    """A listener on the notifications topic, with a queue of its own."""
    pool = 'melange-test-notify-' + uuid.uuid4().hex[:8]
    transport = messaging.get_notification_transport(
        CONF, allowed_remote_exmods=rpc.ALLOWED_EXMODS)
    recorder = Recorder()
    listener = messaging.get_notification_listener(
        transport, [messaging.Target(topic='notifications')], [recorder],
        executor='threading', pool=pool)
    listener.start()
    yield recorder
    listener.stop()
    listener.wait()
    url = 'amqp' + services.RABBIT_URL[len('rabbit'):]
    with kombu.Connection(url) as connection:
        connection.default_channel.queue_delete(pool)


def test_blocks_and_addresses(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    net = helpers.network_id()
    block = api.create_block(admin, cidr='10.180.0.0/29', network_id=net,
                             gateway='10.180.0.1')
    [created] = recorder.expect('ip_block.create')
    assert (created['block_id'], created['cidr'], created['network_id']) == (
        block['id'], '10.180.0.0/29', net)

    # Usable: .2 to .6 (five); 50% of five is the third address.
    ips = [api.allocate_ip(admin, block['id'], interface_id=vif)
           for vif in (helpers.interface_id() for _ in range(2))]
    for payload, ip in zip(recorder.expect('ip.allocate', 'ip.allocate'),
                           ips):
        assert (payload['address'], payload['block_id'],
                payload['network_id'], payload['interface_id']) == (
            ip['address'], block['id'], net, ip['interface_id'])
    api.allocate_ip(admin, block['id'])
    _, warning = recorder.expect('ip.allocate', 'block.usage.warn')
    assert warning['block_id'] == block['id']
    assert (warning['allocated'], warning['free'], warning['warn_percent'],
            warning['network_id']) == (3, 2, 50, net)
    assert warning['utilization'] == pytest.approx(0.6)
    api.allocate_ip(admin, block['id'])     # past the mark: no second one
    recorder.expect('ip.allocate')

    api.deallocate_ip(admin, block['id'], ips[0]['address'])
    [released] = recorder.expect('ip.deallocate')
    assert released['address'] == ips[0]['address']
    assert api.reclaim_deallocated_ips(admin, older_than=0) == {
        'reclaimed': 1}
    [reclaimed] = recorder.expect('ip.reclaim')
    assert reclaimed == {'reclaimed': 1}

    api.delete_block(admin, block['id'], force=True)
    [deleted] = recorder.expect('ip_block.delete')
    assert deleted['block_id'] == block['id']
    recorder.assert_quiet()


def test_interfaces_and_macs(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    mac_range = api.create_mac_range(admin, cidr='fa:16:3f:00:00:00/40')
    vif = helpers.interface_id()
    interface = api.create_interface(admin, interface_id=vif,
                                     device_id=helpers.device_id())
    events = dict(zip(*zip(*[recorder.next() for _ in range(2)])))
    assert set(events) == {'mac.allocate', 'interface.create'}
    assert events['mac.allocate'] == {
        'mac_address': interface['mac_address'], 'interface_id': vif}
    assert events['interface.create']['interface_id'] == vif
    assert events['interface.create']['mac_address'] == (
        interface['mac_address'])

    api.delete_interface(admin, vif)
    events = dict(zip(*zip(*[recorder.next() for _ in range(2)])))
    assert set(events) == {'mac.release', 'interface.delete'}
    assert events['mac.release']['mac_address'] == interface['mac_address']
    api.delete_mac_range(admin, mac_range['id'])
    recorder.assert_quiet()


def test_floating_ips(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    private, public = helpers.network_id(), helpers.network_id()
    fixed_block = api.create_block(admin, cidr='10.181.0.0/24',
                                   network_id=private)
    api.create_block(admin, cidr='203.0.113.0/28',
                     type='public', network_id=public)
    fixed = api.allocate_ip(admin, fixed_block['id'])
    recorder.expect('ip_block.create', 'ip_block.create', 'ip.allocate')
    floating = api.allocate_floating_ip(admin, public)
    [allocated] = recorder.expect('ip.allocate')
    assert (allocated['address'], allocated['network_id']) == (
        floating['address'], public)

    api.associate_floating_ip(admin, floating['id'], fixed['id'])
    [associated] = recorder.expect('floating_ip.associate')
    assert (associated['floating_ip_id'], associated['address'],
            associated['fixed_ip_id']) == (floating['id'],
                                           floating['address'], fixed['id'])
    api.disassociate_floating_ip(admin, floating['id'])
    [disassociated] = recorder.expect('floating_ip.disassociate')
    assert disassociated['floating_ip_id'] == floating['id']
    api.release_floating_ip(admin, floating['id'])
    [released] = recorder.expect('ip.deallocate')
    assert released['address'] == floating['address']
    recorder.assert_quiet()


def test_a_failed_call_sends_nothing(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    block = api.create_block(admin, cidr='10.182.0.0/30',
                             gateway='10.182.0.1',
                             network_id=helpers.network_id())
    recorder.expect('ip_block.create')
    api.allocate_ip(admin, block['id'])       # the one usable address
    recorder.expect('ip.allocate', 'block.usage.warn')
    with pytest.raises(exception.NoMoreAddresses):
        api.allocate_ip(admin, block['id'], interface_id='vif-never-made')
    with pytest.raises(exception.BlockOverlap):
        api.create_block(admin, cidr='10.182.0.0/30',
                         network_id=block['network_id'])
    recorder.assert_quiet()


def test_instances_announce_their_addresses(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    net = helpers.network_id()
    block = api.create_block(admin, cidr='10.183.0.0/24', network_id=net,
                             tenant_id='tenant-i')
    recorder.expect('ip_block.create')
    device = helpers.device_id()
    [nic] = api.allocate_for_instance(admin, device, 'tenant-i',
                                      [{'network_id': net}])
    created, allocated = recorder.expect('interface.create', 'ip.allocate')
    [address] = [ip['address'] for subnet in nic['network']['subnets']
                 for ip in subnet['ips']]
    assert created['interface_id'] == nic['id']
    assert (allocated['address'], allocated['block_id'],
            allocated['interface_id']) == (address, block['id'], nic['id'])

    api.deallocate_for_instance(admin, device)
    released, deleted = recorder.expect('ip.deallocate', 'interface.delete')
    assert (released['address'], deleted['interface_id']) == (address,
                                                              nic['id'])
    recorder.assert_quiet()


def test_interfaces_with_addresses_announce_them(notifying, recorder):
    api, admin = notifying.api, notifying.admin
    net = helpers.network_id()
    api.create_block(admin, cidr='10.184.0.0/24', network_id=net)
    recorder.expect('ip_block.create')
    vif = helpers.interface_id()
    api.create_interface(admin, interface_id=vif, network_id=net,
                         mac_address='fa:16:3e:aa:bb:01',
                         addresses=['10.184.0.20'])
    _, taken, allocated = recorder.expect('interface.create', 'mac.allocate',
                                          'ip.allocate')
    assert taken['mac_address'] == 'fa:16:3e:aa:bb:01'
    assert allocated['address'] == '10.184.0.20'
    api.delete_interface(admin, vif)
    _, released, freed = recorder.expect('interface.delete', 'mac.release',
                                         'ip.deallocate')
    assert released['mac_address'] == 'fa:16:3e:aa:bb:01'
    assert freed['address'] == '10.184.0.20'
    recorder.assert_quiet()
