"""The ``melange-rpc`` application: options, client, error reporting.

Where the CLI finds the service: the config file (``--config-file``,
``$MELANGE_RPC_CONFIG``, else oslo.config's usual places such as
/etc/melange-rpc/melange-rpc.conf) gives ``transport_url``,
``control_exchange``, ``rpc_topic`` and ``[rpcapi]``;
``--transport-url`` (``$MELANGE_RPC_TRANSPORT_URL``) overrides the URL.
Who it acts as: ``--project-id`` and ``--roles`` (``$OS_PROJECT_ID``,
``$MELANGE_RPC_ROLES``), by default the admin role of project ``admin``;
the service checks them against its policy like any caller's.
"""

import os
import sys

from cliff import app
from cliff import commandmanager
import oslo_messaging as messaging

from melange_rpc import conf
from melange_rpc import config
from melange_rpc import context
from melange_rpc import exception
from melange_rpc import rpcapi
from melange_rpc import version

CONF = conf.CONF


class CommandError(Exception):
    """A failure told in one line; cliff prints it and exits 1."""


class ClientManager:
    """The rpcapi client and the request context, made on first use so
    that ``--help`` needs neither a config file nor a broker."""

    def __init__(self, options):
        self.options = options
        self._api = None

    @property
    def api(self):
        if self._api is None:
            files = self.options.config_file
            config.parse_args(
                [arg for f in files for arg in ('--config-file', f)])
            if self.options.transport_url:
                CONF.set_override('transport_url',
                                  self.options.transport_url)
            self._api = rpcapi.MelangeAPI(timeout=self.options.timeout)
        return self._api

    @property
    def ctxt(self):
        roles = [r.strip() for r in self.options.roles.split(',')
                 if r.strip()]
        return context.RequestContext(project_id=self.options.project_id,
                                      user_id=self.options.user_id,
                                      roles=roles)


class MelangeApp(app.App):

    def __init__(self):
        super().__init__(
            description='Operate melange-rpc (IPAM) over its RPC API.',
            version=version.PACKAGE_VERSION,
            command_manager=commandmanager.CommandManager('melange_rpc.cli'),
            deferred_help=True)

    def build_option_parser(self, description, version, argparse_kwargs=None):
        parser = super().build_option_parser(description, version,
                                             argparse_kwargs)
        env = os.environ.get
        config_file = env('MELANGE_RPC_CONFIG')
        parser.add_argument(
            '--config-file', action='append',
            default=[config_file] if config_file else [],
            help='melange-rpc config file(s) naming the transport '
                 '(default: $MELANGE_RPC_CONFIG, else oslo.config\'s '
                 'search path, e.g. /etc/melange-rpc/melange-rpc.conf)')
        parser.add_argument(
            '--transport-url', default=env('MELANGE_RPC_TRANSPORT_URL'),
            help='override the config file\'s transport_url '
                 '(default: $MELANGE_RPC_TRANSPORT_URL)')
        parser.add_argument(
            '--project-id', default=env('OS_PROJECT_ID', 'admin'),
            help='project the calls are made for (default: $OS_PROJECT_ID '
                 'or "admin")')
        parser.add_argument(
            '--user-id', default=env('OS_USER_ID', 'melange-rpc-cli'),
            help='user named in the request context (default: $OS_USER_ID)')
        parser.add_argument(
            '--roles', default=env('MELANGE_RPC_ROLES', 'admin'),
            help='comma-separated roles (default: $MELANGE_RPC_ROLES or '
                 '"admin")')
        parser.add_argument(
            '--timeout', type=float, default=None,
            help='seconds to wait for each reply (default: [rpcapi] '
                 'call_timeout)')
        return parser

    def initialize_app(self, argv):
        self.client_manager = ClientManager(self.options)


def explain(error):
    """One line for a failed call."""
    if isinstance(error, exception.InvalidInput) and error.kwargs.get(
            'errors'):
        details = '; '.join('%s: %s' % item
                            for item in sorted(error.kwargs['errors'].items()))
        return '%s: %s' % (error.code, details)
    if isinstance(error, exception.MelangeError):
        return '%s: %s' % (error.code, error.message)
    if isinstance(error, messaging.MessagingTimeout):
        return ('no reply from melange-rpc on topic %r (is '
                'melange-rpc-server running on this transport?)'
                % CONF.rpc_topic)
    if isinstance(error, messaging.MessageDeliveryFailure):
        return 'could not deliver the call: %s' % error
    return None


def main(argv=None):
    return MelangeApp().run(sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
