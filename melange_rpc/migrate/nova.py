"""Reading a nova-network database, in batches, with SQLAlchemy Core.

The tables are Nova's own (``nova/db/sqlalchemy/models.py`` of the
Newton/Ocata releases, the last with nova-network); only the columns the
import reads are declared, so the rest of Nova's columns do not matter.
Nova's ``IPAddress`` and ``CIDR`` types are INET on PostgreSQL and
VARCHAR(39) / VARCHAR(43) elsewhere: both read as text here. Soft-deleted
rows carry ``deleted = id`` (oslo.db's SoftDeleteMixin), live rows 0;
only live rows are read, the others are counted.

Every read walks the primary key in batches (``id > last ORDER BY id
LIMIT n``) on a connection of its own, so a /16 network's 65,536 fixed
IPs never sit in memory at once, and fixed IPs nothing holds (free or
reserved, most of a network) are counted by the database, not read.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

networks = sa.Table(
    'networks', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('label', sa.String(255)),
    sa.Column('cidr', sa.String(43)),
    sa.Column('cidr_v6', sa.String(43)),
    sa.Column('gateway', sa.String(39)),
    sa.Column('gateway_v6', sa.String(39)),
    sa.Column('dns1', sa.String(39)),
    sa.Column('dns2', sa.String(39)),
    sa.Column('mtu', sa.Integer),
    sa.Column('project_id', sa.String(255)),
    sa.Column('uuid', sa.String(36)),
    sa.Column('deleted', sa.Integer))

virtual_interfaces = sa.Table(
    'virtual_interfaces', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('address', sa.String(255)),
    sa.Column('network_id', sa.Integer),
    sa.Column('instance_uuid', sa.String(36)),
    sa.Column('uuid', sa.String(36)),
    sa.Column('deleted', sa.Integer))

fixed_ips = sa.Table(
    'fixed_ips', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('address', sa.String(39)),
    sa.Column('network_id', sa.Integer),
    sa.Column('virtual_interface_id', sa.Integer),
    sa.Column('instance_uuid', sa.String(36)),
    sa.Column('allocated', sa.Boolean),
    sa.Column('leased', sa.Boolean),
    sa.Column('reserved', sa.Boolean),
    sa.Column('host', sa.String(255)),
    sa.Column('deleted', sa.Integer))

floating_ips = sa.Table(
    'floating_ips', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('address', sa.String(39)),
    sa.Column('fixed_ip_id', sa.Integer),
    sa.Column('project_id', sa.String(255)),
    sa.Column('pool', sa.String(255)),
    sa.Column('deleted', sa.Integer))

# Read only for the project of an instance (the lessee of its addresses);
# a database without it (nova-network's tables copied alone) falls back
# to the network's project.
instances = sa.Table(
    'instances', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('uuid', sa.String(36)),
    sa.Column('project_id', sa.String(255)),
    sa.Column('deleted', sa.Integer))


def live(table):
    return table.c.deleted == 0


def _true(column):
    # Nova's booleans have no database default: NULL is false.
    return column == sa.true()


# A fixed IP something holds: an instance (allocated, or associated and
# being released), or a host (the DHCP server address nova-network takes
# for a multi-host network on each host).
FIXED_IN_USE = sa.or_(_true(fixed_ips.c.allocated),
                      fixed_ips.c.instance_uuid.is_not(None),
                      fixed_ips.c.host.is_not(None))


class Reader:
    """The rows of a nova-network database the import needs."""

    def __init__(self, engine, batch_size):
        self.engine = engine
        self.batch_size = batch_size
        self._has_instances = sa.inspect(engine).has_table('instances')

    def _batches(self, query):
        """Batches of ``query``'s rows by the primary key, its first
        column (labelled ``nova_id``)."""
        key = query.selected_columns[0]
        last = None
        while True:
            page = query.order_by(key).limit(self.batch_size)
            if last is not None:
                page = page.where(key > last)
            with self.engine.connect() as conn:
                rows = conn.execute(page).all()
            if not rows:
                return
            yield rows
            last = rows[-1].nova_id

    def count(self, table, *conditions):
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count())
                               .select_from(table).where(*conditions))

    def deleted(self, table):
        return self.count(table, table.c.deleted != 0)

    def _lessee(self, query, instance_uuid):
        """``query`` with the lessee: the instance's project, else the
        network's (``networks`` must be joined)."""
        if not self._has_instances:
            return query.add_columns(networks.c.project_id)
        return query.outerjoin(instances, sa.and_(
            instances.c.uuid == instance_uuid, live(instances))
        ).add_columns(sa.func.coalesce(instances.c.project_id,
                                       networks.c.project_id)
                      .label('project_id'))

    # -- networks --------------------------------------------------------

    def networks(self):
        return self._batches(
            sa.select(networks.c.id.label('nova_id'), networks.c.uuid,
                      networks.c.label, networks.c.cidr,
                      networks.c.cidr_v6, networks.c.gateway,
                      networks.c.gateway_v6, networks.c.dns1,
                      networks.c.dns2, networks.c.mtu,
                      networks.c.project_id)
            .where(live(networks)))

    def reserved_addresses(self, network_id):
        """Addresses of a network nova reserved and nothing holds."""
        query = (sa.select(fixed_ips.c.id.label('nova_id'),
                           fixed_ips.c.address)
                 .where(fixed_ips.c.network_id == network_id,
                        live(fixed_ips), _true(fixed_ips.c.reserved),
                        sa.not_(FIXED_IN_USE)))
        for rows in self._batches(query):
            yield from (row.address for row in rows)

    # -- virtual interfaces ----------------------------------------------

    def vifs(self):
        vif = virtual_interfaces
        query = (sa.select(vif.c.id.label('nova_id'), vif.c.uuid,
                           vif.c.address, vif.c.instance_uuid,
                           networks.c.uuid.label('network_uuid'))
                 .select_from(vif)
                 .outerjoin(networks, sa.and_(
                     networks.c.id == vif.c.network_id, live(networks)))
                 .where(live(vif)))
        return self._batches(self._lessee(query, vif.c.instance_uuid))

    # -- fixed IPs -------------------------------------------------------

    def fixed_ips(self):
        """The fixed IPs something holds, with their network and VIF."""
        vif = virtual_interfaces
        query = (sa.select(fixed_ips.c.id.label('nova_id'),
                           fixed_ips.c.address, fixed_ips.c.instance_uuid,
                           fixed_ips.c.allocated, fixed_ips.c.leased,
                           fixed_ips.c.host,
                           networks.c.uuid.label('network_uuid'),
                           vif.c.uuid.label('vif_uuid'))
                 .select_from(fixed_ips)
                 .outerjoin(networks, sa.and_(
                     networks.c.id == fixed_ips.c.network_id,
                     live(networks)))
                 .outerjoin(vif, sa.and_(
                     vif.c.id == fixed_ips.c.virtual_interface_id,
                     live(vif)))
                 .where(live(fixed_ips), FIXED_IN_USE))
        return self._batches(self._lessee(query, fixed_ips.c.instance_uuid))

    def idle_fixed_ips(self, reserved):
        """How many live fixed IPs nothing holds, reserved or free."""
        flag = _true(fixed_ips.c.reserved)
        return self.count(fixed_ips, live(fixed_ips), sa.not_(FIXED_IN_USE),
                          flag if reserved else sa.not_(flag))

    # -- floating IPs ----------------------------------------------------

    def pools(self):
        with self.engine.connect() as conn:
            return list(conn.scalars(
                sa.select(floating_ips.c.pool).where(live(floating_ips))
                .distinct().order_by(floating_ips.c.pool)))

    def pool_addresses(self, pool):
        query = (sa.select(floating_ips.c.id.label('nova_id'),
                           floating_ips.c.address)
                 .where(live(floating_ips), floating_ips.c.pool == pool))
        for rows in self._batches(query):
            yield from (row.address for row in rows)

    def floating_ips(self):
        """Floating IPs a project holds, with the fixed IP they front."""
        query = (sa.select(floating_ips.c.id.label('nova_id'),
                           floating_ips.c.address, floating_ips.c.pool,
                           floating_ips.c.project_id,
                           fixed_ips.c.address.label('fixed_address'),
                           networks.c.uuid.label('fixed_network_uuid'))
                 .select_from(floating_ips)
                 .outerjoin(fixed_ips, sa.and_(
                     fixed_ips.c.id == floating_ips.c.fixed_ip_id,
                     live(fixed_ips)))
                 .outerjoin(networks, sa.and_(
                     networks.c.id == fixed_ips.c.network_id,
                     live(networks)))
                 .where(live(floating_ips),
                        floating_ips.c.project_id.is_not(None)))
        return self._batches(query)

    def free_floating_ips(self):
        return self.count(floating_ips, live(floating_ips),
                          floating_ips.c.project_id.is_(None))
