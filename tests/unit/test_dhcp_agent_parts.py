"""The DHCP pieces that need no server: driver loading, the bridge's
reading of dnsmasq's lease events, the state files."""

import os

from melange_rpc.cmd import dhcpbridge
from melange_rpc import conf
from melange_rpc.dhcp import dnsmasq
from melange_rpc.dhcp import driver
from melange_rpc.dhcp import kea
from melange_rpc.dhcp import statefiles

ENV = {'MELANGE_NETWORK_ID': 'net-1'}


def test_drivers_load_by_entry_point_name():
    assert isinstance(driver.load('dnsmasq', conf.CONF),
                      dnsmasq.DnsmasqDriver)
    assert isinstance(driver.load('kea', conf.CONF), kea.KeaDriver)


def test_an_add_event_is_a_lease_with_its_hostname():
    assert dhcpbridge.lease_event(
        ['add', 'fa:16:3e:00:00:01', '192.0.2.3', 'host-192-0-2-3'],
        ENV) == {'action': 'lease', 'network_id': 'net-1',
                 'address': '192.0.2.3', 'mac_address': 'fa:16:3e:00:00:01',
                 'hostname': 'host-192-0-2-3'}


def test_an_old_event_is_a_lease_too():
    event = dhcpbridge.lease_event(['old', 'fa:16:3e:00:00:01',
                                    '192.0.2.3'], ENV)
    assert (event['action'], event['hostname']) == ('lease', None)


def test_a_del_event_is_a_release():
    event = dhcpbridge.lease_event(['del', 'fa:16:3e:00:00:01',
                                    '192.0.2.3'], ENV)
    assert event['action'] == 'release'


def test_an_ipv6_event_takes_the_mac_from_the_environment():
    # For DHCPv6 dnsmasq passes the client's DUID where the MAC would be.
    env = dict(ENV, DNSMASQ_MAC='fa:16:3e:00:00:01')
    event = dhcpbridge.lease_event(['add', '00:01:00:01:aa:bb',
                                    '2001:db8::3'], env)
    assert event['mac_address'] == 'fa:16:3e:00:00:01'
    assert dhcpbridge.lease_event(['add', '00:01:00:01:aa:bb',
                                   '2001:db8::3'], ENV) is None


def test_events_about_no_lease_are_ignored():
    for argv in (['init'], ['tftp', '10', '192.0.2.3', '/f'],
                 ['arp-add', 'fa:16:3e:00:00:01', '192.0.2.3'], []):
        assert dhcpbridge.lease_event(argv, ENV) is None


def test_the_bridge_refuses_to_run_outside_dnsmasq():
    assert dhcpbridge.main(['add', 'fa:16:3e:00:00:01', '192.0.2.3'],
                           {}) == 2


def test_state_files_are_rewritten_only_when_they_change(tmp_path):
    path = str(tmp_path / 'host')
    assert statefiles.write_if_changed(path, 'a\n')
    assert not statefiles.write_if_changed(path, 'a\n')
    assert statefiles.write_if_changed(path, 'b\n')
    assert open(path).read() == 'b\n'
    assert oct(os.stat(path).st_mode & 0o777) == '0o644'


def test_a_network_id_unfit_for_a_path_gets_a_hashed_directory(tmp_path):
    safe = statefiles.network_dir(str(tmp_path), 'net-1')
    odd = statefiles.network_dir(str(tmp_path), '../etc/x')
    assert os.path.basename(safe) == 'net-1'
    assert os.path.dirname(odd) == str(tmp_path)
    assert os.path.basename(odd).startswith('net-')
