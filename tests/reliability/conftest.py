from tests.functional.conftest import client_config  # noqa: F401
from tests.functional.conftest import exchange  # noqa: F401
