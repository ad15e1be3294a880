"""Small helpers shared by the functional specifications."""

import contextlib
import uuid

import pytest

from melange_rpc import context


def network_id():
    """A network id no other test uses."""
    return 'net-' + uuid.uuid4().hex


def interface_id():
    """An interface id no other test uses."""
    return 'vif-' + uuid.uuid4().hex


def device_id():
    return 'vm-' + uuid.uuid4().hex


def service():
    """A context with the service role (Nova, Quantum), not admin."""
    return context.RequestContext(
        project_id='service-' + uuid.uuid4().hex[:8], user_id='nova',
        roles=['service'])


def raw(melange, ctxt, method, **kwargs):
    """Call ``method`` with exactly ``kwargs``, bypassing the typed client."""
    return melange.api._prepare('1.0').call(ctxt, method, **kwargs)


@contextlib.contextmanager
def refused(melange, error, exact=True):
    """The body must raise ``error`` and leave every table unchanged.

    With ``exact`` the error's ``code`` must be the one of ``error`` itself
    (not of a subclass).
    """
    before = melange.snapshot()
    with pytest.raises(error) as caught:
        yield caught
    if exact:
        assert caught.value.code == error.code
    assert melange.snapshot() == before


def rows_mentioning(melange, *values):
    """Rows of any table (but the idempotency records) holding a value."""
    found = []
    for table, rows in melange.snapshot().items():
        if 'idempotency' in table:
            continue
        found += [(table, row) for row in rows
                  if any(value in row for value in values)]
    return found


def every(list_call, ctxt, key='id', limit=2, **filters):
    """Page through a list method; check the markers on the way."""
    items, marker = [], None
    for _ in range(1000):
        page = list_call(ctxt, limit=limit, marker=marker, **filters)
        assert set(page) == {'items', 'next_marker'}
        assert len(page['items']) <= limit
        items += page['items']
        marker = page['next_marker']
        if marker is None:
            return items
        assert marker == page['items'][-1][key]
    raise AssertionError('paging never ended')
