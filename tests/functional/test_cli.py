"""The operator CLI, ``melange-rpc``, run as operators run it (the console
script, a config file naming the transport) against a real manager:
tables by default, -f json for scripts, one clear line and a non-zero exit
for every failure."""

import json
import os
import subprocess
import sys

import pytest

from tests.functional import conftest
from tests.functional import helpers
from tests import server as server_fixture
from tests import services

CLI = os.path.join(os.path.dirname(sys.executable), 'melange-rpc')


@pytest.fixture(scope='module')
def melange_cli(exchange, tmp_path_factory):
    """A manager of the module's own and a function that runs the CLI
    against it: ``cli(*args, ok=True)`` -> CompletedProcess."""
    tmpdir = tmp_path_factory.mktemp('cli')
    server = server_fixture.Server('sqlite', str(tmpdir), exchange,
                                   workers=1, name='cli')
    with conftest.running(server):
        config = server_fixture.write_config(
            str(tmpdir / 'operator.conf'),
            DEFAULT={'transport_url': services.RABBIT_URL,
                     'control_exchange': exchange,
                     'rpc_topic': server.topic},
            rpcapi={'call_timeout': 30})

        def cli(*args, ok=True, env=None):
            result = subprocess.run(
                [CLI, '--config-file', config] + list(args),
                capture_output=True, text=True, timeout=120,
                env=dict(os.environ, **(env or {})))
            if ok:
                assert result.returncode == 0, result.stderr
            return result
        yield cli


def _json(result):
    return json.loads(result.stdout)


def _one_error_line(result):
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert 'Traceback' not in result.stderr
    return lines[0]


def test_a_newcomer_creates_a_block_and_allocates_from_it(melange_cli):
    cli = melange_cli
    assert 'melange-rpc' in cli('ping').stdout
    net = helpers.network_id()
    created = cli('block', 'create', '10.190.0.0/24', '--network', net,
                  '--gateway', '10.190.0.1', '--dns', '10.190.0.53',
                  '--dhcp-option', 'mtu=1450').stdout
    # A table for people: one field per row.
    assert '| cidr ' in created and '10.190.0.0/24' in created
    block = _json(cli('block', 'list', '--network', net, '-f', 'json'))
    [block] = block
    ip = _json(cli('ip', 'allocate', block['id'], '--interface',
                   helpers.interface_id(), '-f', 'json'))
    assert (ip['address'], ip['gateway'], ip['dns_nameservers'],
            ip['dhcp_options']) == ('10.190.0.2', '10.190.0.1',
                                    ['10.190.0.53'], {'mtu': '1450'})
    assert cli('ip', 'allocate', block['id'], '--address', '10.190.0.77',
               '-f', 'value', '-c', 'address').stdout.strip() == '10.190.0.77'
    listed = _json(cli('ip', 'list', '--block', block['id'], '-f', 'json'))
    assert [row['address'] for row in listed] == ['10.190.0.2',
                                                 '10.190.0.77']
    # Paging as the server pages: one row, then the rest after it.
    assert [r['address'] for r in _json(cli(
        'ip', 'list', '--block', block['id'], '--limit', '1', '--marker',
        '10.190.0.2', '-f', 'json'))] == ['10.190.0.77']
    released = _json(cli('ip', 'release', block['id'], '10.190.0.77',
                         '-f', 'json'))
    assert released['state'] == 'deallocated'


def test_usage_sorts_warns_and_speaks_json(melange_cli):
    cli = melange_cli
    net = helpers.network_id()
    small = _json(cli('block', 'create', '10.191.0.0/29', '--network', net,
                      '--gateway', '10.191.0.1', '-f', 'json'))
    large = _json(cli('block', 'create', '10.191.1.0/24', '--network', net,
                      '-f', 'json'))
    for _ in range(4):          # 4 of the /29's 5 usable: 80%
        cli('ip', 'allocate', small['id'])
    cli('ip', 'allocate', large['id'])

    result = cli('usage', '--network', net, '--warn', '75')
    assert result.stderr.strip() == (
        'warning: block %s (10.191.0.0/29) is 80.0%% used' % small['id'])
    rows = [line for line in result.stdout.splitlines()
            if line.startswith('| ') and 'block_id' not in line]
    assert [small['id'] in rows[0], large['id'] in rows[1]] == [True, True]
    assert '################....' in rows[0]       # 80% of 20

    report = _json(cli('usage', '--network', net, '--warn', '75', '--json'))
    assert report['over_threshold'] == [small['id']]
    assert [(b['cidr'], b['allocated'], b['free'], b['percent'])
            for b in report['blocks']] == [('10.191.0.0/29', 4, 1, 80.0),
                                           ('10.191.1.0/24', 1, 253, 0.4)]


def test_policies_routes_subnets(melange_cli):
    cli = melange_cli
    net = helpers.network_id()
    parent = _json(cli('block', 'create', '10.192.0.0/16', '--network', net,
                       '-f', 'json'))
    subnet = _json(cli('subnet', 'create', parent['id'], '--prefixlen', '24',
                       '--gateway', '10.192.0.1', '-f', 'json'))
    assert (subnet['cidr'], subnet['parent_id']) == ('10.192.0.0/24',
                                                     parent['id'])
    assert [s['id'] for s in _json(cli('subnet', 'list', parent['id'],
                                       '-f', 'json'))] == [subnet['id']]

    policy = _json(cli('policy', 'create', 'low-ten', '-f', 'json'))
    cli('policy', 'range', 'add', policy['id'], '--offset', '0',
        '--length', '10')
    cli('policy', 'octet', 'add', policy['id'], '13')
    shown = _json(cli('policy', 'show', policy['id'], '-f', 'json'))
    assert len(shown['unusable_ranges']) == 1
    assert len(shown['unusable_octets']) == 1
    assert _json(cli('block', 'set', subnet['id'], '--policy', policy['id'],
                     '-f', 'json'))['policy_id'] == policy['id']
    first = _json(cli('ip', 'allocate', subnet['id'], '-f', 'json'))
    assert first['address'] == '10.192.0.10'     # after the unusable ten

    cli('route', 'create', subnet['id'], '--destination', '172.16.0.0/12',
        '--gateway', '10.192.0.254')
    [route] = _json(cli('route', 'list', subnet['id'], '-f', 'json'))
    assert (route['destination'], route['gateway']) == ('172.16.0.0/12',
                                                        '10.192.0.254')
    assert _json(cli('ip', 'show', subnet['id'], '10.192.0.10',
                     '-f', 'json'))['routes'] == [
        {'destination': '172.16.0.0/12', 'gateway': '10.192.0.254'}]
    assert _json(cli('block', 'set', subnet['id'], '--no-policy',
                     '-f', 'json'))['policy_id'] is None
    cli('route', 'delete', subnet['id'], route['id'])
    cli('policy', 'delete', policy['id'])
    cli('block', 'delete', parent['id'], '--force')
    assert _one_error_line(cli('block', 'show', parent['id'], ok=False)
                           ).startswith('block_not_found: ')


def test_interfaces_macs_and_floating_ips(melange_cli):
    cli = melange_cli
    mac_range = _json(cli('mac', 'range', 'create', 'fa:16:3d:00:00:00/40',
                          '-f', 'json'))
    assert mac_range['size'] == 2 ** 8
    private, public = helpers.network_id(), helpers.network_id()
    cli('block', 'create', '10.193.0.0/24', '--network', private)
    cli('block', 'create', '198.51.100.0/28', '--type', 'public',
        '--network', public)
    vif = helpers.interface_id()
    interface = _json(cli('interface', 'create', '--id', vif, '--network',
                          private, '--address', '10.193.0.9', '-f', 'json'))
    assert interface['mac_address'] == 'fa:16:3d:00:00:00'
    assert interface['ip_addresses'] == ['10.193.0.9']
    [address] = _json(cli('interface', 'ip', 'list', vif, '-f', 'json'))
    fixed = _json(cli('ip', 'list', '--interface', vif, '-f', 'json'))
    assert address['address'] == fixed[0]['address'] == '10.193.0.9'

    floating = _json(cli('floating', 'ip', 'create', public, '-f', 'json'))
    fixed_id = _json(cli('ip', 'show', fixed[0]['block_id'], '10.193.0.9',
                         '-f', 'json'))['id']
    associated = _json(cli('floating', 'ip', 'associate', floating['id'],
                           fixed_id, '-f', 'json'))
    assert associated['fixed_ip_id'] == fixed_id
    assert [f['id'] for f in _json(cli('floating', 'ip', 'list',
                                       '--fixed-ip', fixed_id,
                                       '-f', 'json'))] == [floating['id']]
    cli('floating', 'ip', 'disassociate', floating['id'])
    cli('floating', 'ip', 'delete', floating['id'])

    cli('interface', 'delete', vif)
    assert _json(cli('mac', 'range', 'show', mac_range['id'],
                     '-f', 'json'))['allocated'] == 0
    cli('mac', 'range', 'delete', mac_range['id'])


def test_failures_are_one_line_and_exit_non_zero(melange_cli):
    cli = melange_cli
    line = _one_error_line(cli('block', 'create', '10.194.0.0/33',
                               ok=False))
    assert line.startswith('invalid_input: cidr: ')
    line = _one_error_line(cli('ip', 'allocate', 'no-such-block',
                               ok=False))
    assert line.startswith('block_not_found: ')
    # A member of a project may not act for another tenant.
    line = _one_error_line(cli('--roles', 'member', '--project-id',
                               'tenant-x', 'block', 'create',
                               '10.194.0.0/24', '--tenant', 'tenant-y',
                               ok=False))
    assert line.startswith('forbidden: ')
    line = _one_error_line(cli('block', 'create', '10.194.0.0/24',
                               '--dhcp-option', 'mtu', ok=False))
    assert line == "--dhcp-option must be NAME=VALUE, not 'mtu'"


def test_no_manager_on_the_topic_is_said_plainly(melange_cli, tmp_path):
    config = server_fixture.write_config(
        str(tmp_path / 'nowhere.conf'),
        DEFAULT={'transport_url': services.RABBIT_URL,
                 'rpc_topic': 'melange-nobody-listens'},
        rpcapi={'call_retries': 0})
    result = subprocess.run([CLI, '--config-file', config, '--timeout', '2',
                             'ping'], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "no reply from melange-rpc on topic 'melange-nobody-listens' (is "
        "melange-rpc-server running on this transport?)")
