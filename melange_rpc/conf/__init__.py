"""Every oslo.config option of melange-rpc, one module per group.

Import ``CONF`` from here: it is oslo.config's global ``cfg.CONF`` (which
oslo.messaging also reads), with our options registered on it.
"""

from oslo_config import cfg

from melange_rpc.conf import database
from melange_rpc.conf import default
from melange_rpc.conf import dhcp
from melange_rpc.conf import ipam
from melange_rpc.conf import notifications
from melange_rpc.conf import rpcapi

CONF = cfg.CONF

default.register_opts(CONF)
database.register_opts(CONF)
dhcp.register_opts(CONF)
ipam.register_opts(CONF)
notifications.register_opts(CONF)
rpcapi.register_opts(CONF)
