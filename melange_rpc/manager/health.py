"""ping: is a manager there, and which."""

from melange_rpc import conf
from melange_rpc import manager
from melange_rpc.manager import dispatch
from melange_rpc import version


class HealthEndpoint:
    target = manager.TARGET

    @dispatch.rpc_method(project_required=False)
    def ping(self, ctxt, session):
        return {'service': version.SERVICE_NAME,
                'version': version.RPC_API_VERSION,
                'host': conf.CONF.host}
