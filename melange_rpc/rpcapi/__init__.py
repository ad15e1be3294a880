"""The client side of melange-rpc: what Nova, Quantum and tools import.

    from melange_rpc import rpcapi
    api = rpcapi.MelangeAPI()
    ip = api.allocate_ip(ctxt, block_id)
"""

from melange_rpc.rpcapi.client import MelangeAPI

__all__ = ['MelangeAPI']
