"""End-to-end fixtures: a melange-rpc-server, a DHCP agent running dnsmasq
in one network namespace, a DHCP client's namespace across a veth pair.

Network namespaces need root: without it these tests are skipped (and
only then). As root, a missing tool is an error, not a skip.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

import kombu
import pytest

from melange_rpc import config
from melange_rpc import context
from melange_rpc import rpcapi
from tests.e2e import netns
from tests import server as server_fixture
from tests import services

BIN = os.path.dirname(sys.executable)
# TEST-NET-1 (RFC 5737): documentation addresses, used only inside the
# namespaces.
CIDR = '192.0.2.0/24'
GATEWAY = '192.0.2.1'
DHCP_SERVER = '192.0.2.2'
DNS = ['192.0.2.53', '192.0.2.54']
# TEST-NET-2, reached through the gateway: the static route clients get.
ROUTE = {'destination': '198.51.100.0/24', 'gateway': GATEWAY}
TOOLS = ('ip', 'dnsmasq', 'busybox')


def _require_tools():
    missing = [tool for tool in TOOLS if not (
        shutil.which(tool) or shutil.which(tool, path='/usr/sbin:/sbin'))]
    if missing:
        raise RuntimeError('%s not installed: tools/run-tests installs them '
                           '(dnsmasq-base, busybox, iproute2)' %
                           ', '.join(missing))


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for ' + (
                what() if callable(what) else what))
        time.sleep(0.05)


class Lab:
    """Everything one end-to-end run needs, torn down in reverse."""

    def __init__(self, workdir):
        self.workdir = workdir
        name = 'mlg' + services.RUN_ID[:6]
        self.server_ns = netns.Namespace(name + '-srv')
        self.client_ns = netns.Namespace(name + '-cli')
        self.server_if = name + 's'
        self.client_if = name + 'c'
        self.network_id = 'net-e2e-' + services.RUN_ID
        self.state_path = os.path.join(workdir, 'dhcp')
        self.agent_log = os.path.join(workdir, 'agent.log')
        self.agent_host = 'e2e-agent-' + services.RUN_ID
        self.server = None
        self.forwarder = None
        self.agent = None
        self.api = None
        self.admin = context.RequestContext(
            project_id='e2e-admin', user_id='admin', roles=['admin'])

    # -- set-up ---------------------------------------------------------

    def build_network(self):
        for namespace in (self.server_ns, self.client_ns):
            namespace.create()
        netns.veth(self.server_if, self.client_if, self.server_ns,
                   self.client_ns)
        netns.ip('addr', 'add', DHCP_SERVER + '/24', 'dev', self.server_if,
                 namespace=self.server_ns.name)

    def start_server(self, exchange):
        self.server = server_fixture.Server(
            'sqlite', self.workdir, exchange, workers=1, name='e2e',
            extra={'notifications': {'enabled': 'true'}})
        self.server.create()
        self.server.start()
        self.api = rpcapi.MelangeAPI(topic=self.server.topic)
        self.server.wait_ready(self.api, self.admin)

    def create_block(self):
        self.block = self.api.create_block(
            self.admin, cidr=CIDR, network_id=self.network_id,
            gateway=GATEWAY, dns_nameservers=DNS,
            dhcp_options={'domain-name': 'e2e.example'})
        self.api.create_route(self.admin, block_id=self.block['id'], **ROUTE)
        # The DHCP server's own port holds its address, as in a cloud.
        self.api.allocate_ip(self.admin, self.block['id'],
                             address=DHCP_SERVER, interface_id='dhcp-port')

    def start_agent(self, exchange):
        url = urllib.parse.urlsplit(services.RABBIT_URL)
        # Inside the namespace 127.0.0.1 is its own loopback: RabbitMQ is
        # reached through the forwarder.
        self.forwarder = netns.Forwarder(
            self.server_ns, url.port or 5672,
            (url.hostname or '127.0.0.1', url.port or 5672))
        userinfo = (url.netloc.rsplit('@', 1)[0] + '@'
                    if '@' in url.netloc else '')
        inside_url = url._replace(netloc='%s127.0.0.1:%d' % (
            userinfo, url.port or 5672)).geturl()
        self.agent_config = server_fixture.write_config(
            os.path.join(self.workdir, 'agent.conf'),
            DEFAULT={'transport_url': inside_url,
                     'control_exchange': exchange,
                     'rpc_topic': self.server.topic,
                     'host': self.agent_host,
                     'debug': 'true'},
            dhcp={'interface_mappings': '%s:%s' % (self.network_id,
                                                   self.server_if),
                  'state_path': self.state_path,
                  # Only notifications can make the agent follow an
                  # allocation within the test's time.
                  'resync_interval': 3600,
                  'dnsmasq_log_dhcp': 'true'},
            oslo_messaging_rabbit={'heartbeat_timeout_threshold': 0})
        self._agent_out = open(self.agent_log, 'ab')
        self.agent = subprocess.Popen(
            netns.exec_argv(self.server_ns.name, [
                os.path.join(BIN, 'melange-rpc-dhcp-agent'),
                '--config-file', self.agent_config,
                '--log-file', self.agent_log]),
            stdout=self._agent_out, stderr=subprocess.STDOUT)
        wait_for(lambda: self._agent_says('Listening for notifications')
                 and os.path.exists(self.path('pid')), 60,
                 lambda: 'the agent to listen and start dnsmasq; ' +
                 self.logs())

    def _agent_says(self, text):
        if self.agent.poll() is not None:
            raise AssertionError('the agent exited (%s): %s' % (
                self.agent.returncode, self.logs()))
        with open(self.agent_log) as log:
            return text in log.read()

    # -- during the tests -------------------------------------------------

    def path(self, name):
        return os.path.join(self.state_path, self.network_id, name)

    def hosts(self):
        try:
            with open(self.path('host')) as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def dnsmasq_pid(self):
        with open(self.path('pid')) as f:
            return int(f.read())

    def logs(self):
        parts = []
        for path in (self.agent_log, self.path('dnsmasq.log')):
            if os.path.exists(path):
                with open(path) as f:
                    parts.append('--- %s\n%s' % (path, f.read()[-6000:]))
        return '\n'.join(parts)

    def set_client_mac(self, mac):
        netns.ip('link', 'set', 'dev', self.client_if, 'address', mac,
                 namespace=self.client_ns.name)

    def dhcp_client(self):
        """Run busybox udhcpc once in the client namespace; (exit status,
        the options it was given, its output)."""
        out = os.path.join(self.workdir, 'udhcpc.env')
        if os.path.exists(out):
            os.unlink(out)
        script = os.path.join(self.workdir, 'udhcpc.sh')
        with open(script, 'w') as f:
            # udhcpc runs its script with deconfig, bound, renew, nak or
            # leasefail, the received options in the environment. Record
            # them; configure nothing.
            f.write('#!/bin/sh\n'
                    '[ "$1" = bound ] || exit 0\n'
                    'env | grep -E "^(ip|subnet|router|dns|domain|'
                    'staticroutes|serverid|lease|hostname)=" | sort '
                    '> "$UDHCPC_OUT"\n')
        os.chmod(script, 0o755)
        # -n: give up (exit 1) without a lease; -q: exit once bound;
        # -O staticroutes: ask for option 121, which udhcpc does not
        # request by default (servers send only what is asked for).
        result = subprocess.run(
            netns.exec_argv(self.client_ns.name, [
                'busybox', 'udhcpc', '-i', self.client_if, '-n', '-q',
                '-f', '-t', '5', '-T', '2', '-s', script,
                '-O', 'staticroutes']),
            env=dict(os.environ, UDHCPC_OUT=out), capture_output=True,
            text=True, timeout=120)
        received = {}
        if os.path.exists(out):
            with open(out) as f:
                received = dict(line.rstrip('\n').split('=', 1)
                                for line in f if '=' in line)
        return result.returncode, received, result.stdout + result.stderr

    # -- tear-down --------------------------------------------------------

    def stop_agent(self):
        if self.agent is None:
            return
        if self.agent.poll() is None:
            self.agent.send_signal(signal.SIGTERM)
            try:
                self.agent.wait(30)
            except subprocess.TimeoutExpired:
                self.agent.kill()
                self.agent.wait()
        self._agent_out.close()
        # The agent's notification queue (its pool) outlives it in the
        # broker; this run's is of no use to anyone after it.
        # kombu spells oslo.messaging's rabbit:// as amqp://.
        url = 'amqp' + services.RABBIT_URL[len('rabbit'):]
        with kombu.Connection(url) as connection:
            connection.default_channel.queue_delete(
                'melange-rpc-dhcp-agent.' + self.agent_host)

    def destroy(self):
        try:
            self.stop_agent()
        finally:
            try:
                if self.forwarder is not None:
                    self.forwarder.close()
            finally:
                try:
                    if self.server is not None:
                        self.server.destroy()
                finally:
                    # Also kills a dnsmasq a failed agent left behind.
                    self.server_ns.destroy()
                    self.client_ns.destroy()
                    try:
                        netns.ip('link', 'del', self.server_if)
                    except Exception:
                        pass


@pytest.fixture(scope='session')
def exchange(tmp_path_factory):
    """This process as a caller on the run's exchange."""
    services.require_rabbitmq()
    path = str(tmp_path_factory.mktemp('e2e-client') / 'client.conf')
    server_fixture.write_config(
        path, DEFAULT={'transport_url': services.RABBIT_URL,
                       'control_exchange': services.run_name('exchange')},
        rpcapi={'call_timeout': 30})
    config.parse_args(['--config-file', path])
    return services.run_name('exchange')


@pytest.fixture(scope='module')
def lab(exchange):
    _require_tools()
    # Not pytest's tmp_path: that is private to root, and dnsmasq reads
    # its files again after dropping root.
    workdir = tempfile.mkdtemp(prefix='melange-e2e-')
    os.chmod(workdir, 0o755)
    lab = Lab(workdir)
    try:
        lab.build_network()
        lab.start_server(exchange)
        lab.create_block()
        lab.start_agent(exchange)
        yield lab
    finally:
        try:
            lab.destroy()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
