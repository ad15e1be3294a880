"""The request context every RPC method receives first."""

from oslo_context import context
from oslo_db.sqlalchemy import enginefacade

ADMIN_ROLE = 'admin'
SERVICE_ROLE = 'service'


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):
    """An oslo.context RequestContext that also carries a DB transaction.

    ``is_admin`` is derived from the roles, never taken from the wire: a
    caller cannot make itself admin by setting a flag in the message.
    """

    def __init__(self, *args, **kwargs):
        kwargs.pop('is_admin', None)
        super().__init__(*args, **kwargs)
        self.is_admin = ADMIN_ROLE in (self.roles or [])

    @property
    def is_service(self):
        return SERVICE_ROLE in (self.roles or [])

    @classmethod
    def from_dict(cls, values, **kwargs):
        values = dict(values)
        values.pop('is_admin', None)
        return super().from_dict(values, **kwargs)


def get_admin_context(project_id='melange-rpc'):
    """A context for the service's own work (periodic tasks, tools)."""
    return RequestContext(project_id=project_id, roles=[ADMIN_ROLE],
                          overwrite=False)
