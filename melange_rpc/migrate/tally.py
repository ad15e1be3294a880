"""What an import created, found already there, and skipped (and why)."""

import collections

BLOCKS = 'blocks'
POLICIES = 'policies'
INTERFACES = 'interfaces'
FIXED_IPS = 'fixed IPs'
IPV6_ADDRESSES = 'IPv6 addresses'
FLOATING_BLOCKS = 'floating blocks'
FLOATING_IPS = 'floating IPs'
ASSOCIATIONS = 'associations'

KINDS = (BLOCKS, POLICIES, INTERFACES, FIXED_IPS, IPV6_ADDRESSES,
         FLOATING_BLOCKS, FLOATING_IPS, ASSOCIATIONS)

CREATED, PRESENT, SKIPPED = 'created', 'present', 'skipped'


class Tally:
    def __init__(self):
        self._counts = collections.Counter()
        self._reasons = collections.defaultdict(collections.Counter)

    def created(self, kind):
        self._counts[kind, CREATED] += 1

    def present(self, kind):
        self._counts[kind, PRESENT] += 1

    def skipped(self, kind, reason, count=1):
        if count:
            self._counts[kind, SKIPPED] += count
            self._reasons[kind][reason] += count

    def merge(self, other):
        self._counts.update(other._counts)
        for kind, reasons in other._reasons.items():
            self._reasons[kind].update(reasons)
        return self

    def count(self, kind, outcome):
        return self._counts[kind, outcome]

    def reasons(self, kind):
        return dict(self._reasons[kind])

    def render(self, dry_run=False):
        """The summary table: one line per kind, skips with reasons."""
        heading = 'would create' if dry_run else CREATED
        width = max(len(kind) for kind in KINDS)
        lines = ['%-*s  %12s  %7s  %7s' % (width, 'kind', heading, PRESENT,
                                           SKIPPED)]
        for kind in KINDS:
            reasons = ', '.join('%s: %d' % item for item in
                                sorted(self._reasons[kind].items()))
            lines.append(('%-*s  %12d  %7d  %7d  %s' % (
                width, kind, self.count(kind, CREATED),
                self.count(kind, PRESENT), self.count(kind, SKIPPED),
                reasons)).rstrip())
        if dry_run:
            lines.append('Dry run: everything was rolled back; nothing '
                         'was written.')
        return '\n'.join(lines)
