"""The policy enforcer: rules in code (melange_rpc.policies), overridable by
``[oslo_policy] policy_file``.

Decisions are remembered for DECISION_TTL seconds. oslo.policy looks at
the policy files on every check (a dozen stat calls) and inspects every
rule it evaluates; on the allocation path that was a fifth of a worker's
CPU for three checks a call. A decision depends only on the rules, the
rule's name, the target and the caller's credentials, and the last three
are the key; the rules change only when an operator edits the policy
file, which then takes effect within DECISION_TTL seconds, without a
restart.
"""

import threading
import time

from oslo_policy import policy

from melange_rpc import conf
from melange_rpc import exception
from melange_rpc import policies

CONF = conf.CONF

DECISION_TTL = 2.0
# Past this many remembered decisions, forget them all (callers are few:
# services and tenants, a handful of rules each).
_MAX_DECISIONS = 10000

_enforcer = None
_lock = threading.Lock()
_decisions = {}


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
        _decisions.clear()


def _target(ctxt, tenant_id):
    return {'project_id': ctxt.project_id,
            'tenant_id': tenant_id or ctxt.project_id}


def _frozen(values):
    return tuple(sorted((name, tuple(value) if isinstance(value, list)
                         else value) for name, value in values.items()))


def check(ctxt, rule, tenant_id=None):
    """Whether the rule allows the caller (for ``tenant_id``)."""
    target = _target(ctxt, tenant_id)
    creds = ctxt.to_policy_values()
    key = (rule, target['tenant_id'], _frozen(creds))
    now = time.monotonic()
    remembered = _decisions.get(key)
    if remembered is not None and remembered[1] > now:
        return remembered[0]
    allowed = get_enforcer().authorize(rule, target, creds)
    if len(_decisions) >= _MAX_DECISIONS:
        _decisions.clear()
    _decisions[key] = (allowed, now + DECISION_TTL)
    return allowed


def authorize(ctxt, rule, tenant_id=None):
    """Raise Forbidden unless the rule allows the caller."""
    if not check(ctxt, rule, tenant_id):
        raise exception.Forbidden(action=rule)
