"""The bus serializer: JSON results pass as they are, the rest as oslo's
to_primitive makes them."""

import datetime

from melange_rpc import context
from melange_rpc import rpc


def test_a_json_result_passes_unchanged():
    serializer = rpc.RequestContextSerializer()
    page = {'items': [{'id': 'a', 'address': '10.0.0.2', 'leased': False,
                       'ip_version': 4, 'interface_id': None}],
            'next_marker': None}
    assert serializer.serialize_entity(None, page) is page


def test_other_values_become_primitives():
    serializer = rpc.RequestContextSerializer()
    when = datetime.datetime(2026, 12, 2, 3, 4, 5)
    got = serializer.serialize_entity(None, {'at': when, 'set': {1}})
    assert got == {'at': '2026-12-02T03:04:05.000000', 'set': [1]}


def test_a_context_makes_the_round_trip():
    serializer = rpc.RequestContextSerializer()
    ctxt = context.RequestContext(project_id='p', roles=['member'])
    back = serializer.deserialize_context(serializer.serialize_context(ctxt))
    assert (back.project_id, back.roles, back.is_admin) == (
        'p', ['member'], False)
