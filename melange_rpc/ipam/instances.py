"""Instances: every interface of a device, all at once, and Nova's view."""

from melange_rpc import exception
from melange_rpc.db import addresses as db_addresses
from melange_rpc.db import interfaces as db_interfaces
from melange_rpc.db import routes as db_routes
from melange_rpc.ipam import addresses
from melange_rpc.ipam import interfaces
from melange_rpc.ipam import network
from melange_rpc.ipam import values

_ITEM_KEYS = {'network_id', 'tenant_id', 'mac_address', 'addresses'}


def allocate(session, device_id, tenant_id, items, may_act_for):
    """Create each interface with its MAC and addresses (one transaction:
    a failure at the last one leaves nothing of the first); return
    (interface, its address rows) pairs.

    ``may_act_for(tenant_id)`` checks an item's network owner.
    """
    values.string(device_id, 'device_id')
    if not isinstance(items, list) or not items or len(items) > 32:
        raise exception.InvalidInput(
            errors={'interfaces': 'must be a list of 1 to 32 interfaces'})
    for item in items:
        if not isinstance(item, dict) or not set(item) <= _ITEM_KEYS or (
                'network_id' not in item):
            raise exception.InvalidInput(
                errors={'interfaces': 'each is {network_id, tenant_id?, '
                                      'mac_address?, addresses?}'})
    created = []
    for item in items:
        owner = may_act_for(item.get('tenant_id') or tenant_id)
        values.string(item['network_id'], 'network_id')
        interface = interfaces.create(
            session, tenant_id, device_id=device_id,
            mac_address=item.get('mac_address'),
            network_id=item['network_id'])
        created.append((interface, network.allocate_for_interface(
            session, item['network_id'], interface, tenant_id,
            scope=owner, addresses_wanted=item.get('addresses'))))
    return created


def deallocate(session, device_id, scope=None,
               deallocate=addresses.deallocate):
    """Delete the device's interfaces (visible to ``scope``), their
    addresses freed by ``deallocate(session, row)``; return them."""
    values.string(device_id, 'device_id')
    found = db_interfaces.of_device(session, device_id, scope, lock=True)
    for interface in found:
        interfaces.delete(session, interface, deallocate)
    return found


def network_info(session, device_id, scope=None):
    """The shape Nova builds its network_info from (see API.md).

    Two statements at most, whatever the number of interfaces: the
    device's interfaces with their live addresses, blocks and floating
    IPs, and the blocks' routes (if they have any).
    """
    rows = db_addresses.network_of_device(session, device_id, scope)
    routes = db_routes.for_blocks(
        session, {r.block_id: r.has_routes for r in rows
                  if r.address is not None})
    found, subnets_of, ips = {}, {}, {}
    for row in rows:
        if row.interface_id not in found:
            found[row.interface_id] = row
            subnets_of[row.interface_id] = {}
        if row.address is None:
            continue
        subnets = subnets_of[row.interface_id]
        subnet = subnets.get(row.block_id)
        if subnet is None:
            subnet = subnets[row.block_id] = {
                'cidr': row.cidr, 'version': row.ip_version,
                'gateway': row.gateway,
                'dns': list(row.dns_nameservers or []),
                'routes': [{'destination': r.destination,
                            'gateway': r.gateway}
                           for r in routes[row.block_id]],
                'dhcp_options': dict(row.dhcp_options or {}),
                'ips': []}
        ip = ips.get((row.block_id, row.address))
        if ip is None:
            ip = ips[row.block_id, row.address] = {
                'address': row.address, 'type': 'fixed', 'floating_ips': []}
            subnet['ips'].append(ip)
        if row.floating_address is not None:
            ip['floating_ips'].append({'address': row.floating_address,
                                       'type': 'floating'})
    return [{'id': interface_id, 'address': row.mac_address,
             'network': {'id': row.network_id,
                         'subnets': list(subnets_of[interface_id].values())}}
            for interface_id, row in found.items()]
