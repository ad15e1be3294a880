"""``melange-rpc``: the operator's command line, over RPC.

Every subcommand is one typed call of ``melange_rpc.rpcapi.MelangeAPI``:
the CLI never touches the database, so it sees exactly what Nova and the
agents see, through the same policy checks. The commands are cliff
commands registered as ``melange_rpc.cli`` entry points (``block_create``
is ``melange-rpc block create``), grouped by resource, one module each.
"""

import warnings

# futurist (under oslo.messaging) imports eventlet when it is installed,
# and eventlet warns on import; melange-rpc never uses it, and an
# operator's terminal is no place for the warning.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
