"""What every command shares: the client, paging and cell formatting."""

from cliff import columns
from cliff import command
from cliff import lister
from cliff import show

from melange_rpc.cli import app
from melange_rpc.rpcapi import client

# update_* calls change only the fields given; this stands for "not given".
UNSET = client.UNSET


class _Shown(columns.FormattableColumn):
    """A value shown for people in a table (lists joined, dicts as k=v,
    nothing for null) and as it is in json, yaml and value output."""

    def human_readable(self):
        value = self._value
        if value is None:
            return ''
        if isinstance(value, bool):
            return 'yes' if value else 'no'
        if isinstance(value, list):
            if value and isinstance(value[0], dict):
                return '\n'.join(_pairs(v) for v in value)
            return ', '.join(str(v) for v in value)
        if isinstance(value, dict):
            return _pairs(value)
        return str(value)

    def machine_readable(self):
        return self._value


def _pairs(mapping):
    return ', '.join('%s=%s' % item for item in sorted(mapping.items()))


def cell(value):
    """A result value as one table cell."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value       # as it is: numbers stay right-aligned
    return _Shown(value)


class _Calls:
    """Access to the app's client and context from a command, and its
    failures told in one line (a remote error's str() carries the
    server's traceback).

    ``positional``: names of the command's positional arguments (ids,
    mostly), added before whatever options a subclass adds.
    """

    positional = ()

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        for name in self.positional:
            parser.add_argument(name)
        return parser

    def run(self, parsed_args):
        try:
            return super().run(parsed_args)
        except Exception as error:
            line = app.explain(error)
            if line is None:
                raise
            raise app.CommandError(line) from error

    @property
    def api(self):
        return self.app.client_manager.api

    @property
    def ctxt(self):
        return self.app.client_manager.ctxt


class Command(_Calls, command.Command):
    """A command that prints a line or nothing."""


class ShowOne(_Calls, show.ShowOne):
    """A command that prints one object, a field per row.

    ``columns``: the fields shown, in order; other keys are left out.
    """

    columns = ()

    def show(self, item):
        return self.columns, tuple(cell(item.get(c)) for c in self.columns)


class Lister(_Calls, lister.Lister):
    """A command that prints a table, one object per row.

    Lists are pages (``{items, next_marker}``); ``--limit`` and ``--marker``
    go to the server as they are, and without ``--limit`` the command
    follows ``next_marker`` until the end.
    """

    columns = ()
    paged = True

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        if self.paged:
            parser.add_argument('--limit', type=int, metavar='N',
                                help='one page of at most N rows')
            parser.add_argument('--marker', metavar='ID',
                                help='start after this id (address)')
        return parser

    def page_through(self, parsed_args, fetch):
        """Every item ``fetch(limit=, marker=)`` yields, page by page."""
        if parsed_args.limit is not None:
            return fetch(limit=parsed_args.limit,
                         marker=parsed_args.marker)['items']
        items, marker = [], parsed_args.marker
        while True:
            page = fetch(limit=1000, marker=marker)
            items.extend(page['items'])
            marker = page['next_marker']
            if marker is None:
                return items

    def table(self, items):
        return self.columns, (tuple(cell(item.get(c)) for c in self.columns)
                              for item in items)


def key_values(pairs, what):
    """``['ntp-server=10.0.0.1', ...]`` as a dict."""
    result = {}
    for pair in pairs or ():
        name, sep, value = pair.partition('=')
        if not sep or not name:
            raise app.CommandError('%s must be NAME=VALUE, not %r'
                                   % (what, pair))
        result[name] = value
    return result

