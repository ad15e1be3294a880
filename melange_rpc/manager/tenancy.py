"""Who may see and act for which tenant (rules in melange_rpc.policies).

By default admins and services (Nova, Quantum acting for tenants) see
every tenant's objects; anyone else sees only objects of their own
project, and another tenant's objects look not found.
"""

from melange_rpc import exception
from melange_rpc.policies import base
from melange_rpc import policy


def scope(ctxt):
    """The tenant a query must be limited to, or None for "all tenants"."""
    if policy.check(ctxt, base.ALL_TENANTS):
        return None
    return ctxt.project_id


def acting_tenant(ctxt, tenant_id, field='tenant_id'):
    """The tenant a caller acts for: its own, or one it may act for."""
    if tenant_id is None or tenant_id == ctxt.project_id:
        return ctxt.project_id
    if not isinstance(tenant_id, str) or not tenant_id or len(tenant_id) > 255:
        raise exception.InvalidInput(errors={field: 'must be a tenant id'})
    policy.authorize(ctxt, base.ACT_FOR_TENANT, tenant_id)
    return tenant_id


def invalid(field, message):
    return exception.InvalidInput(errors={field: message})
