"""melange-rpc-manage import-nova: a nova-network database becomes blocks,
interfaces, addresses and floating IPs, once, on every backend.

The nova database is built from Nova's own table definitions (Ocata's
nova/db/sqlalchemy/models.py: the tables, the columns, their types, the
soft-delete column), filled the way nova-network filled it: a row per
address of a network, the reserved ones marked, instances holding some.
"""

import ipaddress
import os
import re
import subprocess
import sys
import uuid

import netaddr
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from melange_rpc import exception
from tests.functional import helpers_vif
from tests import services

MANAGE = os.path.join(os.path.dirname(sys.executable), 'melange-rpc-manage')

# Nova's IPAddress and CIDR types (nova/db/types.py): INET on PostgreSQL.
IP = sa.String(39).with_variant(postgresql.INET(), 'postgresql')
CIDR = sa.String(43).with_variant(postgresql.INET(), 'postgresql')


def _nova_columns():
    """NovaBase's timestamps and oslo.db's SoftDeleteMixin."""
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime),
            sa.Column('deleted_at', sa.DateTime),
            sa.Column('deleted', sa.Integer, default=0)]


def nova_schema():
    metadata = sa.MetaData()
    sa.Table(
        'networks', metadata,
        sa.Column('id', sa.Integer, primary_key=True, nullable=False),
        sa.Column('label', sa.String(255)),
        sa.Column('injected', sa.Boolean, default=False),
        sa.Column('cidr', CIDR), sa.Column('cidr_v6', CIDR),
        sa.Column('multi_host', sa.Boolean, default=False),
        sa.Column('gateway_v6', IP), sa.Column('netmask_v6', IP),
        sa.Column('netmask', IP), sa.Column('bridge', sa.String(255)),
        sa.Column('bridge_interface', sa.String(255)),
        sa.Column('gateway', IP), sa.Column('broadcast', IP),
        sa.Column('dns1', IP), sa.Column('dns2', IP),
        sa.Column('vlan', sa.Integer),
        sa.Column('vpn_public_address', IP),
        sa.Column('vpn_public_port', sa.Integer),
        sa.Column('vpn_private_address', IP),
        sa.Column('dhcp_start', IP), sa.Column('rxtx_base', sa.Integer),
        sa.Column('project_id', sa.String(255)),
        sa.Column('priority', sa.Integer),
        sa.Column('host', sa.String(255)),
        sa.Column('uuid', sa.String(36)), sa.Column('mtu', sa.Integer),
        sa.Column('dhcp_server', IP),
        sa.Column('enable_dhcp', sa.Boolean, default=True),
        sa.Column('share_address', sa.Boolean, default=False),
        *_nova_columns(),
        sa.UniqueConstraint('vlan', 'deleted',
                            name='uniq_networks0vlan0deleted'))
    sa.Table(
        'virtual_interfaces', metadata,
        sa.Column('id', sa.Integer, primary_key=True, nullable=False),
        sa.Column('address', sa.String(255)),
        sa.Column('network_id', sa.Integer),
        sa.Column('instance_uuid', sa.String(36)),
        sa.Column('uuid', sa.String(36)), sa.Column('tag', sa.String(255)),
        *_nova_columns(),
        sa.UniqueConstraint('address', 'deleted',
                            name='uniq_virtual_interfaces0address0deleted'))
    sa.Table(
        'fixed_ips', metadata,
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('address', IP), sa.Column('network_id', sa.Integer),
        sa.Column('virtual_interface_id', sa.Integer),
        sa.Column('instance_uuid', sa.String(36)),
        sa.Column('allocated', sa.Boolean, default=False),
        sa.Column('leased', sa.Boolean, default=False),
        sa.Column('reserved', sa.Boolean, default=False),
        sa.Column('host', sa.String(255)),
        *_nova_columns(),
        sa.UniqueConstraint('address', 'deleted',
                            name='uniq_fixed_ips0address0deleted'))
    sa.Table(
        'floating_ips', metadata,
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('address', IP), sa.Column('fixed_ip_id', sa.Integer),
        sa.Column('project_id', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('auto_assigned', sa.Boolean, default=False),
        sa.Column('pool', sa.String(255)),
        sa.Column('interface', sa.String(255)),
        *_nova_columns(),
        sa.UniqueConstraint('address', 'deleted',
                            name='uniq_floating_ips0address0deleted'))
    sa.Table(
        'instances', metadata,
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('hostname', sa.String(255)),
        sa.Column('host', sa.String(255)),
        sa.Column('vm_state', sa.String(255)),
        sa.Column('uuid', sa.String(36), nullable=False),
        *_nova_columns(),
        sa.UniqueConstraint('uuid', name='uniq_instances0uuid'))
    return metadata


class NovaDatabase:
    """A nova database, written as nova-network wrote it."""

    def __init__(self, url):
        self.url = url
        self.engine = sa.create_engine(url)
        metadata = nova_schema()
        metadata.create_all(self.engine)
        self.tables = metadata.tables

    def insert(self, table, **values):
        with self.engine.begin() as conn:
            return conn.execute(self.tables[table].insert().values(
                **{'deleted': 0, **values})).inserted_primary_key[0]

    def update(self, table, row_id, **values):
        table = self.tables[table]
        with self.engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == row_id)
                         .values(**values))

    def delete(self, table, row_id):
        """Nova's soft delete: ``deleted`` becomes the row's id."""
        self.update(table, row_id, deleted=row_id)

    def instance(self, project_id):
        instance_uuid = str(uuid.uuid4())
        row_id = self.insert('instances', uuid=instance_uuid,
                              project_id=project_id, vm_state='active')
        return instance_uuid, row_id

    def network(self, cidr, extra_reserved=(), **values):
        """A network and its fixed IPs, as ``nova-manage network create``
        makes them: network, gateway and broadcast reserved, plus
        ``extra_reserved`` (VlanManager's VPN address, a DHCP server)."""
        net = ipaddress.ip_network(cidr)
        gateway = str(net[1])
        network_id = self.insert(
            'networks', uuid=str(uuid.uuid4()), cidr=cidr,
            netmask=str(net.netmask), broadcast=str(net.broadcast_address),
            gateway=gateway, dhcp_server=gateway,
            dhcp_start=str(net[2 + len(extra_reserved)]), **values)
        reserved = {str(net[0]), gateway, str(net.broadcast_address),
                    *extra_reserved}
        fixed = {}
        for address in net:
            fixed[str(address)] = self.insert(
                'fixed_ips', address=str(address), network_id=network_id,
                reserved=str(address) in reserved, allocated=False,
                leased=False)
        return {'id': network_id, 'uuid': self.network_uuid(network_id),
                'fixed': fixed}

    def network_uuid(self, network_id):
        table = self.tables['networks']
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(table.c.uuid)
                               .where(table.c.id == network_id))

    def vif(self, network, instance_uuid, mac):
        vif_uuid = str(uuid.uuid4())
        row_id = self.insert('virtual_interfaces', address=mac,
                              network_id=network['id'],
                              instance_uuid=instance_uuid, uuid=vif_uuid)
        return {'id': row_id, 'uuid': vif_uuid, 'mac': mac}

    def hold(self, network, address, vif=None, instance_uuid=None,
             allocated=True, leased=False, host=None):
        """What allocate_fixed_ip (or a multi-host network host) did."""
        self.update('fixed_ips', network['fixed'][address],
                     virtual_interface_id=vif['id'] if vif else None,
                     instance_uuid=instance_uuid, allocated=allocated,
                     leased=leased, host=host)

    def floating(self, address, pool, project_id=None, fixed_ip_id=None):
        return self.insert('floating_ips', address=address, pool=pool,
                            project_id=project_id, fixed_ip_id=fixed_ip_id,
                            auto_assigned=False)

    def dispose(self):
        self.engine.dispose()


def _octets():
    value = uuid.uuid4().int
    return value % 250 + 1, value // 250 % 250 + 1


def build_scenario(nova):
    """Two live networks (one with IPv6), one deleted; four VIFs and a
    deleted one; fixed IPs held by instances, being released, held by a
    host; a floating pool of three addresses, two associated."""
    s = {'p1': 'project-' + uuid.uuid4().hex[:8],
         'p2': 'project-' + uuid.uuid4().hex[:8]}
    a, b = _octets()
    net1_cidr = '10.%d.%d.0/28' % (a, b)
    net2_cidr = '10.%d.%d.16/28' % (a, b)
    # Nova stores IPv6 shortened (nova/db/types.py).
    prefix = str(ipaddress.ip_network('fd%02x:%x:%x::/64' % (
        a, b, uuid.uuid4().int % 65536)))
    net1 = nova.network(net1_cidr, extra_reserved=[_nth(net1_cidr, 2)],
                        label='private-net', project_id=s['p1'],
                        dns1='8.8.4.4', dns2='8.8.8.8', mtu=1450,
                        vlan=a * 250 + b, bridge='br100')
    net2 = nova.network(net2_cidr, label='shared-net', cidr_v6=prefix,
                        gateway_v6=_nth(prefix, 1),
                        netmask_v6=str(ipaddress.ip_network(prefix).netmask),
                        multi_host=True, bridge='br101')
    net3 = nova.network('10.%d.%d.32/29' % (a, b), label='gone')
    nova.delete('networks', net3['id'])
    for row_id in net3['fixed'].values():
        nova.delete('fixed_ips', row_id)

    inst1, _ = nova.instance(s['p1'])
    inst2, _ = nova.instance(s['p2'])
    inst3, _ = nova.instance(s['p1'])
    inst4, inst4_id = nova.instance(s['p1'])
    nova.delete('instances', inst4_id)
    vif1 = nova.vif(net1, inst1, helpers_vif.mac())
    vif2 = nova.vif(net1, inst3, helpers_vif.mac())
    vif3 = nova.vif(net2, inst1, helpers_vif.mac())
    vif4 = nova.vif(net2, inst2, helpers_vif.mac())
    vif5 = nova.vif(net1, inst4, helpers_vif.mac())
    nova.delete('virtual_interfaces', vif5['id'])

    nova.hold(net1, _nth(net1_cidr, 3), vif1, inst1, leased=True)
    nova.hold(net1, _nth(net1_cidr, 4), vif2, inst3)
    # Deallocated, not yet disassociated: nova is still releasing it.
    nova.hold(net1, _nth(net1_cidr, 5), None, inst4, allocated=False)
    nova.hold(net2, _nth(net2_cidr, 2), vif3, inst1)
    nova.hold(net2, _nth(net2_cidr, 3), vif4, inst2)
    # A multi-host network's DHCP server address on compute-1.
    nova.hold(net2, _nth(net2_cidr, 4), allocated=False, host='compute-1')
    # An earlier generation's row of net1's .6, soft-deleted (written
    # deleted: the live row holds the address).
    old = nova.insert('fixed_ips', address=_nth(net1_cidr, 6),
                       network_id=net1['id'], deleted=-1)
    nova.delete('fixed_ips', old)

    public = helpers_vif.public_cidr(29)
    pool = 'pool-' + uuid.uuid4().hex[:8]
    nova.floating(_nth(public, 1), pool, s['p1'],
                  net1['fixed'][_nth(net1_cidr, 3)])
    nova.floating(_nth(public, 2), pool, s['p2'],
                  net2['fixed'][_nth(net2_cidr, 3)])
    nova.floating(_nth(public, 3), pool)
    nova.delete('floating_ips', nova.floating(_nth(public, 4), pool))
    s.update(net1=net1, net2=net2, net1_cidr=net1_cidr,
             net2_cidr=net2_cidr, prefix=prefix, inst1=inst1, inst2=inst2,
             inst3=inst3, inst4=inst4, vif1=vif1, vif2=vif2, vif3=vif3,
             vif4=vif4, vif5=vif5, public=public, pool=pool)
    return s


def _nth(cidr, n):
    return str(ipaddress.ip_network(cidr, strict=False)[n])


def _eui64(mac, prefix):
    return str(netaddr.EUI(mac).ipv6(netaddr.IPNetwork(prefix).first))


def import_nova(melange, nova_url, *args, check=True):
    """Run melange-rpc-manage import-nova against the server's database."""
    done = subprocess.run(
        [MANAGE, '--config-file', melange.server.config, 'import-nova',
         '--connection', nova_url, *args],
        capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


_SUMMARY_LINE = re.compile(r'^(?P<kind>\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\b')


def summary(output):
    """{kind: (created, present, skipped)} of the summary table."""
    found = {}
    for line in output.splitlines():
        match = _SUMMARY_LINE.match(line)
        if match:
            found[match['kind']] = tuple(int(n) for n in match.groups()[1:])
    return found


@pytest.fixture
def nova_db(tmp_path):
    nova = NovaDatabase('sqlite:///%s' % (tmp_path / 'nova.sqlite'))
    yield nova
    nova.dispose()


@pytest.fixture(scope='module')
def imported(melange, tmp_path_factory):
    """The scenario imported once into this backend's melange."""
    path = tmp_path_factory.mktemp('nova-' + melange.backend)
    nova = NovaDatabase('sqlite:///%s' % (path / 'nova.sqlite'))
    scenario = build_scenario(nova)
    scenario['nova'] = nova
    scenario['run'] = import_nova(melange, nova.url, '--batch-size', '2')
    yield scenario
    nova.dispose()


def _blocks(melange, network_uuid):
    return {b['ip_version']: b
            for b in melange.api.get_network(melange.admin,
                                             network_id=network_uuid)}


def _addresses(melange, block, state='allocated'):
    return {ip['address']: ip for ip in melange.api.list_ips(
        melange.admin, block_id=block['id'], state=state)['items']}


EXPECTED = {
    'blocks': (3, 0, 1), 'policies': (2, 0, 0), 'interfaces': (4, 0, 1),
    'fixed IPs': (6, 0, 9 + 7 + 19), 'IPv6 addresses': (2, 0, 0),
    'floating blocks': (1, 0, 0), 'floating IPs': (2, 0, 2),
    'associations': (2, 0, 0),
}


# -- what each nova row becomes ------------------------------------------

def test_the_summary_counts_what_was_created_and_skipped(imported):
    assert summary(imported['run'].stdout) == EXPECTED
    assert 'deleted networks: 1' in imported['run'].stdout
    assert 'free: 19' in imported['run'].stdout


def test_a_network_becomes_a_block_with_its_gateway_dns_and_mtu(
        melange, imported):
    block = _blocks(melange, imported['net1']['uuid'])[4]
    assert block['cidr'] == imported['net1_cidr']
    assert block['gateway'] == _nth(imported['net1_cidr'], 1)
    assert block['dns_nameservers'] == ['8.8.4.4', '8.8.8.8']
    assert block['dhcp_options'] == {'mtu': 1450}
    assert (block['tenant_id'], block['name'], block['type']) == (
        imported['p1'], 'private-net', 'private')


def test_a_network_with_ipv6_gets_a_slaac_block_without_dns(melange,
                                                           imported):
    found = _blocks(melange, imported['net2']['uuid'])
    assert set(found) == {4, 6}
    v6 = found[6]
    assert v6['cidr'] == imported['prefix']
    assert v6['gateway'] == _nth(imported['prefix'], 1)
    assert v6['ipv6_address_mode'] == 'slaac'
    assert v6['dns_nameservers'] == []
    # A shared network (no project) is owned by no tenant.
    assert found[4]['tenant_id'] is None


def test_addresses_nova_reserved_beyond_melanges_own_become_a_policy(
        melange, imported):
    found = _blocks(melange, imported['net1']['uuid'])[4]
    policy = melange.api.get_policy(melange.admin, found['policy_id'])
    assert [(r['offset'], r['length']) for r in policy['unusable_ranges']
            ] == [(2, 1)]
    # Network, gateway and broadcast are melange's own reservations.
    assert _blocks(melange, imported['net2']['uuid'])[4]['policy_id'] is None


def test_a_vif_becomes_an_interface_with_its_mac_and_instance(melange,
                                                              imported):
    vif = imported['vif1']
    interface = melange.api.get_interface(melange.admin, vif['uuid'])
    assert interface['mac_address'] == vif['mac']
    assert interface['device_id'] == imported['inst1']
    assert interface['tenant_id'] == imported['p1']
    assert interface['network_id'] == imported['net1']['uuid']
    assert [ip['address'] for ip in interface['ip_addresses']] == [
        _nth(imported['net1_cidr'], 3)]


def test_a_vif_of_an_ipv6_network_gets_its_eui64_address(melange,
                                                         imported):
    vif = imported['vif3']
    interface = melange.api.get_interface(melange.admin, vif['uuid'])
    assert [ip['address'] for ip in interface['ip_addresses']] == [
        _nth(imported['net2_cidr'], 2), _eui64(vif['mac'],
                                               imported['prefix'])]


def test_the_lessee_is_the_instances_project_on_a_shared_network(
        melange, imported):
    interface = melange.api.get_interface(melange.admin,
                                          imported['vif4']['uuid'])
    assert interface['tenant_id'] == imported['p2']
    tenant = melange.tenant(imported['p2'])
    mine = melange.api.list_ips(tenant)['items']
    assert {ip['address'] for ip in mine} == {
        _nth(imported['net2_cidr'], 3),
        _eui64(imported['vif4']['mac'], imported['prefix']),
        _nth(imported['public'], 2)}


def test_allocated_fixed_ips_are_allocated_with_their_lease_state(
        melange, imported):
    block = _blocks(melange, imported['net1']['uuid'])[4]
    live = _addresses(melange, block)
    cidr = imported['net1_cidr']
    assert set(live) == {_nth(cidr, 3), _nth(cidr, 4)}
    assert live[_nth(cidr, 3)]['leased'] is True
    assert live[_nth(cidr, 4)]['leased'] is False
    assert live[_nth(cidr, 4)]['interface_id'] == imported['vif2']['uuid']
    assert live[_nth(cidr, 4)]['device_id'] == imported['inst3']


def test_a_fixed_ip_nova_was_releasing_is_retained(melange, imported):
    block = _blocks(melange, imported['net1']['uuid'])[4]
    retained = _addresses(melange, block, state='deallocated')
    address = _nth(imported['net1_cidr'], 5)
    assert list(retained) == [address]
    assert retained[address]['device_id'] == imported['inst4']
    # Its instance is deleted: the lessee is the network's project.
    assert retained[address]['tenant_id'] == imported['p1']


def test_a_multi_host_dhcp_address_is_allocated_to_its_host(melange,
                                                            imported):
    block = _blocks(melange, imported['net2']['uuid'])[4]
    held = _addresses(melange, block)[_nth(imported['net2_cidr'], 4)]
    assert (held['device_id'], held['interface_id']) == ('compute-1', None)


def test_block_counters_and_usage_add_up(melange, imported):
    block = _blocks(melange, imported['net1']['uuid'])[4]
    usage = melange.api.get_block_usage(melange.admin, block['id'])
    # 16 addresses: network, broadcast, gateway and nova's reserved .2;
    # .3 and .4 allocated, .5 retained.
    assert (usage['size'], usage['reserved'], usage['allocated'],
            usage['deallocated'], usage['free']) == (16, 4, 2, 1, 9)
    # The next automatic allocation skips what nova held or reserved.
    ctxt = melange.tenant(imported['p1'])
    got = melange.api.allocate_ip(ctxt, block['id'])
    assert got['address'] == _nth(imported['net1_cidr'], 6)
    melange.api.deallocate_ip(ctxt, block['id'], got['address'])


def test_a_floating_pool_becomes_a_public_block_of_its_covering_cidr(
        melange, imported):
    found = melange.api.get_network(melange.admin,
                                    network_id=imported['pool'])
    assert [(b['cidr'], b['type']) for b in found] == [(imported['public'],
                                                       'public')]
    # The pool holds .1 to .3 of that /29: .4 to .6 were never nova's.
    policy = melange.api.get_policy(melange.admin, found[0]['policy_id'])
    assert [(r['offset'], r['length']) for r in policy['unusable_ranges']
            ] == [(4, 3)]


def test_floating_ips_are_leased_to_their_project_and_associated(
        melange, imported):
    fixed = _addresses(melange, _blocks(melange,
                                        imported['net1']['uuid'])[4])
    floating = melange.api.list_floating_ips(
        melange.admin, tenant_id=imported['p1'])['items']
    assert [(ip['address'], ip['fixed_ip_id']) for ip in floating] == [
        (_nth(imported['public'], 1),
         fixed[_nth(imported['net1_cidr'], 3)]['id'])]


def test_nova_sees_the_instance_network_info_it_had(melange, imported):
    info = melange.api.get_instance_network_info(melange.admin,
                                                 imported['inst1'])
    by_vif = {vif['id']: vif for vif in info}
    assert set(by_vif) == {imported['vif1']['uuid'],
                           imported['vif3']['uuid']}
    subnet = by_vif[imported['vif1']['uuid']]['network']['subnets'][0]
    assert subnet['ips'] == [{
        'address': _nth(imported['net1_cidr'], 3), 'type': 'fixed',
        'floating_ips': [{'address': _nth(imported['public'], 1),
                          'type': 'floating'}]}]
    assert subnet['dns'] == ['8.8.4.4', '8.8.8.8']


def test_deleted_rows_are_not_imported(melange, imported):
    assert melange.api.list_interfaces(
        melange.admin, device_id=imported['inst4'])['items'] == []
    with pytest.raises(exception.InterfaceNotFound):
        melange.api.get_interface(melange.admin, imported['vif5']['uuid'])


def test_progress_goes_to_stderr_line_by_line_without_a_terminal(imported):
    lines = imported['run'].stderr.splitlines()
    # Batches of two: 2 of 2 networks, then 4 of 4 VIFs in two lines.
    assert 'networks: 2/2' in lines
    assert 'virtual interfaces: 2/4' in lines
    assert 'virtual interfaces: 4/4' in lines


# -- running it again, dry runs, options ---------------------------------

def test_a_second_run_creates_nothing(melange, imported):
    before = melange.snapshot()
    again = import_nova(melange, imported['nova'].url)
    assert melange.snapshot() == before
    counted = summary(again.stdout)
    assert all(created == 0 for created, _, _ in counted.values())
    assert counted['blocks'] == (0, 3, 1)
    assert counted['interfaces'] == (0, 4, 1)
    assert counted['fixed IPs'][1] == 6
    assert counted['floating IPs'][1] == 2


def test_a_dry_run_reports_what_it_would_create_and_writes_nothing(
        melange, nova_db):
    build_scenario(nova_db)
    before = melange.snapshot()
    dry = import_nova(melange, nova_db.url, '--dry-run')
    assert melange.snapshot() == before
    assert 'would create' in dry.stdout
    assert 'nothing was written' in dry.stdout
    assert summary(dry.stdout) == EXPECTED
    # The real run then creates what the dry run announced.
    assert summary(import_nova(melange, nova_db.url).stdout) == EXPECTED


def test_floating_cidr_names_the_block_of_a_pool(melange, nova_db):
    scenario = build_scenario(nova_db)
    wide = helpers_vif.public_cidr(26)
    for n in (1, 2, 3):
        # Move the pool into the operator's /26.
        table = nova_db.tables['floating_ips']
        with nova_db.engine.begin() as conn:
            conn.execute(table.update()
                         .where(table.c.address == _nth(scenario['public'],
                                                        n))
                         .values(address=_nth(wide, n)))
    done = import_nova(melange, nova_db.url, '--floating-cidr',
                       '%s=%s' % (scenario['pool'], wide))
    found = melange.api.get_network(melange.admin,
                                    network_id=scenario['pool'])
    assert [(b['cidr'], b['policy_id']) for b in found] == [(wide, None)]
    assert summary(done.stdout)['policies'] == (1, 0, 0)
    assert summary(done.stdout)['associations'] == (2, 0, 0)


def test_a_row_the_domain_refuses_is_skipped_and_the_rest_imported(
        melange, nova_db):
    scenario = build_scenario(nova_db)
    bad_cidr = '10.255.%d.0/29' % _octets()[0]
    bad = nova_db.network(bad_cidr, label='bad')
    # A gateway outside its network: blocks.create refuses it.
    nova_db.update('networks', bad['id'], gateway='192.0.2.1')
    instance_uuid, _ = nova_db.instance(scenario['p1'])
    vif = nova_db.vif(bad, instance_uuid, helpers_vif.mac())
    nova_db.hold(bad, _nth(bad_cidr, 3), vif, instance_uuid)
    done = import_nova(melange, nova_db.url)
    counted = summary(done.stdout)
    assert counted['blocks'] == (3, 0, 2)
    assert 'invalid_input: 1' in done.stdout
    assert 'address_not_in_block: 1' in done.stdout
    assert counted['fixed IPs'][0] == 6
    assert 'gateway: 192.0.2.1 does not lie in' in done.stdout + done.stderr
    assert melange.api.get_network(melange.admin,
                                   network_id=scenario['pool'])


def test_a_malformed_floating_cidr_is_refused(melange, nova_db):
    done = import_nova(melange, nova_db.url, '--floating-cidr', 'nova',
                       check=False)
    assert done.returncode != 0
    assert 'POOL=CIDR' in done.stderr


def test_a_nova_database_on_postgresql_imports_the_same(melange, tmp_path):
    database = services.Database('postgresql', str(tmp_path))
    database.name += '_nova'
    database.url = sa.engine.make_url(database.url).set(
        database=database.name).render_as_string(hide_password=False)
    database.create()
    nova = NovaDatabase(database.url)
    try:
        scenario = build_scenario(nova)
        assert summary(import_nova(melange, nova.url).stdout) == EXPECTED
        found = _blocks(melange, scenario['net2']['uuid'])
        assert found[6]['cidr'] == scenario['prefix']
    finally:
        nova.dispose()
        database.drop()
