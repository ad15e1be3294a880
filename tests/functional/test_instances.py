"""Instances: every interface of a device at once, and Nova's view of it."""

import pytest

from melange_rpc import exception
from tests.functional import helpers
from tests.functional import helpers_vif
from tests.functional.helpers import refused


@pytest.fixture
def macs(melange):
    yield from helpers_vif.mac_ranges(melange)


def _dual_stack(melange, ctxt, n, **kwargs):
    """Net A: IPv4 /24 and IPv6 /64 (dhcpv6-stateful), gateways, DNS,
    DHCP options and a route each."""
    net = helpers.network_id()
    v4 = melange.api.create_block(
        ctxt, cidr='10.%d.0.0/24' % n, network_id=net,
        gateway='10.%d.0.1' % n, dns_nameservers=['10.%d.0.53' % n],
        dhcp_options={'domain-name': 'example.org', 'mtu': 1450}, **kwargs)
    melange.api.create_route(ctxt, block_id=v4['id'],
                             destination='172.16.%d.0/24' % n,
                             gateway='10.%d.0.254' % n)
    v6 = melange.api.create_block(
        ctxt, cidr='fd00:%d::/64' % n, network_id=net,
        ipv6_address_mode='dhcpv6-stateful', gateway='fd00:%d::1' % n,
        dns_nameservers=['fd00:%d::53' % n, '10.%d.0.53' % n], **kwargs)
    melange.api.create_route(ctxt, block_id=v6['id'],
                             destination='fd00:%d:1::/48' % n,
                             gateway='fd00:%d::fe' % n)
    return net, v4, v6


def _v4_only(melange, ctxt, n, **kwargs):
    net = helpers.network_id()
    block = melange.api.create_block(ctxt, cidr='10.%d.0.0/24' % n,
                                     network_id=net,
                                     gateway='10.%d.0.1' % n, **kwargs)
    return net, block


def _full_network(melange, ctxt, cidr, **kwargs):
    net = helpers.network_id()
    block = melange.api.create_block(ctxt, cidr=cidr, network_id=net,
                                     **kwargs)
    melange.api.allocate_ip(ctxt, block_id=block['id'])
    return net


def _dual_stack_subnets(n, v4_ips, v6_ips):
    return [
        {'cidr': '10.%d.0.0/24' % n, 'version': 4, 'gateway': '10.%d.0.1' % n,
         'dns': ['10.%d.0.53' % n],
         'routes': [{'destination': '172.16.%d.0/24' % n,
                     'gateway': '10.%d.0.254' % n}],
         'dhcp_options': {'domain-name': 'example.org', 'mtu': 1450},
         'ips': v4_ips},
        {'cidr': 'fd00:%d::/64' % n, 'version': 6,
         'gateway': 'fd00:%d::1' % n,
         'dns': ['fd00:%d::53' % n, '10.%d.0.53' % n],
         'routes': [{'destination': 'fd00:%d:1::/48' % n,
                     'gateway': 'fd00:%d::fe' % n}],
         'dhcp_options': {}, 'ips': v6_ips}]


def _v4_only_subnets(n, ips):
    return [{'cidr': '10.%d.0.0/24' % n, 'version': 4,
             'gateway': '10.%d.0.1' % n, 'dns': [], 'routes': [],
             'dhcp_options': {}, 'ips': ips}]


def _fixed(address, floating=()):
    return {'address': address, 'type': 'fixed',
            'floating_ips': [{'address': f, 'type': 'floating'}
                             for f in floating]}


def _sorted(info):
    """Network info with each VIF's subnets in IP version order."""
    return [dict(vif, network=dict(vif['network'], subnets=helpers_vif
                                   .by_version(vif['network']['subnets'])))
            for vif in info]


def _boot(melange, tenant, *nets, **kwargs):
    device = helpers.device_id()
    info = melange.api.allocate_for_instance(
        helpers_vif.nova(), device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net} for net in nets], **kwargs)
    return device, info


# -- allocate_for_instance ------------------------------------------------

def test_allocate_for_instance_returns_the_instance_network_info(
        melange, macs, tenant):
    mac_range = macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 162)
    net_b, _ = _v4_only(melange, tenant, 163)
    device, info = _boot(melange, tenant, net_a, net_b)
    mac_a, mac_b = helpers_vif.macs_in(mac_range['cidr'])[:2]
    vif_a, vif_b = (vif['id'] for vif in info)
    assert _sorted(info) == [
        {'id': vif_a, 'address': mac_a,
         'network': {'id': net_a, 'subnets': _dual_stack_subnets(
             162, [_fixed('10.162.0.2')], [_fixed('fd00:162::2')])}},
        {'id': vif_b, 'address': mac_b,
         'network': {'id': net_b, 'subnets': _v4_only_subnets(
             163, [_fixed('10.163.0.2')])}}]


def test_each_nic_of_an_instance_is_an_interface_of_the_tenant(
        melange, macs, tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 164)
    net_b, _ = _v4_only(melange, tenant, 165)
    device, info = _boot(melange, tenant, net_a, net_b)
    listed = melange.api.list_interfaces(tenant, device_id=device)['items']
    assert [vif['id'] for vif in listed] == [vif['id'] for vif in info]
    assert [vif['network_id'] for vif in listed] == [net_a, net_b]
    assert [vif['mac_address'] for vif in listed] == [
        vif['address'] for vif in info]
    assert {vif['tenant_id'] for vif in listed} == {tenant.project_id}
    assert {vif['device_id'] for vif in listed} == {device}
    ips = [ip for vif in listed for ip in vif['ip_addresses']]
    assert {ip['tenant_id'] for ip in ips} == {tenant.project_id}
    assert {ip['device_id'] for ip in ips} == {device}


def test_get_instance_network_info_repeats_what_allocation_returned(
        melange, macs, tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 166)
    net_b, _ = _v4_only(melange, tenant, 167)
    device, info = _boot(melange, tenant, net_a, net_b)
    nova = helpers_vif.nova()
    assert _sorted(melange.api.get_instance_network_info(
        nova, device_id=device)) == _sorted(info)
    assert _sorted(melange.api.get_instance_network_info(
        tenant, device_id=device)) == _sorted(info)


def test_a_nic_may_name_its_mac_and_addresses(melange, tenant):
    net_a, _, _ = _dual_stack(melange, tenant, 168)
    mac = helpers_vif.mac()
    device = helpers.device_id()
    (vif,) = melange.api.allocate_for_instance(
        helpers_vif.nova(), device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net_a, 'mac_address': mac.upper(),
                     'addresses': ['10.168.0.7', 'fd00:168::7']}])
    assert vif['address'] == mac
    assert _sorted([vif])[0]['network']['subnets'] == _dual_stack_subnets(
        168, [_fixed('10.168.0.7')], [_fixed('fd00:168::7')])


def test_a_subnet_appears_only_where_the_vif_has_an_address(melange,
                                                            tenant):
    net_a, _, _ = _dual_stack(melange, tenant, 169)
    device = helpers.device_id()
    (vif,) = melange.api.allocate_for_instance(
        helpers_vif.nova(), device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net_a, 'mac_address': helpers_vif.mac(),
                     'addresses': ['10.169.0.7']}])
    assert vif['network']['subnets'] == _dual_stack_subnets(
        169, [_fixed('10.169.0.7')], [])[:1]


def test_a_member_allocates_for_its_own_instance(melange, tenant):
    net, _ = _v4_only(melange, tenant, 170)
    device = helpers.device_id()
    (vif,) = melange.api.allocate_for_instance(
        tenant, device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net, 'mac_address': helpers_vif.mac()}])
    assert vif['network']['subnets'][0]['ips'] == [_fixed('10.170.0.2')]


def test_a_member_may_not_allocate_for_another_tenant(melange, tenant):
    net, _ = _v4_only(melange, tenant, 171)
    with refused(melange, exception.Forbidden):
        melange.api.allocate_for_instance(
            tenant, device_id=helpers.device_id(), tenant_id='someone-else',
            interfaces=[{'network_id': net,
                         'mac_address': helpers_vif.mac()}])


def test_a_member_may_not_name_another_networks_owner(melange, tenant):
    owner = melange.tenant()
    net, _ = _v4_only(melange, owner, 172)
    with refused(melange, exception.Forbidden):
        melange.api.allocate_for_instance(
            tenant, device_id=helpers.device_id(),
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net, 'tenant_id': owner.project_id,
                         'mac_address': helpers_vif.mac()}])


def test_an_items_tenant_id_names_the_networks_owner(melange, tenant):
    owner = melange.tenant()
    net, block = _v4_only(melange, owner, 173)
    device = helpers.device_id()
    (vif,) = melange.api.allocate_for_instance(
        helpers_vif.nova(), device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net, 'tenant_id': owner.project_id,
                     'mac_address': helpers_vif.mac()}])
    interface = melange.api.get_interface(tenant, vif['id'])
    assert interface['tenant_id'] == tenant.project_id
    (ip,) = interface['ip_addresses']
    assert (ip['address'], ip['block_id'], ip['tenant_id']) == (
        '10.173.0.2', block['id'], tenant.project_id)


def test_without_an_items_tenant_id_the_network_is_the_lessees(melange,
                                                              tenant):
    net, _ = _v4_only(melange, melange.tenant(), 174)
    with refused(melange, exception.NetworkNotFound):
        melange.api.allocate_for_instance(
            helpers_vif.nova(), device_id=helpers.device_id(),
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net,
                         'mac_address': helpers_vif.mac()}])


def test_allocate_for_instance_is_all_or_nothing(melange, macs, tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 175)
    net_b, _ = _v4_only(melange, tenant, 176)
    full = _full_network(melange, tenant, '10.177.0.9/32')
    device = helpers.device_id()
    with refused(melange, exception.NoMoreAddresses):
        melange.api.allocate_for_instance(
            helpers_vif.nova(), device_id=device,
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net_a}, {'network_id': net_b},
                        {'network_id': full}])
    assert melange.api.get_instance_network_info(
        helpers_vif.nova(), device_id=device) == []
    assert helpers.rows_mentioning(melange, device) == []


def test_an_unknown_network_fails_the_whole_instance(melange, macs, tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 178)
    with refused(melange, exception.NetworkNotFound):
        melange.api.allocate_for_instance(
            helpers_vif.nova(), device_id=helpers.device_id(),
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net_a},
                        {'network_id': helpers.network_id()}])


def test_a_duplicate_mac_fails_the_whole_instance(melange, macs, tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 179)
    mac = helpers_vif.mac()
    with refused(melange, exception.DuplicateMacAddress):
        melange.api.allocate_for_instance(
            helpers_vif.nova(), device_id=helpers.device_id(),
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net_a, 'mac_address': mac},
                        {'network_id': net_a, 'mac_address': mac}])


def test_allocate_for_instance_repeated_with_its_key_changes_nothing(
        melange, macs, tenant):
    macs.fresh()
    net, _ = _v4_only(melange, tenant, 180)
    device, info = _boot(melange, tenant, net, idempotency_key='boot-1')
    before = melange.snapshot()
    again = melange.api.allocate_for_instance(
        helpers_vif.nova(), device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net}], idempotency_key='boot-1')
    assert again == info
    assert melange.snapshot() == before


# -- get_instance_network_info --------------------------------------------

def test_network_info_of_an_unknown_device_is_empty(melange):
    assert melange.api.get_instance_network_info(
        helpers_vif.nova(), device_id=helpers.device_id()) == []


def test_network_info_of_another_tenants_device_is_empty(melange, tenant):
    net, _ = _v4_only(melange, tenant, 181)
    device = helpers.device_id()
    melange.api.allocate_for_instance(
        tenant, device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net, 'mac_address': helpers_vif.mac()}])
    assert melange.api.get_instance_network_info(
        melange.tenant(), device_id=device) == []


# -- deallocate_for_instance ----------------------------------------------

def test_deallocate_for_instance_deletes_its_interfaces(melange, macs,
                                                        tenant):
    macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 182)
    net_b, _ = _v4_only(melange, tenant, 183)
    device, info = _boot(melange, tenant, net_a, net_b)
    nova = helpers_vif.nova()
    assert melange.api.deallocate_for_instance(nova, device_id=device) is (
        None)
    assert melange.api.get_instance_network_info(nova,
                                                 device_id=device) == []
    assert melange.api.list_interfaces(nova, device_id=device)['items'] == []
    for vif in info:
        with pytest.raises(exception.InterfaceNotFound):
            melange.api.get_interface(nova, vif['id'])


def test_deallocate_for_instance_releases_its_macs(melange, macs, tenant):
    mac_range = macs.fresh()
    net_a, _, _ = _dual_stack(melange, tenant, 184)
    net_b, _ = _v4_only(melange, tenant, 185)
    device, info = _boot(melange, tenant, net_a, net_b)
    melange.api.deallocate_for_instance(helpers_vif.nova(), device_id=device)
    assert melange.api.get_mac_range(
        melange.admin, mac_range['id'])['allocated'] == 0
    assert melange.api.allocate_mac(melange.admin)['mac_address'] == (
        info[0]['address'])


def test_deallocate_for_instance_retains_its_addresses(melange, macs,
                                                       tenant):
    macs.fresh()
    net_a, v4, v6 = _dual_stack(melange, tenant, 186)
    device, _ = _boot(melange, tenant, net_a)
    melange.api.deallocate_for_instance(helpers_vif.nova(), device_id=device)
    for block, address in ((v4, '10.186.0.2'), (v6, 'fd00:186::2')):
        assert melange.api.list_ips(tenant, block_id=block['id'])[
            'items'] == []
        (ip,) = melange.api.list_ips(tenant, block_id=block['id'],
                                     state='deallocated')['items']
        assert (ip['address'], ip['state']) == (address, 'deallocated')


def test_deallocate_for_instance_async_takes_effect(melange, macs, tenant):
    mac_range = macs.fresh()
    net, _ = _v4_only(melange, tenant, 187)
    device, _ = _boot(melange, tenant, net)
    nova = helpers_vif.nova()
    melange.api.deallocate_for_instance_async(nova, device_id=device)
    assert helpers_vif.eventually(
        lambda: melange.api.get_instance_network_info(
            nova, device_id=device) == [])
    assert helpers_vif.eventually(
        lambda: melange.api.get_mac_range(
            melange.admin, mac_range['id'])['allocated'] == 0)


def test_deallocate_for_an_unknown_device_changes_nothing(melange):
    before = melange.snapshot()
    melange.api.deallocate_for_instance(helpers_vif.nova(),
                                        device_id=helpers.device_id())
    after = melange.snapshot()
    after.pop('idempotency_keys', None)
    before.pop('idempotency_keys', None)
    assert after == before


def test_another_tenant_cannot_deallocate_an_instance(melange, tenant):
    net, _ = _v4_only(melange, tenant, 188)
    device = helpers.device_id()
    info = melange.api.allocate_for_instance(
        tenant, device_id=device, tenant_id=tenant.project_id,
        interfaces=[{'network_id': net, 'mac_address': helpers_vif.mac()}])
    try:
        melange.api.deallocate_for_instance(melange.tenant(),
                                            device_id=device)
    except exception.NotFound:
        pass
    assert melange.api.get_instance_network_info(
        tenant, device_id=device) == info


# -- bad input ------------------------------------------------------------

def _bad_calls():
    ok = {'network_id': 'net-x'}
    return [
        ('allocate_for_instance', {'tenant_id': 't', 'interfaces': [ok]}),
        ('allocate_for_instance', {'device_id': 'vm', 'interfaces': [ok]}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': []}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': ok}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': [{}]}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': [dict(ok, port=1)]}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': ['net-x']}),
        ('allocate_for_instance', {'device_id': 42, 'tenant_id': None,
                                   'interfaces': [ok]}),
        ('allocate_for_instance', {'device_id': 'vm', 'tenant_id': None,
                                   'interfaces': [ok], 'colour': 'red'}),
        ('get_instance_network_info', {}),
        ('get_instance_network_info', {'device_id': 42}),
        ('deallocate_for_instance', {}),
        ('deallocate_for_instance', {'device_id': ['vm']}),
    ]


BAD_CALLS = _bad_calls()


@pytest.mark.parametrize('method,kwargs', BAD_CALLS,
                         ids=['%s-%d' % (m, i) for i, (m, _) in
                              enumerate(BAD_CALLS)])
def test_bad_input_is_invalid_input_that_changes_nothing(
        melange, method, kwargs):
    with refused(melange, exception.InvalidInput):
        helpers.raw(melange, helpers_vif.nova(), method, **kwargs)


def test_a_bad_address_of_a_nic_is_invalid_input(melange, tenant):
    net, _ = _v4_only(melange, tenant, 189)
    with refused(melange, exception.InvalidInput):
        melange.api.allocate_for_instance(
            helpers_vif.nova(), device_id=helpers.device_id(),
            tenant_id=tenant.project_id,
            interfaces=[{'network_id': net, 'mac_address': helpers_vif.mac(),
                         'addresses': ['10.189.0.256']}])


# -- the acceptance scenario ----------------------------------------------

def test_nova_boots_a_vm_with_two_nics_and_deletes_it_leaving_nothing(
        melange, macs):
    api, admin, nova = melange.api, melange.admin, helpers_vif.nova()
    tenant = melange.tenant()
    lessee = tenant.project_id

    # The operator: a MAC range, two networks of the tenant, a public one.
    macs.drain()
    mac_range = api.create_mac_range(admin, cidr=helpers_vif.mac_cidr(45))
    macs.created.append(mac_range)
    start = api.get_mac_range(admin, mac_range['id'])['allocated']
    net_a, a4, a6 = _dual_stack(melange, admin, 190, tenant_id=lessee)
    net_b, b4 = _v4_only(melange, admin, 191, tenant_id=lessee)
    public_net = helpers.network_id()
    public = api.create_block(admin, cidr=helpers_vif.public_cidr(),
                              type='public', network_id=public_net)

    # Nova boots the VM with two NICs.
    device = helpers.device_id()
    booted = api.allocate_for_instance(
        nova, device_id=device, tenant_id=lessee,
        interfaces=[{'network_id': net_a}, {'network_id': net_b}])
    vif_a, vif_b = (vif['id'] for vif in booted)
    mac_a, mac_b = helpers_vif.macs_in(mac_range['cidr'])[:2]
    assert [vif['address'] for vif in booted] == [mac_a, mac_b]

    # A floating IP for the tenant, on the first NIC's IPv4 address.
    (fixed,) = api.list_ips(nova, interface_id=vif_a,
                            block_id=a4['id'])['items']
    floating = api.allocate_floating_ip(nova, network_id=public_net,
                                        tenant_id=lessee)
    assert (floating['tenant_id'], floating['block_id']) == (lessee,
                                                             public['id'])
    associated = api.associate_floating_ip(nova, floating_ip_id=floating['id'],
                                           fixed_ip_id=fixed['id'])
    assert associated['fixed_ip_id'] == fixed['id']

    # What Nova builds its network_info from.
    info = api.get_instance_network_info(nova, device_id=device)
    assert _sorted(info) == [
        {'id': vif_a, 'address': mac_a,
         'network': {'id': net_a, 'subnets': _dual_stack_subnets(
             190, [_fixed('10.190.0.2', [floating['address']])],
             [_fixed('fd00:190::2')])}},
        {'id': vif_b, 'address': mac_b,
         'network': {'id': net_b, 'subnets': _v4_only_subnets(
             191, [_fixed('10.191.0.2')])}}]
    assert api.get_instance_network_info(tenant, device_id=device) == info
    assert api.get_mac_range(admin, mac_range['id'])['allocated'] == (
        start + 2)

    # Nova deletes the VM.
    api.deallocate_for_instance(nova, device_id=device)
    api.release_floating_ip(nova, ip_id=floating['id'])

    assert api.get_instance_network_info(nova, device_id=device) == []
    assert api.list_interfaces(admin, device_id=device)['items'] == []
    assert api.get_mac_range(admin, mac_range['id'])['allocated'] == start
    assert api.list_floating_ips(admin, tenant_id=lessee)['items'] == []
    given = {a4['id']: ['10.190.0.2'], a6['id']: ['fd00:190::2'],
             b4['id']: ['10.191.0.2'], public['id']: [floating['address']]}
    for block_id, addresses in given.items():
        assert api.list_ips(admin, block_id=block_id)['items'] == []
        retained = api.list_ips(admin, block_id=block_id,
                                state='deallocated')['items']
        assert [ip['address'] for ip in retained] == addresses
        assert {ip['state'] for ip in retained} == {'deallocated'}

    # The operator reclaims: nothing of the VM is left.
    reclaimed = api.reclaim_deallocated_ips(admin, older_than=0)
    assert reclaimed['reclaimed'] >= 4
    for block_id in given:
        usage = api.get_block_usage(admin, block_id)
        assert (usage['allocated'], usage['deallocated']) == (0, 0)
    assert helpers.rows_mentioning(melange, device, vif_a, vif_b, mac_a,
                                   mac_b, fixed['id'], floating['id']) == []

    # ... and the same addresses can be allocated again.
    for block_id, (address,) in given.items():
        if block_id == public['id']:
            again = api.allocate_floating_ip(admin, network_id=public_net,
                                             tenant_id=lessee,
                                             address=address)
        else:
            again = api.allocate_ip(admin, block_id=block_id,
                                    address=address, tenant_id=lessee)
        assert (again['address'], again['state']) == (address, 'allocated')
