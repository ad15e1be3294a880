"""Hostile arguments to every RPC method, over the real broker.

Wrong types, huge strings and numbers, unicode, None, nested objects,
unknown methods and extra arguments: every call ends in success or in a
typed error of melange_rpc.exception (never a bare RemoteError, which
would mean the manager crashed on it), a failed call leaves the store as
it was, and the worker keeps serving.
"""

import string

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import oslo_messaging as messaging
import pytest

from melange_rpc import exception
from melange_rpc import manager
from tests.functional import conftest
from tests import server as server_fixture


def _signatures():
    found = {}
    for endpoint in manager.endpoints():
        for name in dir(endpoint):
            method = getattr(endpoint, name)
            if name.startswith('_') or name == 'target' or not callable(
                    method):
                continue
            found[name] = list(method.rpc_arguments)
    return found


SIGNATURES = _signatures()

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-2 ** 70, max_value=2 ** 70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet=string.printable, min_size=200, max_size=5000),
    st.sampled_from(['10.0.0.0/24', '10.0.0.1', 'fe80::1', '::/0',
                     'fa:16:3e:00:00:01', 'fa:16:3e:00:00:00/24',
                     '0.0.0.0/0', '255.255.255.255/32', '\u202e\u0000',
                     "'; DROP TABLE ip_blocks; --", 'ünïcødé-网络']))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=8)


@st.composite
def calls(draw):
    name = draw(st.sampled_from(sorted(SIGNATURES) + ['no_such_method']))
    known = SIGNATURES.get(name, [])
    chosen = draw(st.lists(st.sampled_from(known), unique=True)
                  if known else st.just([]))
    kwargs = {arg: draw(values) for arg in chosen}
    if draw(st.booleans()):
        kwargs[draw(st.text(min_size=1, max_size=12))] = draw(values)
    return name, kwargs


@pytest.fixture(scope='module')
def target(exchange, tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp('fuzz'))
    server = server_fixture.Server('postgresql', tmp, exchange, workers=2,
                                   name='fuzz')
    server.create()
    server.start()
    service = conftest.Melange(server)
    server.wait_ready(service.api, service.admin)
    # Something to aim at: a block with an address, a policy, a MAC range.
    block = service.api.create_block(service.admin, cidr='10.0.0.0/24',
                                     network_id='net')
    service.api.allocate_ip(service.admin, block['id'],
                            interface_id='vif')
    service.api.create_mac_range(service.admin, cidr='fa:16:3e:00:00:00/40')
    yield service
    server.destroy()


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(call=calls(), admin=st.booleans())
def test_hostile_calls_end_in_success_or_a_typed_error(target, call,
                                                        admin):
    name, kwargs = call
    ctxt = target.admin if admin else target.tenant('fuzzer')
    cctxt = target.api.with_timeout(30)._prepare('1.0')
    before = target.snapshot()
    try:
        cctxt.call(ctxt, name, **kwargs)
    except exception.MelangeError:
        assert target.snapshot() == before
    except messaging.RemoteError as crash:     # pragma: no cover
        pytest.fail('%s(%r) crashed the manager: %s' % (name, kwargs,
                                                        crash))


def test_the_workers_survived_the_fuzzing(target):
    assert target.api.ping(target.admin)['service'] == 'melange-rpc'
    assert target.server.process.poll() is None
