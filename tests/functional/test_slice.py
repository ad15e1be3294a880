"""The first slice over RabbitMQ: blocks, allocation, reads, deallocation."""

import pytest
import sqlalchemy as sa

from melange_rpc import exception


def test_ping_names_the_service_and_api_version(melange):
    reply = melange.api.ping(melange.admin)
    assert reply == {'service': 'melange-rpc', 'version': '1.0',
                     'host': 'test-%s' % melange.backend}


def test_create_block_normalises_cidr_and_reports_its_shape(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.20.0.77/24',
                                     gateway='10.20.0.1',
                                     dns_nameservers=['8.8.8.8'],
                                     dhcp_options={'mtu': 1450})
    assert block['cidr'] == '10.20.0.0/24'
    assert block['netmask'] == '255.255.255.0'
    assert block['broadcast'] == '10.20.0.255'
    assert block['tenant_id'] == tenant.project_id
    assert block['type'] == 'private'
    assert block['dhcp_options'] == {'mtu': 1450}
    assert melange.api.get_block(tenant, block['id']) == block


def test_another_tenants_block_is_not_found(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.21.0.0/24')
    with pytest.raises(exception.BlockNotFound):
        melange.api.get_block(melange.tenant(), block['id'])


def test_list_blocks_pages_in_creation_order(melange):
    owner = melange.tenant()
    created = [melange.api.create_block(owner, cidr='10.30.%d.0/24' % i)['id']
               for i in range(5)]
    seen, marker = [], None
    while True:
        page = melange.api.list_blocks(owner, limit=2, marker=marker)
        seen += [b['id'] for b in page['items']]
        marker = page['next_marker']
        if marker is None:
            break
    assert seen == created


def test_allocation_hands_out_the_lowest_free_address(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.40.0.0/29',
                                     gateway='10.40.0.1')
    addresses = [melange.api.allocate_ip(tenant, block['id'])['address']
                 for _ in range(5)]
    # .0 is the network, .1 the gateway, .7 the broadcast address.
    assert addresses == ['10.40.0.%d' % i for i in (2, 3, 4, 5, 6)]
    with pytest.raises(exception.NoMoreAddresses):
        melange.api.allocate_ip(tenant, block['id'])


def test_a_specific_address_is_allocated_and_then_skipped(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.41.0.0/24')
    ip = melange.api.allocate_ip(tenant, block['id'], address='10.41.0.1')
    assert ip['address'] == '10.41.0.1'
    assert melange.api.allocate_ip(tenant, block['id'])['address'] == (
        '10.41.0.2')


def test_allocation_returns_the_ip_config_a_host_needs(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.42.0.0/24',
                                     gateway='10.42.0.1',
                                     dns_nameservers=['10.42.0.53'],
                                     network_id='net-42')
    ip = melange.api.allocate_ip(tenant, block['id'], interface_id='vif-42',
                                 device_id='vm-42',
                                 mac_address='FA-16-3E-00-00-42')
    assert ip['state'] == 'allocated'
    assert ip['interface_id'] == 'vif-42'
    assert ip['mac_address'] == 'fa:16:3e:00:00:42'
    assert ip['device_id'] == 'vm-42'
    assert ip['network_id'] == 'net-42'
    assert ip['block'] == {
        'id': block['id'], 'cidr': '10.42.0.0/24', 'gateway': '10.42.0.1',
        'netmask': '255.255.255.0', 'broadcast': '10.42.0.255',
        'network_id': 'net-42', 'dns_nameservers': ['10.42.0.53'],
        'dhcp_options': {}, 'routes': []}
    assert melange.api.get_ip(tenant, block['id'], '10.42.0.2') == ip


def test_deallocated_address_is_retained_not_reused(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.43.0.0/24')
    first = melange.api.allocate_ip(tenant, block['id'])
    gone = melange.api.deallocate_ip(tenant, block['id'], first['address'])
    assert gone['state'] == 'deallocated'
    assert gone['deallocated_at'] is not None
    again = melange.api.deallocate_ip(tenant, block['id'], first['address'])
    assert again['deallocated_at'] == gone['deallocated_at']
    assert melange.api.allocate_ip(tenant, block['id'])['address'] == (
        '10.43.0.2')
    with pytest.raises(exception.DuplicateAddress):
        melange.api.allocate_ip(tenant, block['id'],
                                address=first['address'])


def test_repeat_with_the_same_idempotency_key_returns_the_first_result(
        melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.44.0.0/24')
    first = melange.api.allocate_ip(tenant, block['id'],
                                    idempotency_key='boot-1')
    repeat = melange.api.allocate_ip(tenant, block['id'],
                                     idempotency_key='boot-1')
    assert repeat == first
    assert melange.api.allocate_ip(tenant, block['id'])['address'] == (
        '10.44.0.2')


# The second request would succeed on its own (10.45.0.9 is free), or fail
# on its own (10.99.0.1 is not in the block): either way it is not the
# first one.
@pytest.mark.parametrize('address', ['10.45.0.9', '10.99.0.1'])
def test_the_same_key_for_another_request_is_a_conflict(melange, tenant,
                                                        address):
    block = melange.api.create_block(tenant, cidr='10.45.0.0/24')
    melange.api.allocate_ip(tenant, block['id'], idempotency_key='k')
    before = melange.snapshot()
    with pytest.raises(exception.Conflict):
        melange.api.allocate_ip(tenant, block['id'], address=address,
                                idempotency_key='k')
    assert melange.snapshot() == before


def test_a_repeat_that_would_fail_if_run_again_returns_the_first_result(
        melange, tenant):
    # The manager does not look a key up before it runs the call: a repeat
    # of a specific address fails to take it again, and is answered from
    # the stored result instead of with DuplicateAddress.
    block = melange.api.create_block(tenant, cidr='10.46.0.0/24')
    first = melange.api.allocate_ip(tenant, block['id'], address='10.46.0.9',
                                    idempotency_key='fixed-9')
    before = melange.snapshot()
    repeat = melange.api.allocate_ip(tenant, block['id'],
                                     address='10.46.0.9',
                                     idempotency_key='fixed-9')
    assert repeat == first
    assert melange.snapshot() == before


def test_an_expired_key_runs_the_call_again(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.48.0.0/24')
    first = melange.api.allocate_ip(tenant, block['id'],
                                    idempotency_key='old-key')
    with melange.server.engine.begin() as conn:
        conn.execute(sa.text(
            "UPDATE idempotency_keys SET expires_at = created_at "
            "WHERE project_id = :project AND idempotency_keys.key = 'old-key'"
        ), {'project': tenant.project_id})
    again = melange.api.allocate_ip(tenant, block['id'],
                                    idempotency_key='old-key')
    assert (first['address'], again['address']) == ('10.48.0.1', '10.48.0.2')
    # The new result is the one stored now.
    assert melange.api.allocate_ip(
        tenant, block['id'], idempotency_key='old-key') == again


BAD_CALLS = [
    ('create_block', {'cidr': '10.011.0.0/24'}, exception.InvalidInput),
    ('create_block', {'cidr': '10.0.0.0/33'}, exception.InvalidInput),
    ('create_block', {'cidr': 'not-a-cidr'}, exception.InvalidInput),
    ('create_block', {'cidr': 42}, exception.InvalidInput),
    ('create_block', {'cidr': '10.0.0.0/24', 'gateway': '10.9.0.1'},
     exception.InvalidInput),
    ('create_block', {'cidr': '10.0.0.0/24', 'type': 'public'},
     exception.Forbidden),
    ('create_block', {}, exception.InvalidInput),
    ('create_block', {'cidr': '10.0.0.0/24', 'colour': 'red'},
     exception.InvalidInput),
    ('get_block', {'block_id': 'no-such-block'}, exception.BlockNotFound),
    ('allocate_ip', {'block_id': 'no-such-block'}, exception.BlockNotFound),
    ('list_blocks', {'limit': 0}, exception.InvalidInput),
    ('list_blocks', {'marker': 'no-such-block'}, exception.InvalidInput),
]


@pytest.mark.parametrize('method,kwargs,error', BAD_CALLS,
                         ids=['%s-%s' % (m, '-'.join(k)) for m, k, _ in
                              BAD_CALLS])
def test_bad_input_is_a_typed_error_that_changes_nothing(
        melange, tenant, method, kwargs, error):
    before = melange.snapshot()
    cctxt = melange.api._prepare('1.0')
    with pytest.raises(error) as caught:
        cctxt.call(tenant, method, **kwargs)
    assert caught.value.code == error.code
    assert melange.snapshot() == before
    assert melange.api.ping(tenant)['service'] == 'melange-rpc'


def test_bad_addresses_for_a_block_are_typed_errors(melange, tenant):
    block = melange.api.create_block(tenant, cidr='10.46.0.0/24',
                                     gateway='10.46.0.1')
    before = melange.snapshot()
    cases = [('10.47.0.5', exception.AddressNotInBlock),
             ('fe80::1', exception.AddressNotInBlock),
             ('10.46.0.0', exception.AllocationNotAllowed),
             ('10.46.0.1', exception.AllocationNotAllowed),
             ('10.46.0.255', exception.AllocationNotAllowed),
             ('10.46.0.0256', exception.InvalidInput)]
    for address, error in cases:
        with pytest.raises(error):
            melange.api.allocate_ip(tenant, block['id'], address=address)
    with pytest.raises(exception.AddressNotFound):
        melange.api.get_ip(tenant, block['id'], '10.46.0.9')
    with pytest.raises(exception.AddressNotFound):
        melange.api.deallocate_ip(tenant, block['id'], '10.46.0.9')
    assert melange.snapshot() == before
