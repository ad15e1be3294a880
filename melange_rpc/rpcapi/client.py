"""Client side of the melange RPC API: one typed method per RPC method.

API version history:

    * 1.0 - Initial version: ping; blocks (create_block, create_subnet,
            get_block, list_blocks, list_subnets, update_block,
            delete_block, get_block_usage); policies (create_policy,
            get_policy, list_policies, update_policy, delete_policy,
            create/delete_unusable_range, create/delete_unusable_octet);
            routes (create_route, list_routes, delete_route); addresses
            (allocate_ip, get_ip, deallocate_ip, restore_ip, list_ips,
            allocate_ips_for_interface, deallocate_ips_for_interface,
            get_network, reclaim_deallocated_ips); interfaces
            (create_interface, get_interface, list_interfaces,
            delete_interface, add/list/remove_allowed_ip); MACs
            (create/get/list/delete_mac_range, allocate_mac, release_mac
            and release_mac_async); instances (allocate_for_instance,
            get_instance_network_info, deallocate_for_instance and
            deallocate_for_instance_async); floating IPs
            (allocate/release/associate/disassociate_floating_ip,
            list_floating_ips) and NAT (add/list/remove_inside_globals,
            add/list/remove_inside_locals); DHCP (get_dhcp_config,
            lease_ip and lease_ip_async, release_ip and
            release_ip_async).

Every method that changes state sends an ``idempotency_key`` (the caller's,
or a fresh one per helper call) and, when the reply does not arrive in
time or the manager answers ServiceUnavailable (its database is out of
reach), sends the same call again with the same key: the manager answers
a repeat with the first call's result, so a lost reply never allocates
twice.
"""

import copy
import time
import uuid

from oslo_log import log as logging
import oslo_messaging as messaging

from melange_rpc import conf
from melange_rpc import exception
from melange_rpc import rpc

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class _Unset:
    def __repr__(self):
        return 'UNSET'


# update_* helpers send only the fields a caller names: null is a value.
UNSET = _Unset()


def _given(**kwargs):
    return {k: v for k, v in kwargs.items() if v is not UNSET}


class MelangeAPI:
    """Typed calls and casts to the melange-rpc manager."""

    RPC_API_VERSION = '1.0'

    def __init__(self, topic=None, timeout=None, retries=None,
                 transport=None):
        self.topic = topic or CONF.rpc_topic
        self.timeout = timeout or CONF.rpcapi.call_timeout
        self.retries = (CONF.rpcapi.call_retries if retries is None
                        else retries)
        target = messaging.Target(topic=self.topic,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.melange,
            transport=transport)

    def with_timeout(self, timeout):
        """A copy of this client whose calls wait ``timeout`` seconds."""
        clone = copy.copy(self)
        clone.timeout = timeout
        return clone

    def can_send_version(self, version):
        """For callers that must work with older managers during upgrades."""
        return self.client.can_send_version(version)

    # -- plumbing ---------------------------------------------------------

    def _prepare(self, version):
        options = {'version': version}
        if self.timeout is not None:
            options['timeout'] = self.timeout
        return self.client.prepare(**options)

    def _call(self, ctxt, method, version='1.0', **kwargs):
        """A call that reads: retried as it is after a timeout."""
        return self._send(ctxt, method, version, kwargs)

    def _change(self, ctxt, method, version='1.0', idempotency_key=None,
                **kwargs):
        """A call that changes state: retried with one idempotency key."""
        kwargs['idempotency_key'] = idempotency_key or str(uuid.uuid4())
        return self._send(ctxt, method, version, kwargs)

    def _send(self, ctxt, method, version, kwargs):
        cctxt = self._prepare(version)
        pause = CONF.rpcapi.retry_interval
        for attempt in range(self.retries + 1):
            try:
                return cctxt.call(ctxt, method, **kwargs)
            except messaging.MessagingTimeout:
                if attempt == self.retries:
                    raise
                LOG.warning('%s timed out (attempt %d of %d); sending it '
                            'again', method, attempt + 1, self.retries + 1)
            except exception.ServiceUnavailable as unavailable:
                if attempt == self.retries:
                    raise
                LOG.warning('%s: %s (attempt %d of %d); sending it again in '
                            '%.1f s', method, unavailable, attempt + 1,
                            self.retries + 1, pause)
                time.sleep(pause)
                pause *= 2

    def _cast(self, ctxt, method, version='1.0', idempotency_key=None,
              **kwargs):
        kwargs['idempotency_key'] = idempotency_key or str(uuid.uuid4())
        self._prepare(version).cast(ctxt, method, **kwargs)

    # -- health -----------------------------------------------------------

    def ping(self, ctxt):
        return self._call(ctxt, 'ping')

    # -- blocks -----------------------------------------------------------

    def create_block(self, ctxt, cidr, type='private', tenant_id=None,
                     network_id=None, name=None, gateway=None,
                     dns_nameservers=None, dhcp_options=None, policy_id=None,
                     ipv6_address_mode=None, allocatable=True,
                     max_allocation=None, idempotency_key=None):
        return self._change(
            ctxt, 'create_block', idempotency_key=idempotency_key,
            cidr=cidr, type=type, tenant_id=tenant_id,
            network_id=network_id, name=name, gateway=gateway,
            dns_nameservers=dns_nameservers, dhcp_options=dhcp_options,
            policy_id=policy_id, ipv6_address_mode=ipv6_address_mode,
            allocatable=allocatable, max_allocation=max_allocation)

    def get_block(self, ctxt, block_id):
        return self._call(ctxt, 'get_block', block_id=block_id)

    def list_blocks(self, ctxt, type=None, tenant_id=None, network_id=None,
                    parent_id=None, limit=None, marker=None):
        return self._call(ctxt, 'list_blocks', type=type,
                          tenant_id=tenant_id, network_id=network_id,
                          parent_id=parent_id, limit=limit, marker=marker)

    # -- addresses --------------------------------------------------------

    def allocate_ip(self, ctxt, block_id, interface_id=None, address=None,
                    tenant_id=None, device_id=None, mac_address=None,
                    idempotency_key=None):
        return self._change(
            ctxt, 'allocate_ip', idempotency_key=idempotency_key,
            block_id=block_id, interface_id=interface_id, address=address,
            tenant_id=tenant_id, device_id=device_id,
            mac_address=mac_address)

    def get_ip(self, ctxt, block_id, address):
        return self._call(ctxt, 'get_ip', block_id=block_id, address=address)

    def deallocate_ip(self, ctxt, block_id, address, idempotency_key=None):
        return self._change(ctxt, 'deallocate_ip',
                            idempotency_key=idempotency_key,
                            block_id=block_id, address=address)

    def deallocate_ip_async(self, ctxt, block_id, address,
                            idempotency_key=None):
        self._cast(ctxt, 'deallocate_ip', idempotency_key=idempotency_key,
                   block_id=block_id, address=address)

    def create_subnet(self, ctxt, parent_id, cidr=None, prefixlen=None,
                      tenant_id=None, network_id=None, name=None,
                      gateway=None, idempotency_key=None):
        return self._change(
            ctxt, 'create_subnet', idempotency_key=idempotency_key,
            parent_id=parent_id, cidr=cidr, prefixlen=prefixlen,
            tenant_id=tenant_id, network_id=network_id, name=name,
            gateway=gateway)

    def list_subnets(self, ctxt, parent_id, limit=None, marker=None):
        return self._call(ctxt, 'list_subnets', parent_id=parent_id,
                          limit=limit, marker=marker)

    def update_block(self, ctxt, block_id, name=UNSET, network_id=UNSET,
                     gateway=UNSET, dns_nameservers=UNSET,
                     dhcp_options=UNSET, policy_id=UNSET, allocatable=UNSET,
                     max_allocation=UNSET, idempotency_key=None):
        return self._change(
            ctxt, 'update_block', idempotency_key=idempotency_key,
            block_id=block_id, **_given(
                name=name, network_id=network_id, gateway=gateway,
                dns_nameservers=dns_nameservers, dhcp_options=dhcp_options,
                policy_id=policy_id, allocatable=allocatable,
                max_allocation=max_allocation))

    def delete_block(self, ctxt, block_id, force=False):
        return self._call(ctxt, 'delete_block', block_id=block_id,
                          force=force)

    def get_block_usage(self, ctxt, block_id):
        return self._call(ctxt, 'get_block_usage', block_id=block_id)

    # -- policies ---------------------------------------------------------

    def create_policy(self, ctxt, name, description=None, tenant_id=None,
                      idempotency_key=None):
        return self._change(ctxt, 'create_policy',
                            idempotency_key=idempotency_key, name=name,
                            description=description, tenant_id=tenant_id)

    def get_policy(self, ctxt, policy_id):
        return self._call(ctxt, 'get_policy', policy_id=policy_id)

    def list_policies(self, ctxt, tenant_id=None, limit=None, marker=None):
        return self._call(ctxt, 'list_policies', tenant_id=tenant_id,
                          limit=limit, marker=marker)

    def update_policy(self, ctxt, policy_id, name=None, description=None,
                      idempotency_key=None):
        return self._change(ctxt, 'update_policy',
                            idempotency_key=idempotency_key,
                            policy_id=policy_id, name=name,
                            description=description)

    def delete_policy(self, ctxt, policy_id):
        return self._call(ctxt, 'delete_policy', policy_id=policy_id)

    def create_unusable_range(self, ctxt, policy_id, offset, length,
                              idempotency_key=None):
        return self._change(ctxt, 'create_unusable_range',
                            idempotency_key=idempotency_key,
                            policy_id=policy_id, offset=offset,
                            length=length)

    def delete_unusable_range(self, ctxt, policy_id, range_id):
        return self._call(ctxt, 'delete_unusable_range',
                          policy_id=policy_id, range_id=range_id)

    def create_unusable_octet(self, ctxt, policy_id, octet,
                              idempotency_key=None):
        return self._change(ctxt, 'create_unusable_octet',
                            idempotency_key=idempotency_key,
                            policy_id=policy_id, octet=octet)

    def delete_unusable_octet(self, ctxt, policy_id, octet_id):
        return self._call(ctxt, 'delete_unusable_octet',
                          policy_id=policy_id, octet_id=octet_id)

    # -- routes -----------------------------------------------------------

    def create_route(self, ctxt, block_id, destination, gateway,
                     idempotency_key=None):
        return self._change(ctxt, 'create_route',
                            idempotency_key=idempotency_key,
                            block_id=block_id, destination=destination,
                            gateway=gateway)

    def list_routes(self, ctxt, block_id, limit=None, marker=None):
        return self._call(ctxt, 'list_routes', block_id=block_id,
                          limit=limit, marker=marker)

    def delete_route(self, ctxt, block_id, route_id):
        return self._call(ctxt, 'delete_route', block_id=block_id,
                          route_id=route_id)

    # -- addresses, continued ---------------------------------------------

    def restore_ip(self, ctxt, block_id, address, idempotency_key=None):
        return self._change(ctxt, 'restore_ip',
                            idempotency_key=idempotency_key,
                            block_id=block_id, address=address)

    def list_ips(self, ctxt, block_id=None, interface_id=None,
                 device_id=None, network_id=None, tenant_id=None,
                 state='allocated', limit=None, marker=None):
        return self._call(ctxt, 'list_ips', block_id=block_id,
                          interface_id=interface_id, device_id=device_id,
                          network_id=network_id, tenant_id=tenant_id,
                          state=state, limit=limit, marker=marker)

    def allocate_ips_for_interface(self, ctxt, network_id, interface_id,
                                   tenant_id=None, device_id=None,
                                   mac_address=None, addresses=None,
                                   idempotency_key=None):
        return self._change(
            ctxt, 'allocate_ips_for_interface',
            idempotency_key=idempotency_key, network_id=network_id,
            interface_id=interface_id, tenant_id=tenant_id,
            device_id=device_id, mac_address=mac_address,
            addresses=addresses)

    def deallocate_ips_for_interface(self, ctxt, network_id, interface_id,
                                     idempotency_key=None):
        return self._change(ctxt, 'deallocate_ips_for_interface',
                            idempotency_key=idempotency_key,
                            network_id=network_id,
                            interface_id=interface_id)

    def get_network(self, ctxt, network_id, tenant_id=None):
        return self._call(ctxt, 'get_network', network_id=network_id,
                          tenant_id=tenant_id)

    def reclaim_deallocated_ips(self, ctxt, older_than=None):
        return self._call(ctxt, 'reclaim_deallocated_ips',
                          older_than=older_than)

    # -- interfaces -------------------------------------------------------

    def create_interface(self, ctxt, interface_id=None, device_id=None,
                         tenant_id=None, mac_address=None, network_id=None,
                         addresses=None, idempotency_key=None):
        return self._change(
            ctxt, 'create_interface', idempotency_key=idempotency_key,
            interface_id=interface_id, device_id=device_id,
            tenant_id=tenant_id, mac_address=mac_address,
            network_id=network_id, addresses=addresses)

    def get_interface(self, ctxt, interface_id):
        return self._call(ctxt, 'get_interface', interface_id=interface_id)

    def list_interfaces(self, ctxt, device_id=None, tenant_id=None,
                        limit=None, marker=None):
        return self._call(ctxt, 'list_interfaces', device_id=device_id,
                          tenant_id=tenant_id, limit=limit, marker=marker)

    def delete_interface(self, ctxt, interface_id, idempotency_key=None):
        return self._change(ctxt, 'delete_interface',
                            idempotency_key=idempotency_key,
                            interface_id=interface_id)

    def add_allowed_ip(self, ctxt, interface_id, network_id, address):
        return self._call(ctxt, 'add_allowed_ip', interface_id=interface_id,
                          network_id=network_id, address=address)

    def list_allowed_ips(self, ctxt, interface_id):
        return self._call(ctxt, 'list_allowed_ips',
                          interface_id=interface_id)

    def remove_allowed_ip(self, ctxt, interface_id, address):
        return self._call(ctxt, 'remove_allowed_ip',
                          interface_id=interface_id, address=address)

    # -- MACs -------------------------------------------------------------

    def create_mac_range(self, ctxt, cidr, idempotency_key=None):
        return self._change(ctxt, 'create_mac_range',
                            idempotency_key=idempotency_key, cidr=cidr)

    def get_mac_range(self, ctxt, mac_range_id):
        return self._call(ctxt, 'get_mac_range', mac_range_id=mac_range_id)

    def list_mac_ranges(self, ctxt, limit=None, marker=None):
        return self._call(ctxt, 'list_mac_ranges', limit=limit,
                          marker=marker)

    def delete_mac_range(self, ctxt, mac_range_id):
        return self._call(ctxt, 'delete_mac_range',
                          mac_range_id=mac_range_id)

    def allocate_mac(self, ctxt, interface_id=None, idempotency_key=None):
        return self._change(ctxt, 'allocate_mac',
                            idempotency_key=idempotency_key,
                            interface_id=interface_id)

    def release_mac(self, ctxt, mac_address, idempotency_key=None):
        return self._change(ctxt, 'release_mac',
                            idempotency_key=idempotency_key,
                            mac_address=mac_address)

    def release_mac_async(self, ctxt, mac_address, idempotency_key=None):
        self._cast(ctxt, 'release_mac', idempotency_key=idempotency_key,
                   mac_address=mac_address)

    # -- instances --------------------------------------------------------

    def allocate_for_instance(self, ctxt, device_id, tenant_id, interfaces,
                              idempotency_key=None):
        return self._change(ctxt, 'allocate_for_instance',
                            idempotency_key=idempotency_key,
                            device_id=device_id, tenant_id=tenant_id,
                            interfaces=interfaces)

    def get_instance_network_info(self, ctxt, device_id):
        return self._call(ctxt, 'get_instance_network_info',
                          device_id=device_id)

    def deallocate_for_instance(self, ctxt, device_id,
                                idempotency_key=None):
        return self._change(ctxt, 'deallocate_for_instance',
                            idempotency_key=idempotency_key,
                            device_id=device_id)

    def deallocate_for_instance_async(self, ctxt, device_id,
                                      idempotency_key=None):
        self._cast(ctxt, 'deallocate_for_instance',
                   idempotency_key=idempotency_key, device_id=device_id)

    # -- floating IPs and NAT ---------------------------------------------

    def allocate_floating_ip(self, ctxt, network_id, tenant_id=None,
                             address=None, idempotency_key=None):
        return self._change(ctxt, 'allocate_floating_ip',
                            idempotency_key=idempotency_key,
                            network_id=network_id, tenant_id=tenant_id,
                            address=address)

    def release_floating_ip(self, ctxt, ip_id, idempotency_key=None):
        return self._change(ctxt, 'release_floating_ip',
                            idempotency_key=idempotency_key, ip_id=ip_id)

    def associate_floating_ip(self, ctxt, floating_ip_id, fixed_ip_id,
                              idempotency_key=None):
        return self._change(ctxt, 'associate_floating_ip',
                            idempotency_key=idempotency_key,
                            floating_ip_id=floating_ip_id,
                            fixed_ip_id=fixed_ip_id)

    def disassociate_floating_ip(self, ctxt, floating_ip_id,
                                 idempotency_key=None):
        return self._change(ctxt, 'disassociate_floating_ip',
                            idempotency_key=idempotency_key,
                            floating_ip_id=floating_ip_id)

    def list_floating_ips(self, ctxt, tenant_id=None, fixed_ip_id=None,
                          limit=None, marker=None):
        return self._call(ctxt, 'list_floating_ips', tenant_id=tenant_id,
                          fixed_ip_id=fixed_ip_id, limit=limit,
                          marker=marker)

    def add_inside_globals(self, ctxt, local_ip_id, global_ip_ids):
        return self._call(ctxt, 'add_inside_globals',
                          local_ip_id=local_ip_id,
                          global_ip_ids=global_ip_ids)

    def list_inside_globals(self, ctxt, local_ip_id):
        return self._call(ctxt, 'list_inside_globals',
                          local_ip_id=local_ip_id)

    def remove_inside_globals(self, ctxt, local_ip_id, global_ip_id=None):
        return self._call(ctxt, 'remove_inside_globals',
                          local_ip_id=local_ip_id, global_ip_id=global_ip_id)

    def add_inside_locals(self, ctxt, global_ip_id, local_ip_ids):
        return self._call(ctxt, 'add_inside_locals',
                          global_ip_id=global_ip_id,
                          local_ip_ids=local_ip_ids)

    def list_inside_locals(self, ctxt, global_ip_id):
        return self._call(ctxt, 'list_inside_locals',
                          global_ip_id=global_ip_id)

    def remove_inside_locals(self, ctxt, global_ip_id, local_ip_id=None):
        return self._call(ctxt, 'remove_inside_locals',
                          global_ip_id=global_ip_id, local_ip_id=local_ip_id)

    # -- address discovery (DHCP) -----------------------------------------

    def get_dhcp_config(self, ctxt, network_id):
        return self._call(ctxt, 'get_dhcp_config', network_id=network_id)

    def lease_ip(self, ctxt, network_id, address, mac_address,
                 hostname=None, idempotency_key=None):
        return self._change(ctxt, 'lease_ip',
                            idempotency_key=idempotency_key,
                            network_id=network_id, address=address,
                            mac_address=mac_address, hostname=hostname)

    def lease_ip_async(self, ctxt, network_id, address, mac_address,
                       hostname=None):
        self._cast(ctxt, 'lease_ip', network_id=network_id,
                   address=address, mac_address=mac_address,
                   hostname=hostname)

    def release_ip(self, ctxt, network_id, address, mac_address,
                   idempotency_key=None):
        return self._change(ctxt, 'release_ip',
                            idempotency_key=idempotency_key,
                            network_id=network_id, address=address,
                            mac_address=mac_address)

    def release_ip_async(self, ctxt, network_id, address, mac_address):
        self._cast(ctxt, 'release_ip', network_id=network_id,
                   address=address, mac_address=mac_address)
