"""Errors of the melange RPC API.

Callers import this module (it is listed in ``allowed_remote_exmods``), so an
error raised in the manager arrives at the caller as the same class.
oslo.messaging rebuilds a remote error as ``cls(*args, **kwargs)``: every
class here therefore takes the formatted message as its only positional
argument and its details as keyword arguments, which it keeps in
``self.kwargs`` (what oslo.messaging sends).
"""

import re


def _snake_case(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()


class MelangeError(Exception):
    """Base of every error the API returns.

    ``code`` is the class name in snake_case and never changes; ``message``
    is for humans.
    """

    msg_fmt = "An unknown error occurred."

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        # oslo.messaging rebuilds a remote error as a subclass named
        # "<Class>_Remote"; it keeps the code of the class it stands for.
        if not cls.__name__.endswith('_Remote'):
            cls.code = _snake_case(cls.__name__)

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError, ValueError):
                # A wrong format argument must not hide the real error.
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def to_dict(self):
        return {'code': self.code, 'message': self.message, **self.kwargs}


MelangeError.code = 'melange_error'


class InvalidInput(MelangeError):
    """An argument is missing, unknown or malformed.

    ``errors`` maps each offending field to what is wrong with it.
    """

    msg_fmt = "Invalid input: %(details)s"

    def __init__(self, message=None, errors=None, **kwargs):
        errors = dict(errors or {})
        if message is None:
            details = '; '.join('%s: %s' % kv for kv in sorted(errors.items()))
            message = self.msg_fmt % {'details': details or 'invalid request'}
        super().__init__(message, errors=errors, **kwargs)
        self.errors = errors


class Forbidden(MelangeError):
    msg_fmt = "Policy does not allow %(action)s."


class NotFound(MelangeError):
    msg_fmt = "Resource could not be found."


class BlockNotFound(NotFound):
    msg_fmt = "IP block %(block_id)s could not be found."


class AddressNotFound(NotFound):
    msg_fmt = "Address %(address)s could not be found."


class PolicyNotFound(NotFound):
    msg_fmt = "Policy %(policy_id)s could not be found."


class InterfaceNotFound(NotFound):
    msg_fmt = "Interface %(interface_id)s could not be found."


class NetworkNotFound(NotFound):
    msg_fmt = "Network %(network_id)s could not be found."


class MacRangeNotFound(NotFound):
    msg_fmt = "MAC range %(mac_range_id)s could not be found."


class RouteNotFound(NotFound):
    msg_fmt = "Route %(route_id)s could not be found."


class Conflict(MelangeError):
    msg_fmt = "The request conflicts with the current state."


class BlockOverlap(Conflict):
    msg_fmt = "CIDR %(cidr)s overlaps block %(other_cidr)s."


class DuplicateAddress(Conflict):
    msg_fmt = "Address %(address)s is already allocated or retained."


class DuplicateMacAddress(Conflict):
    msg_fmt = "MAC address %(mac_address)s is already in use."


class DuplicateInterface(Conflict):
    msg_fmt = "Interface %(interface_id)s already exists."


class BlockInUse(Conflict):
    msg_fmt = "IP block %(block_id)s is in use."


class MacRangeInUse(Conflict):
    msg_fmt = "MAC range %(mac_range_id)s has allocated MAC addresses."


class NoMoreAddresses(MelangeError):
    msg_fmt = "IP block %(block_id)s has no more free addresses."


class NoMoreMacAddresses(MelangeError):
    msg_fmt = "No MAC range has a free MAC address."


class AddressNotInBlock(MelangeError):
    msg_fmt = "Address %(address)s does not lie in block %(cidr)s."


class AddressDisallowedByPolicy(MelangeError):
    msg_fmt = "Address %(address)s is excluded by the block's policy."


class AllocationNotAllowed(MelangeError):
    msg_fmt = "Allocation not allowed: %(reason)s"


class ServiceUnavailable(MelangeError):
    """The database could not be reached, after the manager's own retries.

    If the connection broke while the call committed, the change may have
    been made: send the call again with the same idempotency key (the
    rpcapi helpers do) and it answers with what was done, or does it.
    """

    msg_fmt = "The IPAM store is unavailable: %(reason)s"
