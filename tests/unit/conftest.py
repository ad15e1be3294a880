import pytest

from melange_rpc import conf
from melange_rpc import config


@pytest.fixture(autouse=True, scope='session')
def parsed_config():
    """oslo.config parsed once (functional fixtures may have done it)."""
    if conf.CONF._args is None:
        config.parse_args([], default_config_files=[])
