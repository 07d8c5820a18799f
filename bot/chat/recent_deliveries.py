"""The deliveries this process has answered, remembered for a while: a retry that comes
back to the same process is skipped without asking the database, and while the database
cannot decide (it is away or too slow), this is the only de-duplication there is."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

KEPT_S = 3600.0  # Slack retries within minutes; Teams sooner
MAX_KEPT = 20_000


class RecentDeliveries:
    def __init__(
        self,
        *,
        kept_s: float = KEPT_S,
        max_kept: int = MAX_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._kept_s = kept_s
        self._max_kept = max_kept
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        with self._lock:
            self._expire()
            return key in self._seen

    def add(self, key: str) -> bool:
        """Remember ``key``; True if it was new (this process should answer it)."""
        with self._lock:
            self._expire()
            if key in self._seen:
                return False
            self._seen[key] = self._clock()
            if len(self._seen) > self._max_kept:
                self._seen.popitem(last=False)
            return True

    def _expire(self) -> None:
        cutoff = self._clock() - self._kept_s
        while self._seen:
            key, added = next(iter(self._seen.items()))
            if added >= cutoff:
                return
            del self._seen[key]
