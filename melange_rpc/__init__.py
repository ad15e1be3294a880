"""melange-rpc: IP address management for OpenStack-style clouds over RPC."""

from oslo_service import backend as _backend

# oslo.messaging imports oslo_service.service, which picks an oslo.service
# backend on import and would default to eventlet. melange-rpc is plain
# threads throughout; a process that chose a backend before importing us
# keeps its choice (the hook only decides when nothing else has).
_backend.register_backend_default_hook(lambda: _backend.BackendType.THREADING)
