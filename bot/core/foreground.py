"""Work someone is waiting for, so that background work can keep out of its way.

A chat server answers questions and, beside them, writes its log on a background thread. In
CPython the two share one interpreter lock, and on a small server they share the CPU and the
database: a log write that starts while a question is being answered makes that person wait
for it. Answering marks itself ``busy``; the log writer calls ``wait_until_idle`` before a
write, so that writes land between questions, and waits only so long, so that a server that
is never idle still writes its log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Foreground:
    def __init__(self) -> None:
        self._busy = 0
        self._changed = threading.Condition()

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark the block as work someone is waiting for. Blocks may nest and overlap."""
        with self._changed:
            self._busy += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                if not self._busy:
                    self._changed.notify_all()

    @property
    def idle(self) -> bool:
        return not self._busy

    def wait_until_idle(self, timeout_s: float) -> bool:
        """Wait until no ``busy`` block is running, or ``timeout_s``; True if idle."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._busy, timeout_s)
