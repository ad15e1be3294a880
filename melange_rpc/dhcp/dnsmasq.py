"""The dnsmasq driver: one dnsmasq process per network.

Rendering is kept in pure functions (``hosts_file``, ``opts_file``,
``dhcp_ranges``, ``command``) over a ``get_dhcp_config`` result; the
driver writes their output under ``[dhcp] state_path`` and tells dnsmasq:
SIGHUP when hosts or options change (dnsmasq re-reads --dhcp-hostsfile and
--dhcp-optsfile and keeps its leases), a restart only when the command
line changes, i.e. when the set of subnets (or the interface) does.

Every range is ``static``: dnsmasq answers only the MACs of the hosts
file, with exactly their addresses, and never picks an address itself;
melange-rpc is the one that allocates.
"""

import os
import shutil
import sys

import netaddr
from oslo_log import log as logging

from melange_rpc.conf import dhcp as dhcp_conf
from melange_rpc.dhcp import driver
from melange_rpc.dhcp import process
from melange_rpc.dhcp import served
from melange_rpc.dhcp import statefiles

LOG = logging.getLogger(__name__)

# Options the driver derives from the block itself; a dhcp_options entry
# of the same name would contradict them.
_DERIVED = frozenset(['router', 'dns-server', 'classless-static-route'])
# DHCPv6 carries no router, MTU or routes (router advertisements do); the
# block's domain goes out as the domain search list, DHCPv6's only way.
_V6_OPTIONS = {'domain-name': 'domain-search',
               'domain-search': 'domain-search',
               'ntp-server': 'ntp-server', 'sntp-server': 'sntp-server'}
_V6_ADDRESS_OPTIONS = frozenset(['ntp-server', 'sntp-server'])


def tag(block):
    """The dnsmasq tag of a block's range and options."""
    return 'subnet-' + block['id']


def hosts_file(config):
    """--dhcp-hostsfile: ``mac,address,hostname`` per host, the IPv6
    address in brackets. One line per address: dnsmasq picks, for each
    family, the line whose address lies in the client's subnet."""
    lines = []
    for host, block in served.hosts(config):
        address = host['address']
        if block['ip_version'] == 6:
            address = '[%s]' % address
        lines.append('%s,%s,%s' % (host['mac_address'], address,
                                   host['hostname']))
    return ''.join(line + '\n' for line in lines)


def _v4_options(block):
    prefix = 'tag:%s,' % tag(block)
    # An empty router or dns-server option stops dnsmasq from offering its
    # own address instead: the block has no gateway, or no DNS.
    lines = [prefix + 'option:router' + (
                 ',' + block['gateway'] if block.get('gateway') else ''),
             prefix + 'option:dns-server' + ''.join(
                 ',' + server for server in block['dns_nameservers'])]
    routes = ','.join('%s,%s' % route
                      for route in served.classless_routes(block))
    if routes:
        lines.append(prefix + 'option:classless-static-route,' + routes)
        # The same routes as option 249, which Windows clients read
        # instead of 121.
        lines.append(prefix + '249,' + routes)
    for name, value in served.options(block, skip=_DERIVED):
        option = name if name.isdigit() else 'option:' + name
        lines.append('%s%s,%s' % (prefix, option, value))
    return lines


def _v6_options(block):
    prefix = 'tag:%s,' % tag(block)
    lines = []
    if block['dns_nameservers']:
        lines.append(prefix + 'option6:dns-server' + ''.join(
            ',[%s]' % server for server in block['dns_nameservers']))
    for name, value in served.options(block, skip=_DERIVED):
        option = _V6_OPTIONS.get(name)
        if option is None:
            continue
        if option in _V6_ADDRESS_OPTIONS:
            items = [item.strip() for item in value.split(',')]
            if not all(netaddr.valid_ipv6(item) for item in items):
                continue
            value = ','.join('[%s]' % item for item in items)
        lines.append('%soption6:%s,%s' % (prefix, option, value))
    return lines


def opts_file(config):
    """--dhcp-optsfile: every served block's options, tagged by block."""
    lines = []
    for block in served.subnets(config):
        lines += (_v4_options(block) if block['ip_version'] == 4
                  else _v6_options(block))
    return ''.join(line + '\n' for line in lines)


def dhcp_ranges(config, lease_duration):
    """One static --dhcp-range per served block."""
    ranges = []
    for block in served.subnets(config):
        cidr = netaddr.IPNetwork(block['cidr'])
        size = (str(cidr.netmask) if cidr.version == 4
                else str(cidr.prefixlen))
        ranges.append('--dhcp-range=set:%s,%s,static,%s,%ds' % (
            tag(block), cidr.network, size, lease_duration))
    return ranges


def command(binary, interface, paths, ranges, script, log_dhcp=False):
    """dnsmasq's command line for one network."""
    argv = [binary,
            '--keep-in-foreground',
            '--conf-file=/dev/null',
            '--no-hosts', '--no-resolv',
            # DHCP only: no DNS server on the network's port 53.
            '--port=0',
            '--bind-interfaces', '--interface=%s' % interface,
            '--except-interface=lo',
            '--pid-file=%s' % paths['pid'],
            '--dhcp-hostsfile=%s' % paths['hosts'],
            '--dhcp-optsfile=%s' % paths['opts'],
            '--dhcp-leasefile=%s' % paths['leases'],
            '--dhcp-script=%s' % script,
            '--log-facility=%s' % paths['log'],
            # melange-rpc owns these networks: a client asking for an
            # address it does not hold is told no at once.
            '--dhcp-authoritative']
    if log_dhcp:
        argv.append('--log-dhcp')
    return argv + list(ranges)


def _find(binary):
    return (shutil.which(binary) or
            shutil.which(binary, path='/usr/sbin:/sbin') or binary)


def bridge_command(conf):
    """melange-rpc-dhcpbridge, beside the agent's interpreter by default."""
    if conf.dhcp.dhcpbridge_command:
        return conf.dhcp.dhcpbridge_command
    beside = os.path.join(os.path.dirname(sys.executable),
                          'melange-rpc-dhcpbridge')
    if os.path.exists(beside):
        return beside
    return shutil.which('melange-rpc-dhcpbridge') or beside


def bridge_environment(conf, network_id):
    """What the bridge needs and dnsmasq passes on to its script: the
    network, and the agent's configuration files."""
    env = dict(os.environ)
    env['MELANGE_NETWORK_ID'] = network_id
    env['MELANGE_CONFIG_FILE'] = os.pathsep.join(
        os.path.abspath(path) for path in conf.config_file or [])
    return env


class DnsmasqDriver(driver.DhcpDriver):
    """A dnsmasq per network, on the interface of [dhcp] interface_mappings.
    """

    def __init__(self, conf):
        super().__init__(conf)
        self._base = dhcp_conf.state_path(conf)
        self._processes = {}

    def _paths(self, network_id):
        directory = statefiles.network_dir(self._base, network_id)
        return {name: os.path.join(directory, filename)
                for name, filename in (('hosts', 'host'), ('opts', 'opts'),
                                       ('leases', 'leases'), ('pid', 'pid'),
                                       ('log', 'dnsmasq.log'))}

    def sync(self, config):
        network_id = config['network_id']
        interface = self.interface(network_id)
        if interface is None:
            return
        if not served.subnets(config):
            self.disable(network_id)
            return
        os.makedirs(self._base, mode=0o755, exist_ok=True)
        paths = self._paths(network_id)
        changed = statefiles.write_if_changed(paths['hosts'],
                                              hosts_file(config))
        changed = statefiles.write_if_changed(
            paths['opts'], opts_file(config)) or changed
        argv = command(_find(self.conf.dhcp.dnsmasq_command), interface,
                       paths, dhcp_ranges(config,
                                          self.conf.dhcp.lease_duration),
                       bridge_command(self.conf),
                       self.conf.dhcp.dnsmasq_log_dhcp)
        server = self._processes.get(network_id)
        if server is None:
            server = process.Process(
                'dnsmasq for network %s' % network_id, argv, paths['pid'],
                env=bridge_environment(self.conf, network_id),
                output=paths['log'])
            self._processes[network_id] = server
            server.start()
        elif server.argv != argv:
            LOG.info('Subnets of network %s changed; restarting dnsmasq',
                     network_id)
            server.argv = argv
            server.restart()
        elif changed:
            LOG.info('Hosts or options of network %s changed (version %s); '
                     'reloading dnsmasq', network_id, config['version'])
            server.reload()

    def disable(self, network_id):
        server = self._processes.pop(network_id, None)
        if server is not None:
            LOG.info('Network %s has nothing to serve; stopping dnsmasq',
                     network_id)
            server.stop()
        elif os.path.isdir(self._base):
            # An earlier agent may have left a dnsmasq serving it.
            paths = self._paths(network_id)
            process.Process('dnsmasq for network %s' % network_id, [],
                            paths['pid']).stop()

    def check(self):
        for server in self._processes.values():
            server.ensure()

    def stop(self):
        while self._processes:
            _, server = self._processes.popitem()
            server.stop()
