"""The RPC side of melange-rpc: endpoints that validate, authorise, open the
call's transaction and hand plain values to the domain (melange_rpc.ipam).
"""

import oslo_messaging as messaging

from melange_rpc import version

TARGET = messaging.Target(version=version.RPC_API_VERSION)


def endpoints():
    """Every endpoint the RPC server dispatches to, one per resource."""
    from melange_rpc.manager import addresses
    from melange_rpc.manager import blocks
    from melange_rpc.manager import dhcp
    from melange_rpc.manager import floating
    from melange_rpc.manager import health
    from melange_rpc.manager import instances
    from melange_rpc.manager import interfaces
    from melange_rpc.manager import macs
    from melange_rpc.manager import policies
    from melange_rpc.manager import routes
    return [health.HealthEndpoint(), blocks.BlockEndpoint(),
            policies.PolicyEndpoint(), routes.RouteEndpoint(),
            addresses.AddressEndpoint(), interfaces.InterfaceEndpoint(),
            macs.MacEndpoint(), instances.InstanceEndpoint(),
            floating.FloatingIpEndpoint(), dhcp.DhcpEndpoint()]
