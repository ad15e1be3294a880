"""The frame around every RPC method of the manager.

``rpc_method`` turns a plain domain function into an RPC endpoint method:
it checks the keyword arguments against the signature (a missing or
unknown one is InvalidInput, never a bare TypeError), refuses a context
without a project, opens the one transaction of the call, applies the
idempotency key, and turns database errors into the API's typed errors.
"""

import functools
import hashlib
import inspect
import json

from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging
from sqlalchemy import exc as sa_exc

from melange_rpc import conf
from melange_rpc.db import api as db_api
from melange_rpc.db import idempotency
from melange_rpc import exception
from melange_rpc import notifications
from melange_rpc import policy

CONF = conf.CONF
LOG = logging.getLogger(__name__)

IDEMPOTENCY_KEY = 'idempotency_key'
MAX_KEY_LENGTH = 255


def _check_arguments(name, parameters, kwargs):
    unknown = set(kwargs) - set(parameters)
    if unknown:
        raise exception.InvalidInput(
            errors={arg: 'unknown argument of %s' % name
                    for arg in sorted(unknown)})
    missing = [arg for arg, param in parameters.items()
               if param.default is inspect.Parameter.empty
               and arg not in kwargs]
    if missing:
        raise exception.InvalidInput(
            errors={arg: 'required argument of %s' % name
                    for arg in missing})


# Argument types, checked before anything else runs: a number where an id
# belongs must be InvalidInput, not a database error about operators.
_STRINGS = {'address', 'cidr', 'description', 'destination', 'gateway',
            'hostname', 'mac_address', 'marker', 'name', 'state', 'type',
            'ipv6_address_mode'}
_INTEGERS = {'limit', 'offset', 'length', 'octet', 'prefixlen',
             'max_allocation', 'older_than'}
_BOOLEANS = {'force', 'allocatable'}


def _expected_type(arg):
    if arg in _STRINGS or arg.endswith('_id'):
        return str, 'a string'
    if arg in _INTEGERS:
        return int, 'an integer'
    if arg in _BOOLEANS:
        return bool, 'true or false'
    return None, None


def _check_types(kwargs):
    errors = {}
    for arg, value in kwargs.items():
        expected, words = _expected_type(arg)
        if expected is None or value is None:
            continue
        if not isinstance(value, expected) or (
                expected is int and isinstance(value, bool)):
            errors[arg] = 'must be %s' % words
    if errors:
        raise exception.InvalidInput(errors=errors)


def _check_key(key):
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise exception.InvalidInput(
            errors={IDEMPOTENCY_KEY: 'must be a string of 1 to %d '
                                     'characters' % MAX_KEY_LENGTH})
    return key


def request_hash(kwargs):
    text = json.dumps(kwargs, sort_keys=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


class _KeyedCall:
    """One call made with an idempotency key, over all its attempts.

    A key is nearly always new: rpcapi sends a fresh one per helper call,
    and the same one again only after a lost reply. So the first attempt
    does not look it up (one SELECT less on every call that changes
    state); it runs and stores its result, and the unique key on
    (project_id, key) refuses the record of a repeat. That refusal rolls
    the attempt back, and the next one answers from the stored record.
    A first attempt that fails (a repeat may: its address is taken now,
    by the first call) looks the key up before its error is sent.
    """

    def __init__(self, name, fn, key, kwargs):
        self.name = name
        self.fn = fn
        self.key = key
        self.kwargs = kwargs
        self.digest = request_hash(kwargs)
        self.look_up_first = False
        self.may_be_repeat = False
        self.ran = False

    def attempt(self, endpoint, ctxt, session):
        """Run the call, or answer from its stored record; record() then
        stores what this attempt ran."""
        self.ran = False
        looked_up = self.look_up_first
        if looked_up:
            record = idempotency.find(session, ctxt.project_id, self.key)
            if record is not None:
                return self._stored(record)
        try:
            result = self.fn(endpoint, ctxt, session, **self.kwargs)
        except db_exc.DBDuplicateEntry:
            # A row of a concurrent request, perhaps a repeat's.
            self.look_up_first = True
            raise
        except exception.MelangeError:
            self.may_be_repeat = not looked_up
            raise
        self.ran = True
        return result

    def record(self, ctxt, session, result):
        """Store the result of the attempt that ran: the transaction's last
        statement (db.api.writer)."""
        if not self.ran:
            return
        try:
            idempotency.record(session, ctxt.project_id, self.key,
                               self.name, self.digest, result,
                               CONF.ipam.idempotency_ttl)
        except db_exc.DBDuplicateEntry:
            # The key's record: a repeat's. The retry looks the key up
            # first, and answers from it.
            self.look_up_first = True
            raise

    def answer_after(self, ctxt, error):
        """The stored result if the call that failed with ``error`` was a
        repeat; otherwise ``error``."""
        if not self.may_be_repeat:
            raise error
        try:
            record = db_api.reader(ctxt, lambda session: idempotency.live(
                session, ctxt.project_id, self.key))
        except (db_exc.DBError, sa_exc.TimeoutError):
            LOG.warning('%s failed (%s) and its key could not be looked up',
                        self.name, error)
            raise exception.ServiceUnavailable(
                reason='the database could not be reached; send the call '
                       'again with the same idempotency key')
        if record is None:
            raise error
        return self._stored(record)

    def _stored(self, record):
        if record.method != self.name or record.request_hash != self.digest:
            raise exception.Conflict(
                'Idempotency key %r was used for another request.'
                % self.key)
        LOG.debug('Repeat of %s with key %s: returning the stored result',
                  self.name, self.key)
        return record.result


def rpc_method(write=False, idempotent=False, project_required=True):
    """Decorate ``fn(self, ctxt, session, **kwargs)`` as an RPC method.

    Its policy rule is ``melange:<name>`` (melange_rpc.policies).
    """
    def decorate(fn):
        name = fn.__name__
        rule = 'melange:%s' % name
        parameters = dict(list(inspect.signature(fn).parameters.items())[3:])
        accepted = dict(parameters)
        if idempotent:
            accepted[IDEMPOTENCY_KEY] = inspect.Parameter(
                IDEMPOTENCY_KEY, inspect.Parameter.KEYWORD_ONLY, default=None)

        def body(endpoint, ctxt, kwargs, keyed):
            def attempt(session):
                # A retried attempt starts with no queued events.
                notifications.reset(ctxt)
                if keyed is not None:
                    return keyed.attempt(endpoint, ctxt, session)
                return fn(endpoint, ctxt, session, **kwargs)
            return attempt

        @functools.wraps(fn)
        def method(self, ctxt, **kwargs):
            keyed = None
            try:
                _check_arguments(name, accepted, kwargs)
                _check_types(kwargs)
                if kwargs.get(IDEMPOTENCY_KEY) is not None:
                    _check_key(kwargs[IDEMPOTENCY_KEY])
                if project_required and not ctxt.project_id:
                    raise exception.Forbidden(
                        'A request context without a project is refused.')
                tenant_id = kwargs.get('tenant_id')
                policy.authorize(ctxt, rule, tenant_id
                                 if isinstance(tenant_id, str) else None)
                key = kwargs.pop(IDEMPOTENCY_KEY, None)
                if key is not None:
                    keyed = _KeyedCall(name, fn, key, kwargs)
                run = body(self, ctxt, kwargs, keyed)
                if not write:
                    return db_api.reader(ctxt, run)
                result = db_api.writer(ctxt, run, last=(
                    functools.partial(keyed.record, ctxt) if keyed else None))
                notifications.send_queued(ctxt)
                return result
            except exception.MelangeError as error:
                if keyed is None:
                    raise
                return keyed.answer_after(ctxt, error)
            except db_exc.DBDuplicateEntry as exc:
                raise exception.Conflict(
                    'A concurrent request created the same object (%s).'
                    % ', '.join(exc.columns or ['unknown']))
            except db_exc.DBDataError:
                raise exception.InvalidInput(
                    errors={'request': 'a value does not fit the store'})
            except db_exc.DBConnectionError:
                LOG.warning('%s: the database could not be reached', name)
                raise exception.ServiceUnavailable(
                    reason='the database could not be reached; send the '
                           'call again with the same idempotency key')
            except sa_exc.TimeoutError:
                # Every pooled connection stayed busy for [database]
                # pool_timeout: the worker is overloaded, not broken.
                LOG.warning('%s: no database connection came free', name)
                raise exception.ServiceUnavailable(
                    reason='no database connection came free in time; send '
                           'the call again with the same idempotency key')
            except db_exc.DBReferenceError as exc:
                raise exception.NotFound(
                    'A referenced object does not exist (%s).' % exc.key)

        # Business errors are the caller's, not the server's: oslo.messaging
        # logs them without a traceback.
        wrapped = messaging.expected_exceptions(exception.MelangeError)(
            method)
        wrapped.rpc_arguments = tuple(accepted)
        return wrapped
    return decorate
