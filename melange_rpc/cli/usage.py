"""usage: how full each block is, fullest first, with a warning line for
every block at or above ``--warn`` percent."""

import json

from melange_rpc.cli import base

BAR_WIDTH = 20


def bar(fraction, width=BAR_WIDTH):
    filled = round(max(0.0, min(fraction, 1.0)) * width)
    return '#' * filled + '.' * (width - filled)


class Usage(base.Lister):
    """Per-block utilisation: allocated and retained over usable."""

    columns = ('block_id', 'cidr', 'network_id', 'type', 'allocated',
               'deallocated', 'free', 'used %', 'usage')
    paged = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--warn', type=float, default=80.0,
                            metavar='PERCENT',
                            help='warn about blocks used this much or more '
                                 '(default 80)')
        parser.add_argument('--json', action='store_true',
                            help='one JSON document for monitoring')
        parser.add_argument('--type', choices=('private', 'public'))
        parser.add_argument('--tenant', dest='tenant_id')
        parser.add_argument('--network', dest='network_id')
        return parser

    def _blocks(self, args):
        marker = None
        while True:
            page = self.api.list_blocks(
                self.ctxt, type=args.type, tenant_id=args.tenant_id,
                network_id=args.network_id, limit=1000, marker=marker)
            yield from page['items']
            marker = page['next_marker']
            if marker is None:
                return

    def _usages(self, args):
        usages = []
        for block in self._blocks(args):
            usage = self.api.get_block_usage(self.ctxt, block['id'])
            usage.update(network_id=block['network_id'], type=block['type'],
                         percent=round(usage['utilization'] * 100, 1),
                         warn=usage['utilization'] * 100 >= args.warn)
            usages.append(usage)
        usages.sort(key=lambda u: (-u['utilization'], u['cidr']))
        return usages

    def take_action(self, args):
        usages = self._usages(args)
        self._threshold, self._usages_seen = args.warn, usages
        for usage in usages:
            if usage['warn']:
                self.app.stderr.write(
                    'warning: block %(block_id)s (%(cidr)s) is %(percent)s%% '
                    'used\n' % usage)
        return self.columns, [
            (u['block_id'], u['cidr'], u['network_id'] or '', u['type'],
             u['allocated'], u['deallocated'], u['free'], u['percent'],
             bar(u['utilization'])) for u in usages]

    def produce_output(self, parsed_args, column_names, data):
        if not parsed_args.json:
            return super().produce_output(parsed_args, column_names, data)
        json.dump({'warn_percent': self._threshold,
                   'blocks': self._usages_seen,
                   'over_threshold': [u['block_id'] for u in self._usages_seen
                                      if u['warn']]},
                  self.app.stdout, indent=2, sort_keys=True)
        self.app.stdout.write('\n')
        return 0
