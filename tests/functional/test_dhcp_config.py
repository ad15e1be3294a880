"""Address discovery over RPC: get_dhcp_config, lease_ip and release_ip,
as the DHCP agent and its lease bridge use them (service role)."""

import random
import time

import pytest

from melange_rpc import exception
from tests.functional import helpers


def _mac():
    """A MAC no other test uses (MACs are unique across tenants)."""
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randbytes(3))


def _network(melange, ctxt, cidr='10.160.0.0/24', **kwargs):
    net = helpers.network_id()
    kwargs.setdefault('gateway', cidr.rsplit('.', 1)[0] + '.1'
                      if '.' in cidr else None)
    block = melange.api.create_block(ctxt, cidr=cidr, network_id=net,
                                     **kwargs)
    return net, block


def _host(melange, ctxt, net, mac, **kwargs):
    """An interface with ``mac`` and its address(es) in ``net``."""
    vif = helpers.interface_id()
    melange.api.create_interface(ctxt, interface_id=vif, mac_address=mac,
                                 network_id=net)
    return melange.api.allocate_ips_for_interface(
        ctxt, network_id=net, interface_id=vif, **kwargs)


def test_config_names_the_network_its_subnets_hosts_and_version(melange,
                                                                tenant):
    mac_a = _mac()
    net, block = _network(melange, tenant, dns_nameservers=['10.160.0.53'],
                          dhcp_options={'domain-name': 'example.test'})
    route = melange.api.create_route(tenant, block_id=block['id'],
                                     destination='192.168.0.0/16',
                                     gateway='10.160.0.254')
    [ip] = _host(melange, tenant, net, mac_a)
    config = melange.api.get_dhcp_config(helpers.service(), net)
    assert set(config) == {'network_id', 'subnets', 'hosts', 'version'}
    assert config['network_id'] == net
    assert isinstance(config['version'], str) and config['version']
    [subnet] = config['subnets']
    del route['id'], route['block_id']
    assert subnet == dict(melange.api.get_block(tenant, block['id']),
                          routes=[route])
    assert config['hosts'] == [{'mac_address': mac_a,
                                'address': ip['address'],
                                'hostname': 'host-10-160-0-2',
                                'interface_id': ip['interface_id']}]


def test_ipv6_hostnames_replace_colons_with_dashes(melange, tenant):
    mac_a = _mac()
    net, _ = _network(melange, tenant, cidr='fd00:160::/64')
    [ip] = _host(melange, tenant, net, mac_a)
    [host] = melange.api.get_dhcp_config(helpers.service(), net)['hosts']
    assert ip['address'] == 'fd00:160::1'
    assert host['hostname'] == 'host-fd00-160--1'


def test_hosts_are_only_live_addresses_of_interfaces_with_a_mac(melange,
                                                                tenant):
    mac_a = _mac()
    mac_b = _mac()
    net, block = _network(melange, tenant, cidr='10.160.1.0/24')
    melange.api.allocate_ip(tenant, block['id'])     # no interface
    melange.api.allocate_ip(tenant, block['id'],     # an interface, no MAC
                            interface_id=helpers.interface_id())
    gone = _host(melange, tenant, net, mac_b)[0]
    melange.api.deallocate_ip(tenant, block['id'], gone['address'])
    [ip] = _host(melange, tenant, net, mac_a)
    hosts = melange.api.get_dhcp_config(helpers.service(), net)['hosts']
    assert [(h['mac_address'], h['address']) for h in hosts] == [
        (mac_a, ip['address'])]


def test_hosts_come_in_address_order(melange, tenant):
    mac_a = _mac()
    mac_b = _mac()
    net, block = _network(melange, tenant, cidr='10.160.2.0/24')
    for address, mac in (('10.160.2.30', mac_a), ('10.160.2.4', mac_b)):
        _host(melange, tenant, net, mac, addresses=[address])
    hosts = melange.api.get_dhcp_config(helpers.service(), net)['hosts']
    assert [h['address'] for h in hosts] == ['10.160.2.4', '10.160.2.30']


def test_version_changes_when_hosts_change(melange, tenant):
    mac_a = _mac()
    net, block = _network(melange, tenant, cidr='10.160.3.0/24')
    service = helpers.service()
    versions = [melange.api.get_dhcp_config(service, net)['version']]
    [ip] = _host(melange, tenant, net, mac_a)
    versions.append(melange.api.get_dhcp_config(service, net)['version'])
    melange.api.deallocate_ip(tenant, block['id'], ip['address'])
    versions.append(melange.api.get_dhcp_config(service, net)['version'])
    assert versions[0] != versions[1]
    assert versions[1] != versions[2]
    # The same hosts again: the same version.
    assert versions[0] == versions[2]


def test_version_changes_when_subnets_change(melange, tenant):
    net, block = _network(melange, tenant, cidr='10.160.4.0/24')
    service = helpers.service()
    before = melange.api.get_dhcp_config(service, net)['version']
    melange.api.update_block(tenant, block['id'],
                             dns_nameservers=['10.160.4.53'])
    with_dns = melange.api.get_dhcp_config(service, net)['version']
    melange.api.create_route(tenant, block_id=block['id'],
                             destination='192.168.4.0/24',
                             gateway='10.160.4.1')
    with_route = melange.api.get_dhcp_config(service, net)['version']
    melange.api.create_block(tenant, cidr='10.160.5.0/24', network_id=net)
    with_block = melange.api.get_dhcp_config(service, net)['version']
    assert len({before, with_dns, with_route, with_block}) == 4


def test_version_stays_when_nothing_the_dhcp_server_needs_changes(melange,
                                                                  tenant):
    mac_a = _mac()
    mac_b = _mac()
    net, block = _network(melange, tenant, cidr='10.160.6.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    service = helpers.service()
    before = melange.api.get_dhcp_config(service, net)['version']
    # A lease, an address without a MAC, another network's host.
    melange.api.lease_ip(service, net, ip['address'], mac_a)
    melange.api.allocate_ip(tenant, block['id'])
    other, _ = _network(melange, tenant, cidr='10.160.7.0/24')
    _host(melange, tenant, other, mac_b)
    assert melange.api.get_dhcp_config(service, net)['version'] == before


def test_admin_and_service_read_the_config(melange, tenant):
    net, _ = _network(melange, tenant, cidr='10.160.8.0/24')
    for ctxt in (melange.admin, helpers.service()):
        assert melange.api.get_dhcp_config(ctxt, net)['network_id'] == net


def test_a_member_may_not_read_the_config(melange, tenant):
    net, _ = _network(melange, tenant, cidr='10.160.9.0/24')
    with pytest.raises(exception.Forbidden):
        melange.api.get_dhcp_config(tenant, net)


def test_a_member_may_not_report_leases(melange, tenant):
    mac_a = _mac()
    net, _ = _network(melange, tenant, cidr='10.160.10.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    with helpers.refused(melange, exception.Forbidden):
        melange.api.lease_ip(tenant, net, ip['address'], mac_a)
    with helpers.refused(melange, exception.Forbidden):
        melange.api.release_ip(tenant, net, ip['address'], mac_a)


def test_an_unknown_network_is_network_not_found(melange):
    with pytest.raises(exception.NetworkNotFound):
        melange.api.get_dhcp_config(helpers.service(),
                                    helpers.network_id())


def test_lease_ip_marks_the_address_leased(melange, tenant):
    mac_a = _mac()
    net, block = _network(melange, tenant, cidr='10.160.11.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    assert (ip['leased'], ip['leased_at']) == (False, None)
    assert melange.api.lease_ip(helpers.service(), net, ip['address'],
                                mac_a, hostname='host-10-160-11-2') is None
    leased = melange.api.get_ip(tenant, block['id'], ip['address'])
    assert leased['leased'] is True
    assert leased['leased_at'] is not None


def test_release_ip_clears_leased_and_keeps_the_allocation(melange,
                                                           tenant):
    mac_a = _mac()
    net, block = _network(melange, tenant, cidr='10.160.12.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    service = helpers.service()
    melange.api.lease_ip(service, net, ip['address'], mac_a)
    assert melange.api.release_ip(service, net, ip['address'],
                                  mac_a) is None
    released = melange.api.get_ip(tenant, block['id'], ip['address'])
    assert released['leased'] is False
    # The lease ended; the address is still the interface's.
    assert released['state'] == 'allocated'
    assert released['interface_id'] == ip['interface_id']


def test_the_async_lease_helpers_reach_the_manager(melange, tenant):
    mac_a = _mac()
    net, block = _network(melange, tenant, cidr='10.160.13.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    service = helpers.service()

    def leased():
        return melange.api.get_ip(tenant, block['id'],
                                  ip['address'])['leased']

    melange.api.lease_ip_async(service, net, ip['address'], mac_a)
    _eventually(lambda: leased() is True)
    melange.api.release_ip_async(service, net, ip['address'], mac_a)
    _eventually(lambda: leased() is False)


def _eventually(check, timeout=10):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, 'never became true'
        time.sleep(0.1)


def test_a_release_by_a_mac_that_no_longer_holds_the_address_changes_nothing(
        melange, tenant):
    mac_a = _mac()
    mac_b = _mac()
    net, block = _network(melange, tenant, cidr='10.160.14.0/24')
    service = helpers.service()
    [old] = _host(melange, tenant, net, mac_a, addresses=['10.160.14.9'])
    melange.api.lease_ip(service, net, old['address'], mac_a)
    melange.api.deallocate_ip(tenant, block['id'], old['address'])
    melange.api.reclaim_deallocated_ips(melange.admin, older_than=0)
    # The address now belongs to another MAC, which leased it.
    [new] = _host(melange, tenant, net, mac_b, addresses=['10.160.14.9'])
    melange.api.lease_ip(service, net, new['address'], mac_b)
    before = melange.api.get_ip(tenant, block['id'], new['address'])
    assert before['leased'] is True
    # The first client's lease runs out.
    melange.api.release_ip(service, net, old['address'], mac_a)
    assert melange.api.get_ip(tenant, block['id'],
                              new['address']) == before


def test_a_lease_by_a_mac_that_does_not_hold_the_address_changes_nothing(
        melange, tenant):
    mac_a = _mac()
    mac_b = _mac()
    net, block = _network(melange, tenant, cidr='10.160.15.0/24')
    [ip] = _host(melange, tenant, net, mac_a)
    melange.api.lease_ip(helpers.service(), net, ip['address'], mac_b)
    assert melange.api.get_ip(tenant, block['id'],
                              ip['address'])['leased'] is False
