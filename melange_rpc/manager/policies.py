"""RPC methods on policies and their unusable ranges and octets."""

from melange_rpc.db import policies as db_policies
from melange_rpc.ipam import policies
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc.manager import tenancy
from melange_rpc.manager import views


def _views(session, rows):
    rules = db_policies.rule_rows(session, [row.id for row in rows])
    return [views.policy(row, *rules[row.id]) for row in rows]


def _view(session, policy):
    return _views(session, [policy])[0]


class PolicyEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_policy(self, ctxt, session, name, description=None,
                      tenant_id=None):
        owner = tenancy.acting_tenant(ctxt, tenant_id)
        return _view(session, policies.create(session, name, owner,
                                              description=description))

    @dispatch.rpc_method()
    def get_policy(self, ctxt, session, policy_id):
        return _view(session, policies.get(session, policy_id,
                                           tenancy.scope(ctxt)))

    @dispatch.rpc_method()
    def list_policies(self, ctxt, session, tenant_id=None, limit=None,
                      marker=None):
        scope = tenancy.scope(ctxt)
        if scope is not None:
            tenancy.acting_tenant(ctxt, tenant_id)
            tenant_id = scope
        rows, next_marker = db_policies.list_page(session, tenant_id,
                                                  limit, marker)
        return {'items': _views(session, rows), 'next_marker': next_marker}

    @dispatch.rpc_method(write=True, idempotent=True)
    def update_policy(self, ctxt, session, policy_id, name=None,
                      description=None):
        policy = policies.get(session, policy_id, tenancy.scope(ctxt))
        return _view(session, policies.update(session, policy, name=name,
                                              description=description))

    @dispatch.rpc_method(write=True)
    def delete_policy(self, ctxt, session, policy_id):
        policies.delete(session, policies.get(session, policy_id,
                                              tenancy.scope(ctxt)))

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_unusable_range(self, ctxt, session, policy_id, offset,
                              length):
        policies.check_range(offset, length)
        policy = policies.get(session, policy_id, tenancy.scope(ctxt))
        return views.unusable_range(
            policies.add_range(session, policy, offset, length))

    @dispatch.rpc_method(write=True)
    def delete_unusable_range(self, ctxt, session, policy_id, range_id):
        policy = policies.get(session, policy_id, tenancy.scope(ctxt))
        policies.delete_range(session, policy, range_id)

    @dispatch.rpc_method(write=True, idempotent=True)
    def create_unusable_octet(self, ctxt, session, policy_id, octet):
        policies.check_octet(octet)
        policy = policies.get(session, policy_id, tenancy.scope(ctxt))
        return views.unusable_octet(
            policies.add_octet(session, policy, octet))

    @dispatch.rpc_method(write=True)
    def delete_unusable_octet(self, ctxt, session, policy_id, octet_id):
        policy = policies.get(session, policy_id, tenancy.scope(ctxt))
        policies.delete_octet(session, policy, octet_id)
