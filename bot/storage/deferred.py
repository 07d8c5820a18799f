"""Database work started now on a worker thread and waited for later, for at most a budget.

A chat platform's request must be acknowledged at once, whatever the database does, and the
reply must not wait long for it either. So work the reply needs from the database (the claim
that answers a delivery once, the workspace's installation) starts on a worker as soon as it
is known, and the caller waits for its result only when it needs it, for at most
``COMPACT_DB_BUDGET_MS``. Work that is not waited for finishes by itself, and whatever it
holds (a connection) is released then. A hung database must not gather a stuck worker per
request: past ``MAX_STUCK`` abandoned calls still running, or with every worker taken while
one of them hangs, new work is refused at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Generic, TypeVar

from bot.errors import DatabaseError
from bot.storage.availability import failure_reason

log = logging.getLogger(__name__)

T = TypeVar("T")

WORKERS = 8
MAX_STUCK = 4
_POLL_S = 0.05  # how often a wait checks whether it can ever be answered


class _Workers:
    """A few daemon threads (a hung call must never keep the process from exiting)."""

    def __init__(self, count: int) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]] = (
            queue.SimpleQueue()
        )
        self._count = count
        self._started = False
        self._lock = threading.Lock()
        self.stuck = 0  # abandoned by their callers, still running
        self.taken = 0  # queued or running

    @property
    def saturated(self) -> bool:
        """Every worker is taken: new work would only queue behind calls that hang."""
        return self.taken >= self._count

    def submit(self, work: Callable[[], T]) -> Future[T]:
        if not self._started:
            self._start()
        future: Future[T] = Future()
        with self._lock:
            self.taken += 1
        self._jobs.put((work, future))  # type: ignore[arg-type]
        return future

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for number in range(self._count):
                threading.Thread(
                    target=self._run, name=f"db-deferred-{number}", daemon=True
                ).start()
            self._started = True

    def _run(self) -> None:
        while True:
            work, future = self._jobs.get()
            try:
                if not future.set_running_or_notify_cancel():
                    continue  # its caller stopped waiting before it started
                try:
                    future.set_result(work())
                except BaseException as exc:
                    future.set_exception(exc)
            finally:
                with self._lock:
                    self.taken -= 1


_WORKERS = _Workers(WORKERS)


class Deferred(Generic[T]):
    def __init__(self, future: Future[T], release: Callable[[T], None] | None) -> None:
        self._future = future
        self._release = release

    @classmethod
    def start(
        cls, work: Callable[[], T], *, release: Callable[[T], None] | None = None
    ) -> Deferred[T]:
        """Start ``work`` now. ``release`` frees what its result holds, if nobody reads it.
        Raises DatabaseError at once when too many earlier calls are stuck."""
        # A healthy burst may queue briefly; behind calls that hang, nothing should.
        if _WORKERS.stuck >= MAX_STUCK or (_WORKERS.saturated and _WORKERS.stuck):
            raise DatabaseError(
                f"The database is not answering: {_WORKERS.taken} calls are still waiting for it"
            )
        return cls(_WORKERS.submit(work), release)

    @classmethod
    def done(cls, value: T, *, release: Callable[[T], None] | None = None) -> Deferred[T]:
        """Work already done (inline): its result, for code that also takes deferred work."""
        future: Future[T] = Future()
        future.set_result(value)
        return cls(future, release)

    @classmethod
    def run(cls, work: Callable[[], T], timeout_s: float) -> T:
        """``work()``, waited for at most ``timeout_s``."""
        return cls.start(work).result(timeout_s)

    def result(self, timeout_s: float) -> T:
        """The work's result, waiting at most ``timeout_s``; raises DatabaseError if it takes
        longer (it is then abandoned) or failed."""
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    return self._future.result(timeout=max(0.0, min(remaining, _POLL_S)))
                except FutureTimeout:
                    if remaining <= _POLL_S or self._behind_hung_calls():
                        self.abandon()
                        raise DatabaseError(
                            f"No answer from the database within {timeout_s * 1000:.0f} ms"
                        ) from None
        except DatabaseError:
            raise
        except Exception as exc:
            raise DatabaseError(f"{type(exc).__name__}: {failure_reason(exc)}") from exc

    def _behind_hung_calls(self) -> bool:
        """Still queued behind workers that all wait on calls abandoned as hung: it would
        only start once they fail, too late."""
        return not self._future.running() and _WORKERS.saturated and _WORKERS.stuck > 0

    def abandon(self) -> None:
        """Stop waiting: the work is skipped if it has not started, else its result is
        released when it finishes."""
        if self._future.cancel():
            return
        with _WORKERS._lock:
            _WORKERS.stuck += 1
        self._future.add_done_callback(self._finished)

    def _finished(self, future: Future[T]) -> None:
        with _WORKERS._lock:
            _WORKERS.stuck -= 1
        if self._release is None or future.exception() is not None:
            return
        try:
            self._release(future.result())
        except Exception:
            log.warning("could not release an abandoned database call's result", exc_info=True)
