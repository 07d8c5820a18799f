"""Log a recurring failure as one line now and then, not one traceback per question.

When the database goes away every question fails the same way. A traceback per question
buries the log (and SQLAlchemy's messages carry the statement's parameters, which hold
people's questions). Each kind of failure is logged at most once per ``interval_s``; the
next line says how many like it were left out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

INTERVAL_S = 60.0


class ThrottledLog:
    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval_s: float = INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def warning(self, kind: str, message: str, *args: object) -> bool:
        """Log ``message`` unless a ``kind`` line went out within the interval; True if
        logged. Never pass question text, user ids or SQL parameters in ``args``."""
        return self._log(logging.WARNING, kind, message, args)

    def error(self, kind: str, message: str, *args: object) -> bool:
        return self._log(logging.ERROR, kind, message, args)

    def _log(self, level: int, kind: str, message: str, args: tuple[object, ...]) -> bool:
        now = self._clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self._interval_s:
                self._skipped[kind] = self._skipped.get(kind, 0) + 1
                return False
            self._last[kind] = now
            skipped = self._skipped.pop(kind, 0)
        if skipped:
            message += f" ({skipped} more like this since the last such line)"
        self._logger.log(level, message, *args)
        return True
