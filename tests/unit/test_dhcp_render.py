"""What the DHCP drivers write for a network's get_dhcp_config result:
dnsmasq's hosts and options files and command line, Kea's configuration.
"""

import json
import os
import shutil
import subprocess

from melange_rpc.dhcp import dnsmasq
from melange_rpc.dhcp import kea
from melange_rpc.dhcp import served

MAC = 'fa:16:3e:00:00:01'


def block(**fields):
    """A Block as get_dhcp_config returns it (IPv4 unless told)."""
    value = {'id': 'b4', 'name': None, 'cidr': '192.0.2.0/24',
             'ip_version': 4, 'type': 'private', 'parent_id': None,
             'network_id': 'net-1', 'gateway': '192.0.2.1',
             'netmask': '255.255.255.0', 'broadcast': '192.0.2.255',
             'dns_nameservers': ['192.0.2.53'], 'dhcp_options': {},
             'ipv6_address_mode': None, 'routes': []}
    value.update(fields)
    return value


def block6(**fields):
    value = block(id='b6', cidr='2001:db8::/64', ip_version=6,
                  gateway='2001:db8::1', netmask='64', broadcast=None,
                  dns_nameservers=['2001:db8::53'],
                  ipv6_address_mode='dhcpv6-stateful')
    value.update(fields)
    return value


def host(address, mac=MAC):
    return {'mac_address': mac, 'address': address,
            'hostname': 'host-' + address.replace('.', '-').replace(
                ':', '-'),
            'interface_id': 'vif-1'}


def config(subnets, hosts=()):
    return {'network_id': 'net-1', 'subnets': list(subnets),
            'hosts': list(hosts), 'version': 'v1'}


def lines(text):
    assert text == '' or text.endswith('\n')
    return text.splitlines()


# -- dnsmasq hosts file -------------------------------------------------------

def test_hosts_file_has_a_mac_address_hostname_line_per_ipv4_host():
    text = dnsmasq.hosts_file(config([block()], [host('192.0.2.3')]))
    assert lines(text) == ['fa:16:3e:00:00:01,192.0.2.3,host-192-0-2-3']


def test_hosts_file_brackets_dhcpv6_stateful_addresses():
    text = dnsmasq.hosts_file(config([block6()], [host('2001:db8::3')]))
    assert lines(text) == [
        'fa:16:3e:00:00:01,[2001:db8::3],host-2001-db8--3']


def test_hosts_file_has_one_line_per_address_of_a_dual_stack_host():
    text = dnsmasq.hosts_file(config(
        [block(), block6()], [host('192.0.2.3'), host('2001:db8::3')]))
    assert lines(text) == [
        'fa:16:3e:00:00:01,192.0.2.3,host-192-0-2-3',
        'fa:16:3e:00:00:01,[2001:db8::3],host-2001-db8--3']


def test_hosts_of_slaac_blocks_are_not_served():
    slaac = block6(ipv6_address_mode='slaac')
    text = dnsmasq.hosts_file(config([slaac], [host('2001:db8::3')]))
    assert text == ''


def test_hosts_file_of_a_network_without_hosts_is_empty():
    assert dnsmasq.hosts_file(config([block()])) == ''


# -- dnsmasq options file ---------------------------------------------------

def test_ipv4_options_are_router_and_dns_tagged_by_block():
    assert lines(dnsmasq.opts_file(config([block()]))) == [
        'tag:subnet-b4,option:router,192.0.2.1',
        'tag:subnet-b4,option:dns-server,192.0.2.53']


def test_a_block_without_gateway_or_dns_sends_empty_options():
    # Empty options keep dnsmasq from offering its own address instead.
    text = dnsmasq.opts_file(config([block(gateway=None,
                                           dns_nameservers=[])]))
    assert lines(text) == ['tag:subnet-b4,option:router',
                           'tag:subnet-b4,option:dns-server']


def test_routes_become_option_121_with_the_default_route_and_249():
    routes = [{'destination': '198.51.100.0/24', 'gateway': '192.0.2.254'}]
    text = dnsmasq.opts_file(config([block(routes=routes)]))
    expected = '198.51.100.0/24,192.0.2.254,0.0.0.0/0,192.0.2.1'
    assert ('tag:subnet-b4,option:classless-static-route,' + expected
            in lines(text))
    assert 'tag:subnet-b4,249,' + expected in lines(text)


def test_an_explicit_default_route_is_not_doubled():
    routes = [{'destination': '0.0.0.0/0', 'gateway': '192.0.2.254'}]
    assert served.classless_routes(block(routes=routes)) == [
        ('0.0.0.0/0', '192.0.2.254')]


def test_a_block_without_routes_sends_no_option_121():
    assert 'classless' not in dnsmasq.opts_file(config([block()]))


def test_ipv6_routes_are_not_put_in_option_121():
    routes = [{'destination': '2001:db8:1::/48', 'gateway': '2001:db8::1'}]
    assert served.classless_routes(block6(routes=routes)) == []


def test_dhcp_options_domain_ntp_mtu_are_passed_by_name():
    options = {'domain-name': 'example.test', 'ntp-server': '192.0.2.123',
               'mtu': 1450}
    text = dnsmasq.opts_file(config([block(dhcp_options=options)]))
    assert lines(text)[2:] == [
        'tag:subnet-b4,option:domain-name,example.test',
        'tag:subnet-b4,option:mtu,1450',
        'tag:subnet-b4,option:ntp-server,192.0.2.123']


def test_a_numbered_dhcp_option_is_passed_by_number():
    text = dnsmasq.opts_file(config([block(dhcp_options={'42':
                                                         '192.0.2.9'})]))
    assert 'tag:subnet-b4,42,192.0.2.9' in lines(text)


def test_an_option_that_could_break_the_file_is_dropped():
    options = {'domain-name': 'a\ndhcp-range=evil', 'Bad Name': 'x',
               'mtu': 1400}
    text = dnsmasq.opts_file(config([block(dhcp_options=options)]))
    assert lines(text)[2:] == ['tag:subnet-b4,option:mtu,1400']


def test_options_derived_from_the_block_are_not_overridden():
    text = dnsmasq.opts_file(config([block(dhcp_options={
        'router': '192.0.2.99'})]))
    assert lines(text) == ['tag:subnet-b4,option:router,192.0.2.1',
                           'tag:subnet-b4,option:dns-server,192.0.2.53']


def test_ipv6_options_are_dns_domain_search_and_ntp():
    options = {'domain-name': 'example.test', 'ntp-server': '2001:db8::7',
               'mtu': 1400}
    text = dnsmasq.opts_file(config([block6(dhcp_options=options)]))
    assert lines(text) == [
        'tag:subnet-b6,option6:dns-server,[2001:db8::53]',
        'tag:subnet-b6,option6:domain-search,example.test',
        'tag:subnet-b6,option6:ntp-server,[2001:db8::7]']


# -- dnsmasq ranges and command line -----------------------------------------

def test_each_served_block_gets_a_static_range_with_its_tag():
    assert dnsmasq.dhcp_ranges(config([block(), block6()]), 600) == [
        '--dhcp-range=set:subnet-b4,192.0.2.0,static,255.255.255.0,600s',
        '--dhcp-range=set:subnet-b6,2001:db8::,static,64,600s']


def test_parent_blocks_and_slaac_blocks_get_no_range():
    parent = block(id='parent', cidr='192.0.0.0/16')
    child = block(id='child', cidr='192.0.2.0/24', parent_id='parent')
    slaac = block6(ipv6_address_mode='slaac')
    assert dnsmasq.dhcp_ranges(config([parent, child, slaac]), 600) == [
        '--dhcp-range=set:subnet-child,192.0.2.0,static,255.255.255.0,'
        '600s']


def test_command_serves_dhcp_only_on_the_network_interface():
    paths = {'pid': '/s/pid', 'hosts': '/s/host', 'opts': '/s/opts',
             'leases': '/s/leases', 'log': '/s/log'}
    argv = dnsmasq.command('dnsmasq', 'tap0', paths, ['--dhcp-range=r'],
                           '/bin/melange-rpc-dhcpbridge')
    for arg in ('--keep-in-foreground', '--port=0', '--bind-interfaces',
                '--interface=tap0', '--except-interface=lo',
                '--pid-file=/s/pid', '--dhcp-hostsfile=/s/host',
                '--dhcp-optsfile=/s/opts', '--dhcp-leasefile=/s/leases',
                '--dhcp-script=/bin/melange-rpc-dhcpbridge',
                '--conf-file=/dev/null'):
        assert arg in argv
    assert argv[0] == 'dnsmasq' and argv[-1] == '--dhcp-range=r'


# -- Kea ------------------------------------------------------------------

def kea_config(interface='lo'):
    routes = [{'destination': '198.51.100.0/24', 'gateway': '192.0.2.254'}]
    options = {'domain-name': 'example.test', 'ntp-server': '192.0.2.123',
               'mtu': 1450}
    network = config([block(routes=routes, dhcp_options=options),
                      block6()],
                     [host('192.0.2.3'), host('2001:db8::3')])
    return kea.render(network, interface, '/tmp/kea-leases4.csv', 3600)


def test_kea_subnet_ids_are_stable_and_in_range():
    assert kea.subnet_id('b4') == kea.subnet_id('b4')
    assert kea.subnet_id('b4') != kea.subnet_id('b5')
    assert 1 <= kea.subnet_id('b4') <= 2 ** 32 - 2


def test_kea_option_121_is_rfc_3442_encoded():
    # 24 | 198.51.100 | 192.0.2.254, then 0 | (none) | 192.0.2.1
    assert kea.classless_routes_data([('198.51.100.0/24', '192.0.2.254'),
                                      ('0.0.0.0/0', '192.0.2.1')]) == (
        '18C63364C00002FE' + '00C0000201')


def test_kea_renders_ipv4_subnets_with_reservations_and_options():
    dhcp4 = kea_config()['Dhcp4']
    assert dhcp4['interfaces-config'] == {'interfaces': ['lo']}
    assert dhcp4['valid-lifetime'] == 3600
    [subnet] = dhcp4['subnet4']
    assert subnet['subnet'] == '192.0.2.0/24'
    assert subnet['id'] == kea.subnet_id('b4')
    assert 'pools' not in subnet
    assert subnet['reservations'] == [{'hw-address': MAC,
                                       'ip-address': '192.0.2.3',
                                       'hostname': 'host-192-0-2-3'}]
    options = {o.get('name', o.get('code')): o['data']
               for o in subnet['option-data']}
    assert options == {
        'routers': '192.0.2.1', 'domain-name-servers': '192.0.2.53',
        121: '18C63364C00002FE00C0000201',
        249: '18C63364C00002FE00C0000201',
        'domain-name': 'example.test', 'ntp-servers': '192.0.2.123',
        'interface-mtu': '1450'}


def _kea_dhcp4():
    return shutil.which('kea-dhcp4') or shutil.which(
        'kea-dhcp4', path='/usr/sbin:/sbin')


def test_kea_accepts_the_rendered_configuration(tmp_path):
    """Kea's own config test (``kea-dhcp4 -t``) passes the file.

    tools/run-tests installs kea-dhcp4-server when it runs as root. Where
    kea-dhcp4 is not installed, this test can only check that the file
    is JSON with the structure Kea documents; it says so in its output
    instead of skipping.
    """
    path = tmp_path / 'kea-dhcp4.json'
    path.write_text(json.dumps(kea_config(), indent=2))
    loaded = json.loads(path.read_text())
    assert set(loaded) == {'Dhcp4'}
    assert {'interfaces-config', 'lease-database', 'subnet4'} <= set(
        loaded['Dhcp4'])
    binary = _kea_dhcp4()
    if binary is None:
        print('kea-dhcp4 is not installed: checked the JSON structure only')
        return
    env = dict(os.environ, KEA_LOCKFILE_DIR=str(tmp_path),
               KEA_PIDFILE_DIR=str(tmp_path))
    result = subprocess.run([binary, '-t', str(path)], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_kea_refuses_a_broken_configuration(tmp_path):
    """The config test above can fail: a reservation outside its subnet
    is refused (with kea-dhcp4 installed; else a structure check)."""
    broken = kea_config()
    broken['Dhcp4']['subnet4'][0]['reservations'][0]['ip-address'] = (
        '10.9.9.9')
    path = tmp_path / 'kea-dhcp4.json'
    path.write_text(json.dumps(broken))
    binary = _kea_dhcp4()
    if binary is None:
        print('kea-dhcp4 is not installed: checked the JSON structure only')
        assert json.loads(path.read_text()) == broken
        return
    env = dict(os.environ, KEA_LOCKFILE_DIR=str(tmp_path),
               KEA_PIDFILE_DIR=str(tmp_path))
    result = subprocess.run([binary, '-t', str(path)], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode != 0
