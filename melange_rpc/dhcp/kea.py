"""The Kea driver: a kea-dhcp4 configuration file per network.

It renders each network's IPv4 blocks as ``subnet4`` entries holding one
host reservation per host, and leaves running Kea to the deployment
(``[dhcp] kea_reload_command`` tells it to re-read the file). It is the
proof that the driver interface is not shaped around dnsmasq: the same
``get_dhcp_config`` result, in another server's terms.

One file per network, because one kea-dhcp4 refuses two subnets with the
same prefix, while private blocks of different networks may overlap.
IPv6 blocks (kea-dhcp6) are not served by this driver, and Kea's lease
events are not reported back (Kea's run_script hook could call
melange-rpc-dhcpbridge the way dnsmasq's --dhcp-script does).
"""

import hashlib
import json
import os
import subprocess

import netaddr
from oslo_log import log as logging

from melange_rpc.conf import dhcp as dhcp_conf
from melange_rpc.dhcp import driver
from melange_rpc.dhcp import served
from melange_rpc.dhcp import statefiles

LOG = logging.getLogger(__name__)

# dhcp_options names of the API -> Kea's option names.
_OPTION_NAMES = {'domain-name': 'domain-name',
                 'domain-search': 'domain-search',
                 'ntp-server': 'ntp-servers', 'mtu': 'interface-mtu',
                 'interface-mtu': 'interface-mtu'}
# Kea numbers subnets with 32-bit ids, 0 and 2**32-1 being reserved.
_MAX_SUBNET_ID = 2 ** 32 - 2


def subnet_id(block_id):
    """A stable Kea subnet id for a block: Kea keys leases by subnet id,
    so the id must survive a rewrite of the file."""
    digest = hashlib.sha256(block_id.encode()).digest()
    return int.from_bytes(digest[:4], 'big') % _MAX_SUBNET_ID + 1


def classless_routes_data(routes):
    """Option 121's value as Kea's hex data (RFC 3442 encoding: prefix
    length, the significant octets of the destination, the gateway)."""
    data = bytearray()
    for destination, gateway in routes:
        cidr = netaddr.IPNetwork(destination)
        data.append(cidr.prefixlen)
        data += cidr.network.packed[:(cidr.prefixlen + 7) // 8]
        data += netaddr.IPAddress(gateway).packed
    return data.hex().upper()


def _option_data(block):
    options = []
    if block.get('gateway'):
        options.append({'name': 'routers', 'data': block['gateway']})
    if block['dns_nameservers']:
        options.append({'name': 'domain-name-servers',
                        'data': ', '.join(block['dns_nameservers'])})
    routes = served.classless_routes(block)
    if routes:
        data = classless_routes_data(routes)
        # 249: the same routes for Windows clients that read only it.
        options += [{'code': code, 'csv-format': False, 'data': data}
                    for code in (121, 249)]
    for name, value in served.options(block):
        if name in _OPTION_NAMES:
            options.append({'name': _OPTION_NAMES[name], 'data': value})
    return options


def _subnet4(block, hosts, interface):
    return {
        'id': subnet_id(block['id']),
        'subnet': block['cidr'],
        'interface': interface,
        # No pools: Kea answers only the reserved MACs, with exactly their
        # addresses; melange-rpc is the one that allocates.
        'reservations-in-subnet': True,
        'reservations-out-of-pool': True,
        'option-data': _option_data(block),
        'reservations': [{'hw-address': host['mac_address'],
                          'ip-address': host['address'],
                          'hostname': host['hostname']}
                         for host, held_by in hosts
                         if held_by['id'] == block['id']],
    }


def render(config, interface, lease_file, lease_duration):
    """The kea-dhcp4 configuration (a dict) serving one network."""
    blocks = [block for block in served.subnets(config)
              if block['ip_version'] == 4]
    hosts = served.hosts(config)
    return {'Dhcp4': {
        'interfaces-config': {'interfaces': [interface]},
        'lease-database': {'type': 'memfile', 'persist': True,
                           'name': lease_file},
        'valid-lifetime': lease_duration,
        'authoritative': True,
        'subnet4': [_subnet4(block, hosts, interface) for block in blocks],
    }}


class KeaDriver(driver.DhcpDriver):
    """Writes kea-dhcp4 files; Kea itself is run by the deployment."""

    def __init__(self, conf):
        super().__init__(conf)
        self._base = dhcp_conf.state_path(conf)

    def config_file(self, network_id):
        return os.path.join(statefiles.network_dir(self._base, network_id),
                            'kea-dhcp4.json')

    def sync(self, config):
        network_id = config['network_id']
        interface = self.interface(network_id)
        if interface is None:
            return
        os.makedirs(self._base, mode=0o755, exist_ok=True)
        path = self.config_file(network_id)
        lease_file = os.path.join(os.path.dirname(path), 'kea-leases4.csv')
        text = json.dumps(render(config, interface, lease_file,
                                 self.conf.dhcp.lease_duration),
                          indent=2, sort_keys=True) + '\n'
        if statefiles.write_if_changed(path, text):
            LOG.info('Wrote %s (network %s, version %s)', path, network_id,
                     config['version'])
            self._reload(network_id, path)

    def disable(self, network_id):
        path = self.config_file(network_id)
        if os.path.exists(path):
            os.unlink(path)
            self._reload(network_id, path)

    def _reload(self, network_id, path):
        if not self.conf.dhcp.kea_reload_command:
            return
        argv = [arg.format(network_id=network_id, config_file=path)
                for arg in self.conf.dhcp.kea_reload_command]
        try:
            subprocess.run(argv, check=True, timeout=30,
                           capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            LOG.error('Kea reload command %s failed: %s', argv, exc)

    def stop(self):
        """Kea keeps serving the files as they are."""
