"""Errors cross the bus as the same classes, with their code and details."""

import sys

import pytest
from oslo_messaging._drivers import common

from melange_rpc import exception
from melange_rpc import rpc


def _round_trip(error):
    try:
        raise error
    except exception.MelangeError:
        data = common.serialize_remote_exception(sys.exc_info())
    return common.deserialize_remote_exception(data, rpc.ALLOWED_EXMODS)


@pytest.mark.parametrize('error', [
    exception.InvalidInput(errors={'cidr': 'bad'}),
    exception.BlockNotFound(block_id='b1'),
    exception.NoMoreAddresses(block_id='b1'),
    exception.Forbidden('no'),
    exception.Conflict(),
])
def test_remote_error_is_the_same_class_with_code_and_details(error):
    remote = _round_trip(error)
    assert isinstance(remote, type(error))
    assert remote.code == error.code
    assert remote.kwargs == error.kwargs


def test_every_error_code_is_its_class_name_in_snake_case():
    assert exception.NoMoreAddresses.code == 'no_more_addresses'
    assert exception.AddressDisallowedByPolicy.code == (
        'address_disallowed_by_policy')
    assert exception.MelangeError.code == 'melange_error'


def test_invalid_input_names_each_field():
    error = exception.InvalidInput(errors={'b': 'two', 'a': 'one'})
    assert error.errors == {'a': 'one', 'b': 'two'}
    assert str(error) == 'Invalid input: a: one; b: two'
