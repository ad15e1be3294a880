"""Console scripts. The workers run plain threads, never eventlet."""

import warnings

from oslo_service import backend

backend.init_backend(backend.BackendType.THREADING)

# futurist imports eventlet, when it happens to be installed, only to
# detect it; its deprecation notice says nothing about this program.
warnings.filterwarnings('ignore', message='.*Eventlet is deprecated',
                        category=DeprecationWarning)
