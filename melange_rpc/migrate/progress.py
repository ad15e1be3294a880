"""Progress of a long import: a bar on a terminal, lines in a log.

tqdm's bar redraws itself with carriage returns, which a log file or a
pipe keeps as one endless line; there, each finished batch prints a line
of its own instead.
"""

import contextlib
import sys

import tqdm


class Progress:
    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr

    @contextlib.contextmanager
    def step(self, title, total):
        """A context whose ``advance(n)`` reports n more rows done."""
        if self.stream.isatty():
            with tqdm.tqdm(total=total, desc=title, unit='row',
                           file=self.stream) as bar:
                yield bar.update
            return
        done = 0

        def advance(count):
            nonlocal done
            done += count
            print('%s: %d/%d' % (title, done, total), file=self.stream,
                  flush=True)
        yield advance

