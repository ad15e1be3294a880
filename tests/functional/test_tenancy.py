"""A foreign tenant walks every RPC method against another tenant's objects.

Every method of the manager has a row here; a method added without one
fails ``test_every_method_has_a_row``. Each row says what the foreign
tenant must get: a typed error that hides the object (not found), a
Forbidden, a list without the owner's objects, or nothing at all; and
after every call the store is unchanged.
"""

import uuid

import pytest

from melange_rpc import exception
from melange_rpc import manager


def _unique_mac_range():
    return 'fa:%02x:%02x:%02x:00:00/32' % tuple(uuid.uuid4().bytes[:3])


@pytest.fixture(scope='module')
def owned(melange):
    """Objects of tenant A, and a foreign tenant B with one of its own."""
    api, admin = melange.api, melange.admin
    a, b = melange.tenant(), melange.tenant()
    net = 'net-' + uuid.uuid4().hex[:8]
    public_net = 'pub-' + uuid.uuid4().hex[:8]
    mac_range = api.create_mac_range(admin, cidr=_unique_mac_range())
    octet = uuid.uuid4().int % 200 + 20
    policy = api.create_policy(a, name='edge')
    rng = api.create_unusable_range(a, policy_id=policy['id'], offset=0,
                                    length=2)
    octet_rule = api.create_unusable_octet(a, policy_id=policy['id'],
                                           octet=255)
    block = api.create_block(a, cidr='10.%d.0.0/24' % octet, network_id=net,
                             policy_id=policy['id'], gateway='10.%d.0.1'
                             % octet)
    parent = api.create_block(a, cidr='172.%d.0.0/16' % (octet % 16 + 16))
    subnet = api.create_subnet(a, parent_id=parent['id'], prefixlen=24)
    route = api.create_route(a, block_id=block['id'],
                             destination='192.168.0.0/16',
                             gateway='10.%d.0.1' % octet)
    interface = api.create_interface(a, interface_id='vif-' +
                                     uuid.uuid4().hex, device_id='dev-a',
                                     network_id=net)
    fixed = api.allocate_ip(a, block_id=block['id'],
                            interface_id=interface['id'])
    other_fixed = api.allocate_ip(a, block_id=block['id'])
    api.add_allowed_ip(a, interface_id=interface['id'], network_id=net,
                       address=other_fixed['address'])
    api.create_block(admin, cidr='198.%d.0.0/24' % (octet % 250),
                     type='public', network_id=public_net)
    floating = api.allocate_floating_ip(a, network_id=public_net)
    api.associate_floating_ip(a, floating_ip_id=floating['id'],
                              fixed_ip_id=fixed['id'])
    theirs = api.allocate_floating_ip(b, network_id=public_net)
    device = 'dev-' + uuid.uuid4().hex[:8]
    api.allocate_for_instance(a, device_id=device, tenant_id=a.project_id,
                              interfaces=[{'network_id': net}])
    retained = api.allocate_ip(a, block_id=block['id'])
    api.deallocate_ip(a, block_id=block['id'],
                      address=retained['address'])
    return dict(a=a, b=b, net=net, public_net=public_net, policy=policy,
                range=rng, octet=octet_rule, block=block, parent=parent,
                subnet=subnet, route=route, interface=interface,
                fixed=fixed, floating=floating, theirs=theirs,
                device=device, mac_range=mac_range, retained=retained)


NOT_FOUND, FORBIDDEN, HIDDEN, NOTHING, ALLOWED = (
    'not found', 'forbidden', 'hidden', 'nothing', 'allowed')

# method: (expected outcome, error class or None, kwargs from objects)
WALK = {
    'ping': (ALLOWED, None, lambda o: {}),
    'create_block': (FORBIDDEN, exception.Forbidden, lambda o: {
        'cidr': '10.250.0.0/24', 'tenant_id': o['a'].project_id}),
    'create_subnet': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'parent_id': o['parent']['id'], 'prefixlen': 24}),
    'get_block': (NOT_FOUND, exception.BlockNotFound,
                  lambda o: {'block_id': o['block']['id']}),
    'list_blocks': (HIDDEN, None, lambda o: {}),
    'list_subnets': (NOT_FOUND, exception.BlockNotFound,
                     lambda o: {'parent_id': o['parent']['id']}),
    'update_block': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'name': 'mine now'}),
    'delete_block': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'force': True}),
    'get_block_usage': (NOT_FOUND, exception.BlockNotFound,
                        lambda o: {'block_id': o['block']['id']}),
    'create_policy': (FORBIDDEN, exception.Forbidden, lambda o: {
        'name': 'p', 'tenant_id': o['a'].project_id}),
    'get_policy': (NOT_FOUND, exception.PolicyNotFound,
                   lambda o: {'policy_id': o['policy']['id']}),
    'list_policies': (HIDDEN, None, lambda o: {}),
    'update_policy': (NOT_FOUND, exception.PolicyNotFound, lambda o: {
        'policy_id': o['policy']['id'], 'name': 'x'}),
    'delete_policy': (NOT_FOUND, exception.PolicyNotFound,
                      lambda o: {'policy_id': o['policy']['id']}),
    'create_unusable_range': (NOT_FOUND, exception.PolicyNotFound,
                              lambda o: {'policy_id': o['policy']['id'],
                                         'offset': 0, 'length': 9}),
    'delete_unusable_range': (NOT_FOUND, exception.PolicyNotFound,
                              lambda o: {'policy_id': o['policy']['id'],
                                         'range_id': o['range']['id']}),
    'create_unusable_octet': (NOT_FOUND, exception.PolicyNotFound,
                              lambda o: {'policy_id': o['policy']['id'],
                                         'octet': 7}),
    'delete_unusable_octet': (NOT_FOUND, exception.PolicyNotFound,
                              lambda o: {'policy_id': o['policy']['id'],
                                         'octet_id': o['octet']['id']}),
    'create_route': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'destination': '10.9.0.0/16',
        'gateway': o['block']['gateway']}),
    'list_routes': (NOT_FOUND, exception.BlockNotFound,
                    lambda o: {'block_id': o['block']['id']}),
    'delete_route': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'route_id': o['route']['id']}),
    'allocate_ip': (NOT_FOUND, exception.BlockNotFound,
                    lambda o: {'block_id': o['block']['id']}),
    'get_ip': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'address': o['fixed']['address']}),
    'deallocate_ip': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'], 'address': o['fixed']['address']}),
    'restore_ip': (NOT_FOUND, exception.BlockNotFound, lambda o: {
        'block_id': o['block']['id'],
        'address': o['retained']['address']}),
    'list_ips': (HIDDEN, None, lambda o: {'state': 'all'}),
    'allocate_ips_for_interface': (
        NOT_FOUND, exception.NetworkNotFound, lambda o: {
            'network_id': o['net'], 'interface_id': o['interface']['id']}),
    'deallocate_ips_for_interface': (
        NOT_FOUND, exception.InterfaceNotFound, lambda o: {
            'network_id': o['net'], 'interface_id': o['interface']['id']}),
    'get_network': (NOT_FOUND, exception.NetworkNotFound,
                    lambda o: {'network_id': o['net']}),
    'reclaim_deallocated_ips': (FORBIDDEN, exception.Forbidden,
                                lambda o: {'older_than': 0}),
    'create_interface': (FORBIDDEN, exception.Forbidden, lambda o: {
        'tenant_id': o['a'].project_id}),
    'get_interface': (NOT_FOUND, exception.InterfaceNotFound,
                      lambda o: {'interface_id': o['interface']['id']}),
    'list_interfaces': (HIDDEN, None, lambda o: {}),
    'delete_interface': (NOT_FOUND, exception.InterfaceNotFound,
                         lambda o: {'interface_id': o['interface']['id']}),
    'add_allowed_ip': (NOT_FOUND, exception.InterfaceNotFound, lambda o: {
        'interface_id': o['interface']['id'], 'network_id': o['net'],
        'address': o['fixed']['address']}),
    'list_allowed_ips': (NOT_FOUND, exception.InterfaceNotFound,
                         lambda o: {'interface_id': o['interface']['id']}),
    'remove_allowed_ip': (NOT_FOUND, exception.InterfaceNotFound,
                          lambda o: {'interface_id': o['interface']['id'],
                                     'address': o['fixed']['address']}),
    # MAC ranges belong to no tenant: reading them is allowed.
    'create_mac_range': (FORBIDDEN, exception.Forbidden,
                         lambda o: {'cidr': 'fa:16:3f:00:00:00/40'}),
    'get_mac_range': (ALLOWED, None,
                      lambda o: {'mac_range_id': o['mac_range']['id']}),
    'list_mac_ranges': (ALLOWED, None, lambda o: {}),
    'delete_mac_range': (FORBIDDEN, exception.Forbidden,
                         lambda o: {'mac_range_id': o['mac_range']['id']}),
    'allocate_mac': (NOT_FOUND, exception.InterfaceNotFound,
                     lambda o: {'interface_id': o['interface']['id']}),
    'release_mac': (NOT_FOUND, exception.InterfaceNotFound,
                    lambda o: {'mac_address': o['interface']
                               ['mac_address']}),
    'allocate_for_instance': (NOT_FOUND, exception.NetworkNotFound,
                              lambda o: {'device_id': 'mine',
                                         'tenant_id': o['b'].project_id,
                                         'interfaces': [
                                             {'network_id': o['net']}]}),
    'get_instance_network_info': (HIDDEN, None,
                                  lambda o: {'device_id': o['device']}),
    'deallocate_for_instance': (NOTHING, None,
                                lambda o: {'device_id': o['device']}),
    'allocate_floating_ip': (NOT_FOUND, exception.NetworkNotFound,
                             lambda o: {'network_id': o['net']}),
    'release_floating_ip': (NOT_FOUND, exception.AddressNotFound,
                            lambda o: {'ip_id': o['floating']['id']}),
    'associate_floating_ip': (NOT_FOUND, exception.AddressNotFound,
                              lambda o: {'floating_ip_id': o['theirs']['id'],
                                         'fixed_ip_id': o['fixed']['id']}),
    'disassociate_floating_ip': (NOT_FOUND, exception.AddressNotFound,
                                 lambda o: {'floating_ip_id':
                                            o['floating']['id']}),
    'list_floating_ips': (HIDDEN, None, lambda o: {}),
    'add_inside_globals': (NOT_FOUND, exception.AddressNotFound,
                           lambda o: {'local_ip_id': o['fixed']['id'],
                                      'global_ip_ids': [o['theirs']['id']]}),
    'list_inside_globals': (NOT_FOUND, exception.AddressNotFound,
                            lambda o: {'local_ip_id': o['fixed']['id']}),
    'remove_inside_globals': (NOT_FOUND, exception.AddressNotFound,
                              lambda o: {'local_ip_id': o['fixed']['id']}),
    'add_inside_locals': (NOT_FOUND, exception.AddressNotFound,
                          lambda o: {'global_ip_id': o['theirs']['id'],
                                     'local_ip_ids': [o['fixed']['id']]}),
    'list_inside_locals': (NOT_FOUND, exception.AddressNotFound,
                           lambda o: {'global_ip_id': o['floating']['id']}),
    'remove_inside_locals': (NOT_FOUND, exception.AddressNotFound,
                             lambda o: {'global_ip_id':
                                        o['floating']['id']}),
    # DHCP is for agents (admin or service role), not tenants.
    'get_dhcp_config': (FORBIDDEN, exception.Forbidden,
                        lambda o: {'network_id': o['net']}),
    'lease_ip': (FORBIDDEN, exception.Forbidden, lambda o: {
        'network_id': o['net'], 'address': o['fixed']['address'],
        'mac_address': o['interface']['mac_address']}),
    'release_ip': (FORBIDDEN, exception.Forbidden, lambda o: {
        'network_id': o['net'], 'address': o['fixed']['address'],
        'mac_address': o['interface']['mac_address']}),
}


def _rpc_methods():
    return {name for endpoint in manager.endpoints()
            for name in dir(endpoint)
            if not name.startswith('_') and name != 'target'
            and callable(getattr(endpoint, name))}


def test_every_method_has_a_row():
    assert set(WALK) == _rpc_methods()


def _owner_ids(owned):
    return {value['id'] for value in owned.values()
            if isinstance(value, dict) and 'id' in value}


@pytest.mark.parametrize('method', sorted(WALK))
def test_a_foreign_tenant_cannot_reach_another_tenants_objects(
        melange, owned, method):
    outcome, error, arguments = WALK[method]
    before = melange.snapshot()
    call = melange.api._prepare('1.0').call
    if error is not None:
        with pytest.raises(error):
            call(owned['b'], method, **arguments(owned))
    else:
        result = call(owned['b'], method, **arguments(owned))
        if outcome == HIDDEN:
            items = result['items'] if isinstance(result, dict) else result
            assert not {item.get('id') for item in items} & (
                _owner_ids(owned) - {owned['theirs']['id']})
            assert all(item.get('tenant_id') != owned['a'].project_id
                       for item in items)
    if method != 'ping':
        assert melange.snapshot() == before


def test_two_tenants_allocate_the_same_private_addresses(melange):
    first, second = melange.tenant(), melange.tenant()
    got = []
    for tenant in (first, second):
        block = melange.api.create_block(
            tenant, cidr='10.0.0.0/24', network_id='net-' + uuid.uuid4().hex)
        got.append([melange.api.allocate_ip(tenant, block['id'])['address']
                    for _ in range(3)])
    assert got[0] == got[1] == ['10.0.0.1', '10.0.0.2', '10.0.0.3']


def test_a_context_without_a_project_is_refused(melange):
    from melange_rpc import context
    nobody = context.RequestContext(roles=['admin'])
    with pytest.raises(exception.Forbidden):
        melange.api.list_blocks(nobody)
