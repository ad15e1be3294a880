"""ping: is a manager answering on this transport and topic?"""

from melange_rpc.cli import base


class Ping(base.ShowOne):
    """Ask a manager worker for its service, API version and host."""

    columns = ('service', 'version', 'host')

    def take_action(self, args):
        return self.show(self.api.ping(self.ctxt))
