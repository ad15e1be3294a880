"""RPC methods on blocks and subnets."""

from melange_rpc.db import blocks as db_blocks
from melange_rpc.db import policies as db_policies
from melange_rpc.ipam import block_updates
from melange_rpc.ipam import blocks
from melange_rpc.ipam import policies
from melange_rpc.ipam import subnets
from melange_rpc.ipam import usage
from melange_rpc.ipam.values import UNSET
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import events
from melange_rpc.manager import tenancy
from melange_rpc.manager import views
from melange_rpc.policies import blocks as block_rules
from melange_rpc import policy as rule_policy


class BlockEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_block(self, ctxt, session, cidr, type='private',
                     tenant_id=None, network_id=None, name=None,
                     gateway=None, dns_nameservers=None, dhcp_options=None,
                     policy_id=None, ipv6_address_mode=None,
                     allocatable=True, max_allocation=None):
        owner = tenancy.acting_tenant(ctxt, tenant_id)
        if type == 'public':
            rule_policy.authorize(ctxt, block_rules.CREATE_PUBLIC_BLOCK,
                                  owner)
        rules = ((), ())
        if policy_id is not None:
            found = policies.get(session, policy_id, tenancy.scope(ctxt))
            rules = db_policies.rules(session, found.id)
        block = blocks.create(
            session, cidr, owner, type=type, network_id=network_id,
            name=name, gateway=gateway, dns_nameservers=dns_nameservers,
            dhcp_options=dhcp_options, policy_id=policy_id,
            policy_rules=rules, ipv6_address_mode=ipv6_address_mode,
            allocatable=allocatable, max_allocation=max_allocation)
        events.block(ctxt, 'ip_block.create', block)
        return views.block(block)

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_subnet(self, ctxt, session, parent_id, cidr=None,
                      prefixlen=None, tenant_id=None, network_id=None,
                      name=None, gateway=None):
        parent = blocks.get(session, parent_id, tenancy.scope(ctxt),
                            lock=True)
        owner = (tenancy.acting_tenant(ctxt, tenant_id)
                 if tenant_id is not None else parent.tenant_id)
        subnet = subnets.create(session, parent, owner, cidr=cidr,
                                prefixlen=prefixlen, network_id=network_id,
                                name=name, gateway=gateway)
        events.block(ctxt, 'ip_block.create', subnet)
        return views.block(subnet)

    @dispatch.rpc_method()
    def get_block(self, ctxt, session, block_id):
        return views.block(blocks.get(session, block_id,
                                      tenancy.scope(ctxt)))

    @dispatch.rpc_method()
    def list_blocks(self, ctxt, session, type=None, tenant_id=None,
                    network_id=None, parent_id=None, limit=None,
                    marker=None):
        return self._list(ctxt, session, type=type, tenant_id=tenant_id,
                          network_id=network_id, parent_id=parent_id,
                          limit=limit, marker=marker)

    @dispatch.rpc_method()
    def list_subnets(self, ctxt, session, parent_id, limit=None,
                     marker=None):
        blocks.get(session, parent_id, tenancy.scope(ctxt))
        return self._list(ctxt, session, parent_id=parent_id, limit=limit,
                          marker=marker)

    @staticmethod
    def _list(ctxt, session, tenant_id=None, limit=None, marker=None,
              **filters):
        scope = tenancy.scope(ctxt)
        if scope is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
        rows, next_marker = db_blocks.list_page(
            session, limit=limit, marker=marker, scope=scope,
            tenant_id=tenant_id, **filters)
        return views.page(rows, next_marker, views.block)

    @dispatch.rpc_method(write=True, idempotent=True)
    def update_block(self, ctxt, session, block_id, name=UNSET,
                     network_id=UNSET, gateway=UNSET, dns_nameservers=UNSET,
                     dhcp_options=UNSET, policy_id=UNSET,
                     allocatable=UNSET, max_allocation=UNSET):
        scope = tenancy.scope(ctxt)
        block = blocks.get(session, block_id, scope, lock=True)
        policy = UNSET
        if policy_id is not UNSET:
            policy = (policies.get(session, policy_id, scope)
                      if policy_id is not None else None)
        block_updates.update(
            session, block, name=name, network_id=network_id,
            gateway=gateway, dns_nameservers=dns_nameservers,
            dhcp_options=dhcp_options, policy=policy,
            allocatable=allocatable, max_allocation=max_allocation)
        return views.block(block)

    @dispatch.rpc_method(write=True)
    def delete_block(self, ctxt, session, block_id, force=False):
        block = blocks.get(session, block_id, tenancy.scope(ctxt), lock=True)
        events.block(ctxt, 'ip_block.delete', block)
        block_updates.delete(session, block, force=force)

    @dispatch.rpc_method()
    def get_block_usage(self, ctxt, session, block_id):
        block = blocks.get(session, block_id, tenancy.scope(ctxt))
        return usage.of(session, block)
