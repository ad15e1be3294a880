"""The bus serializer: results pass as they are; what reaches the caller
is what oslo.messaging's encoding (jsonutils, to_primitive for what JSON
cannot take) makes of them."""

import datetime

from oslo_messaging._drivers import common as driver_common

from melange_rpc import context
from melange_rpc import rpc


def test_a_json_result_passes_unchanged():
    serializer = rpc.RequestContextSerializer()
    page = {'items': [{'id': 'a', 'address': '10.0.0.2', 'leased': False,
                       'ip_version': 4, 'interface_id': None}],
            'next_marker': None}
    assert serializer.serialize_entity(None, page) is page


def on_the_wire(value):
    """What a caller decodes of a reply carrying ``value``."""
    serializer = rpc.RequestContextSerializer()
    message = driver_common.serialize_msg(
        {'result': serializer.serialize_entity(None, value)})
    return serializer.deserialize_entity(
        None, driver_common.deserialize_msg(message)['result'])


def test_other_values_reach_the_caller_as_primitives():
    when = datetime.datetime(2026, 12, 2, 3, 4, 5)
    assert on_the_wire({'at': when, 'set': {1}}) == {
        'at': '2026-12-02T03:04:05.000000', 'set': [1]}


def test_a_page_reaches_the_caller_unchanged():
    page = {'items': [{'id': 'a', 'address': 'fd00::2', 'leased': True,
                       'ip_version': 6, 'dhcp_options': {'mtu': 1400}}],
            'next_marker': 'fd00::2'}
    assert on_the_wire(page) == page


def test_a_context_makes_the_round_trip():
    serializer = rpc.RequestContextSerializer()
    ctxt = context.RequestContext(project_id='p', roles=['member'])
    back = serializer.deserialize_context(serializer.serialize_context(ctxt))
    assert (back.project_id, back.roles, back.is_admin) == (
        'p', ['member'], False)
