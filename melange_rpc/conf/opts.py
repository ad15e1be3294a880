"""Entry point for oslo-config-generator (``oslo.config.opts``)."""

from melange_rpc.conf import default
from melange_rpc.conf import dhcp
from melange_rpc.conf import ipam
from melange_rpc.conf import notifications
from melange_rpc.conf import rpcapi


def list_opts():
    groups = {}
    for module in (default, dhcp, ipam, notifications, rpcapi):
        for group, opts in module.list_opts().items():
            groups.setdefault(group, []).extend(opts)
    return list(groups.items())
