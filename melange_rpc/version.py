"""Versions: the package's and the RPC API's."""

from importlib import metadata

SERVICE_NAME = 'melange-rpc'
# The version of the RPC API the manager serves (see melange_rpc.rpcapi).
RPC_API_VERSION = '1.0'

try:
    PACKAGE_VERSION = metadata.version('melange-rpc')
except metadata.PackageNotFoundError:  # running from a bare checkout
    PACKAGE_VERSION = '0.0.0'


class VersionInfo:
    """What a Guru Meditation report prints in its package section."""

    @staticmethod
    def vendor_string():
        return 'OpenStack'

    @staticmethod
    def product_string():
        return SERVICE_NAME

    @staticmethod
    def version_string_with_package():
        return PACKAGE_VERSION
