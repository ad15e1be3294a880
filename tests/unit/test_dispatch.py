"""The frame of every RPC method checks arguments before any work."""

from oslo_messaging.rpc import dispatcher
import pytest

from melange_rpc import context
from melange_rpc import exception
from melange_rpc.manager import dispatch


class Endpoint:
    @dispatch.rpc_method(write=True, idempotent=True)
    def create_block(self, ctxt, session, cidr, name=None):
        raise AssertionError('must not run')


def create(ctxt, **kwargs):
    """Call as the RPC dispatcher does, and re-raise what it would send."""
    try:
        return Endpoint().create_block(ctxt, **kwargs)
    except dispatcher.ExpectedException as expected:
        raise expected.exc_info[1]


@pytest.fixture
def ctxt():
    return context.RequestContext(project_id='p1', roles=['member'])


def test_unknown_argument_is_invalid_input(ctxt):
    with pytest.raises(exception.InvalidInput) as caught:
        create(ctxt, cidr='10.0.0.0/24', colour='red')
    assert caught.value.errors == {
        'colour': 'unknown argument of create_block'}


def test_missing_argument_is_invalid_input(ctxt):
    with pytest.raises(exception.InvalidInput) as caught:
        create(ctxt, name='x')
    assert caught.value.errors == {'cidr': 'required argument of create_block'}


@pytest.mark.parametrize('key', ['', 'k' * 256, 5, ['k']])
def test_idempotency_key_must_be_a_short_string(ctxt, key):
    with pytest.raises(exception.InvalidInput) as caught:
        create(ctxt, cidr='10.0.0.0/24', idempotency_key=key)
    assert 'idempotency_key' in caught.value.errors


def test_context_without_project_is_refused():
    anonymous = context.RequestContext(roles=['admin'])
    with pytest.raises(exception.Forbidden):
        create(anonymous, cidr='10.0.0.0/24')


def test_admin_flag_from_the_wire_is_ignored():
    ctxt = context.RequestContext.from_dict(
        {'project_id': 'p', 'roles': ['member'], 'is_admin': True})
    assert ctxt.is_admin is False
    assert context.RequestContext.from_dict(
        {'project_id': 'p', 'roles': ['admin']}).is_admin is True
