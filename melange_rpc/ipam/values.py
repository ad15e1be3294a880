"""Checks of plain argument values shared by the domain modules."""

from melange_rpc import exception
from melange_rpc.ipam import addressing

MAX_NAME = 255


def optional_string(value, field, max_length=MAX_NAME):
    if value is None:
        return None
    return string(value, field, max_length)


def string(value, field, max_length=MAX_NAME):
    if not isinstance(value, str) or not value.strip():
        raise exception.InvalidInput(errors={field: 'must be a non-empty '
                                                    'string'})
    if len(value) > max_length:
        raise exception.InvalidInput(
            errors={field: 'must be at most %d characters' % max_length})
    return value


def boolean(value, field):
    if not isinstance(value, bool):
        raise exception.InvalidInput(errors={field: 'must be true or false'})
    return value


def optional_int(value, field, minimum=None, maximum=None):
    if value is None:
        return None
    return integer(value, field, minimum, maximum)


def integer(value, field, minimum=None, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise exception.InvalidInput(errors={field: 'must be an integer'})
    if minimum is not None and value < minimum:
        raise exception.InvalidInput(
            errors={field: 'must be at least %d' % minimum})
    if maximum is not None and value > maximum:
        raise exception.InvalidInput(
            errors={field: 'must be at most %d' % maximum})
    return value


def address_list(value, field):
    """A list of IP address strings, normalised (DNS name servers)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 32:
        raise exception.InvalidInput(
            errors={field: 'must be a list of at most 32 IP addresses'})
    return [addressing.format_address(addressing.parse_address(item, field))
            for item in value]


def options_dict(value, field):
    """DHCP options: a small dict of option name -> scalar value."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 64:
        raise exception.InvalidInput(
            errors={field: 'must be a dict of at most 64 options'})
    for name, item in value.items():
        string(name, field, 64)
        if isinstance(item, str) and len(item) <= 255:
            continue
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            continue
        if isinstance(item, bool):
            continue
        raise exception.InvalidInput(
            errors={field: 'option %r must be a string (up to 255 '
                           'characters), a number or a boolean' % name})
    return dict(value)


class _Unset:
    """An argument the caller left out (as opposed to one set to null)."""

    def __repr__(self):
        return 'UNSET'


UNSET = _Unset()
