"""Policy rules in code, one module per resource (oslo.policy).

Every RPC method has a rule ``melange:<method>``, checked before the
method touches data, against the target ``{project_id, tenant_id}`` (the
tenant it acts for). Rules that cut across methods live in ``base``.
"""

import itertools

from melange_rpc.policies import addresses
from melange_rpc.policies import base
from melange_rpc.policies import blocks
from melange_rpc.policies import dhcp
from melange_rpc.policies import floating
from melange_rpc.policies import instances
from melange_rpc.policies import interfaces
from melange_rpc.policies import macs


def list_rules():
    return list(itertools.chain(
        base.list_rules(), blocks.list_rules(), addresses.list_rules(),
        interfaces.list_rules(), macs.list_rules(), instances.list_rules(),
        floating.list_rules(), dhcp.list_rules()))
