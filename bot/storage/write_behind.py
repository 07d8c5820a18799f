"""Write log rows on a background thread, many rows to a statement.

A chat reply carries an interaction id reserved from the database's sequence before its row
exists (``InteractionLog.reserve_id``), so the row need not be written by the thread that sent
the reply. Under load, one multi-row insert costs this process and the database far less than
one insert per question, and leaves the CPU to the next question. Rows wait at most
``gather_s`` before they are written; anything that reads the row a click refers to already
waits for it (``wait_for_interaction``).

Nothing is dropped for a database that is briefly away: a batch that fails for want of a
connection is kept and tried again, with growing pauses, while new rows queue behind it, up
to ``max_pending`` rows (beyond that the oldest go, with an error in the log). The insert
skips ids that are already there, so a batch that did land before its connection broke is
not written twice. A batch the database refuses is written again one row at a time, so a row
it will not take is dropped alone (with one line in the log) and never costs the others
theirs. On shutdown what is queued is written out (``close``, also run at exit).

Given the server's ``Foreground``, a batch waits (up to ``yield_s``) for a moment when no
question is being answered, so a write does not slow an answer down; a flush or a shutdown
does not wait. With a ``rows`` function, what is put is turned into the statement's
parameters on the writer's thread too, so the answering thread only queues it.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.core.foreground import Foreground
from bot.core.throttled_log import ThrottledLog
from bot.storage.availability import failure_reason
from bot.storage.database import Database

log = logging.getLogger(__name__)

# Long enough that a busy server writes several questions per statement (at 25 questions a
# second, about five), short enough that gaps and figures are near live; clicks that need the
# row wait up to PENDING_ROW_WAIT_S for it, and reports flush first.
GATHER_S = 0.2
# At most this long waiting for a moment between answers: a server that is never idle still
# writes its log, in batches at most this much bigger.
YIELD_S = 0.5
MAX_ROWS_PER_STATEMENT = 500
MAX_PENDING_ROWS = 50_000
RETRY_PAUSES_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

_STOP = object()
_WRITTEN, _AWAY, _REFUSED = object(), object(), object()


class _Flush(threading.Event):
    written = False


class WriteBehind:
    def __init__(
        self,
        database: Database,
        statement: Executable,
        *,
        what: str = "log rows",
        gather_s: float = GATHER_S,
        max_pending: int = MAX_PENDING_ROWS,
        foreground: Foreground | None = None,
        yield_s: float = YIELD_S,
        rows: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        self._database = database
        self._statement = statement
        self._what = what
        self._gather_s = gather_s
        self._max_pending = max_pending
        self._foreground = foreground
        self._yield_s = yield_s
        self._rows = rows
        self._failures = ThrottledLog(log)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"write-{what}", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def put(self, row: Any) -> None:
        """Queue one row (the statement's parameters, or what ``rows`` turns into them) to be
        written soon."""
        if self._closed.is_set():
            # Shutting down: nobody will write it later, so write it now.
            values = self._values(row)
            if values is not None:
                self._write_now([values])
            return
        self._queue.put(row)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Write every row queued so far now. False if some could not be written (the
        database is away: they stay queued) or that took longer than ``timeout_s``."""
        request = _Flush()
        self._queue.put(request)
        return request.wait(timeout_s) and request.written

    def close(self, timeout_s: float = 10.0) -> None:
        """Write out what is queued and stop the thread. Safe to call more than once."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._queue.put(_STOP)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        pending: deque[dict[str, Any]] = deque()
        failures = 0
        retry_at = 0.0
        while True:
            wait = max(0.0, retry_at - time.monotonic()) if pending else None
            try:
                first = self._queue.get(timeout=wait)
            except queue.Empty:
                items: list[Any] = []
            else:
                if _is_row(first) and not failures:
                    # Let a few more questions share the statement (cut short by ``close``).
                    self._closed.wait(self._gather_s)
                items = [first, *self._drain()]
            flushes = [i for i in items if isinstance(i, _Flush)]
            stopping = any(i is _STOP for i in items)
            pending.extend(v for i in items if _is_row(i) and (v := self._values(i)) is not None)
            self._cap(pending)
            if pending and (flushes or stopping or time.monotonic() >= retry_at):
                if self._foreground is not None and not (flushes or stopping):
                    self._foreground.wait_until_idle(self._yield_s)
                if self._write_pending(pending):
                    failures = 0
                else:
                    failures += 1
                    retry_at = (
                        time.monotonic() + RETRY_PAUSES_S[min(failures, len(RETRY_PAUSES_S)) - 1]
                    )
            for request in flushes:
                request.written = not pending
                request.set()
            if stopping:
                if pending:
                    log.error(
                        "%d %s could not be written before shutdown and are lost",
                        len(pending),
                        self._what,
                    )
                return

    def _drain(self) -> list[Any]:
        items: list[Any] = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def _cap(self, pending: deque[dict[str, Any]]) -> None:
        excess = len(pending) - self._max_pending
        if excess > 0:
            for _ in range(excess):
                pending.popleft()
            log.error("the database has been away too long: %d %s were dropped", excess, self._what)

    def _write_pending(self, pending: deque[dict[str, Any]]) -> bool:
        """Write ``pending`` in statements of up to MAX_ROWS_PER_STATEMENT; True if all went.
        Rows are removed once written, or once they are found to be unwritable."""
        while pending:
            batch = [pending[i] for i in range(min(len(pending), MAX_ROWS_PER_STATEMENT))]
            written = self._write(batch)
            if written is _AWAY:
                return False
            if written is _REFUSED:
                # One row the database will not take must not cost the others theirs.
                for row in batch:
                    if self._write([row]) is _AWAY:
                        return False
                    pending.popleft()
                continue
            for _ in batch:
                pending.popleft()
        return True

    def _write(self, rows: list[dict[str, Any]]) -> object:
        """_WRITTEN, _AWAY (the database could not be reached: try again later) or _REFUSED
        (it, or the driver, would not take these rows; a single such row is dropped)."""
        try:
            self._database.execute_atomic(self._statement, rows)
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_connection_error(exc):
                self._failures.warning(
                    "away",
                    "could not write %d %s (%s); will try again",
                    len(rows),
                    self._what,
                    failure_reason(exc),
                )
                return _AWAY
            problem: Exception = exc
        except Exception as exc:  # e.g. text the driver cannot encode
            problem = exc
        else:
            return _WRITTEN
        if len(rows) == 1:
            self._failures.error(
                "refused",
                "one of the %s could not be written and is dropped (%s)",
                self._what,
                failure_reason(problem),
            )
        return _REFUSED

    def _values(self, row: Any) -> dict[str, Any] | None:
        """The statement's parameters for one queued row; None (and an error in the log) if
        they cannot be made, so one bad row never stops the writer."""
        if self._rows is None:
            values: dict[str, Any] = row
            return values
        try:
            return self._rows(row)
        except Exception as exc:
            self._failures.error(
                "prepare",
                "could not prepare one of the %s; it is lost (%s)",
                self._what,
                exc.__class__.__name__,
            )
            return None

    def _write_now(self, rows: list[dict[str, Any]]) -> None:
        if self._write(rows) is _REFUSED and len(rows) > 1:
            for row in rows:
                self._write([row])


def _is_row(item: Any) -> bool:
    return item is not _STOP and not isinstance(item, _Flush)


def _is_connection_error(exc: DBAPIError) -> bool:
    """The server could not be reached (as opposed to a row it refused)."""
    return isinstance(exc, OperationalError | InterfaceError)
