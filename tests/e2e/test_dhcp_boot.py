"""A client boots over DHCP with what melange-rpc allocated to its MAC.

The agent runs dnsmasq in one namespace; busybox udhcpc asks for an
address from the other, across a veth pair. The allocation and the
deallocation reach the agent through notifications only (its periodic
resync is an hour away), and the lease comes back through
melange-rpc-dhcpbridge.
"""

import os
import random
import signal
import time

import pytest

from tests.e2e import conftest

# Network namespaces need root. In CI (CI=true) the tests run regardless,
# and fail without it: a skip there would pass for a test that did not run.
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get('CI') != 'true',
    reason='needs root for network namespaces')

wait_for = conftest.wait_for
# Generous for a loaded CI machine; the agent's log shows the real delay.
NOTIFICATION_DELAY = 10


def _mac():
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randbytes(3))


def _allocate(lab, mac):
    """An interface with ``mac`` on the network and its address; the
    client's veth takes the MAC."""
    lab.set_client_mac(mac)
    vif = 'vif-' + mac.replace(':', '')
    lab.api.create_interface(lab.admin, interface_id=vif, mac_address=mac,
                             network_id=lab.network_id)
    [ip] = lab.api.allocate_ips_for_interface(
        lab.admin, network_id=lab.network_id, interface_id=vif)
    return ip


def _served(lab, mac, address):
    started = time.monotonic()
    wait_for(lambda: '%s,%s,' % (mac, address) in lab.hosts(),
             NOTIFICATION_DELAY,
             lambda: 'the agent to add %s; %s' % (mac, lab.logs()))
    return time.monotonic() - started


def test_the_client_receives_exactly_its_address_gateway_dns_and_route(lab):
    mac = _mac()
    ip = _allocate(lab, mac)
    delay = _served(lab, mac, ip['address'])
    status, received, output = lab.dhcp_client()
    print('agent followed the allocation in %.2fs' % delay)
    print('udhcpc received: %s' % received)
    print(output)
    assert status == 0, output + lab.logs()
    assert received['ip'] == ip['address'] == '192.0.2.3'
    assert received['subnet'] == '255.255.255.0'
    assert received['router'] == conftest.GATEWAY
    assert received['dns'].split() == conftest.DNS
    assert received['domain'] == 'e2e.example'
    assert received['serverid'] == conftest.DHCP_SERVER
    # Option 121 (RFC 3442): the block's route, then the default route
    # (a client given 121 ignores the router option).
    assert received['staticroutes'].split() == [
        conftest.ROUTE['destination'], conftest.ROUTE['gateway'],
        '0.0.0.0/0', conftest.GATEWAY]
    # dnsmasq ran melange-rpc-dhcpbridge, which cast lease_ip.
    wait_for(lambda: lab.api.get_ip(lab.admin, lab.block['id'],
                                    ip['address'])['leased'],
             30, lambda: 'the lease to be recorded; ' + lab.logs())


def test_a_deallocated_client_is_refused(lab):
    mac = _mac()
    ip = _allocate(lab, mac)
    _served(lab, mac, ip['address'])
    status, received, output = lab.dhcp_client()
    assert status == 0 and received['ip'] == ip['address'], output
    lab.api.deallocate_ips_for_interface(
        lab.admin, network_id=lab.network_id,
        interface_id=ip['interface_id'])
    wait_for(lambda: mac not in lab.hosts(), NOTIFICATION_DELAY,
             lambda: 'the agent to drop %s; %s' % (mac, lab.logs()))
    status, received, output = lab.dhcp_client()
    print('after deallocation udhcpc exited %d: %s' % (status,
                                                       output.strip()))
    assert status != 0, output
    assert received == {}


def test_a_dnsmasq_that_dies_is_respawned_and_serves_again(lab):
    old = lab.dnsmasq_pid()
    os.kill(old, signal.SIGKILL)
    wait_for(lambda: os.path.exists(lab.path('pid'))
             and lab.dnsmasq_pid() != old, 30,
             lambda: 'dnsmasq to be respawned; ' + lab.logs())
    mac = _mac()
    ip = _allocate(lab, mac)
    _served(lab, mac, ip['address'])
    status, received, output = lab.dhcp_client()
    assert status == 0, output + lab.logs()
    assert received['ip'] == ip['address']
