"""The policy enforcer: rules in code (melange_rpc.policies), overridable by
``[oslo_policy] policy_file``."""

import threading

from oslo_policy import policy

from melange_rpc import conf
from melange_rpc import exception
from melange_rpc import policies

CONF = conf.CONF

_enforcer = None
_lock = threading.Lock()


def get_enforcer():
    """The enforcer (also the ``oslo.policy.enforcer`` entry point)."""
    global _enforcer
    with _lock:
        if _enforcer is None:
            _enforcer = policy.Enforcer(CONF)
            _enforcer.register_defaults(policies.list_rules())
    return _enforcer


def reset():
    global _enforcer
    with _lock:
        if _enforcer is not None:
            _enforcer.clear()
        _enforcer = None


def _target(ctxt, tenant_id):
    return {'project_id': ctxt.project_id,
            'tenant_id': tenant_id or ctxt.project_id}


def check(ctxt, rule, tenant_id=None):
    """Whether the rule allows the caller (for ``tenant_id``)."""
    return get_enforcer().authorize(rule, _target(ctxt, tenant_id),
                                    ctxt.to_policy_values())


def authorize(ctxt, rule, tenant_id=None):
    """Raise Forbidden unless the rule allows the caller."""
    if not check(ctxt, rule, tenant_id):
        raise exception.Forbidden(action=rule)
