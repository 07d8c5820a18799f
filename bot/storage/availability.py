"""Keep answering while the log's database is away: bounded waits, a retry in the background,
and one clear line when it goes and when it comes back.

A database call on the answering path (logging a question, reserving ids, the health check)
goes through ``Availability.call``. It runs on a short-lived worker thread and is waited for
at most the budget (``COMPACT_DB_BUDGET_MS``), whatever the database does: refuses, hangs,
or holds a lock. A call that is not waited for carries on by itself and its row may still
land. While the database is known to be away, calls fail at once without touching it.

Away means: it could not be reached, it refused a connection, it is read-only or locked, or
``MAX_WAITING`` calls are still waiting for it. Then a background thread tries it again, with
growing pauses, and runs any pending migrations before questions are logged again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError

from bot.core.throttled_log import ThrottledLog
from bot.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_PAUSES_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
# Calls still running after their caller stopped waiting, beyond which the database counts
# as away: a hung server must not gather a thread per question.
MAX_STUCK = 4
# Once the database answers, how long start-up waits for its migrations.
MIGRATION_WAIT_S = 60.0
HEALTH_CHECK_S = 0.8  # /healthz answers within a second whatever the database does


def failure_reason(exc: BaseException) -> str:
    """The first line of the driver's own message: what went wrong, without the SQL statement
    or its parameters (which SQLAlchemy appends, and which hold people's questions)."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_outage(exc: BaseException) -> bool:
    """The database could not be reached or used at all, as opposed to refusing one row."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | TimeoutError | OSError)


class _Outcome:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.abandoned = False
        self.value: Any = None
        self.error: BaseException | None = None


class Availability:
    def __init__(
        self,
        *,
        name: str,
        budget_s: float,
        reach: Callable[[], None],
        prepare: Callable[[], None],
        retry_pauses_s: tuple[float, ...] = RETRY_PAUSES_S,
    ) -> None:
        """``reach`` raises unless the database can be written now; ``prepare`` brings its
        tables up to date. Call ``start`` to make the first connection."""
        self.name = name
        self.budget_s = budget_s
        self._reach = reach
        self._prepare = prepare
        self._retry_pauses_s = retry_pauses_s
        self._up = threading.Event()
        self._reached = threading.Event()
        self._attempted = threading.Event()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._stuck = 0
        self._probing = False
        self._announced_down = False
        self._reason = "not connected yet"
        self._log = ThrottledLog(log)

    @property
    def up(self) -> bool:
        return self._up.is_set()

    def start(self) -> bool:
        """Connect (and migrate) in the background; wait up to the budget for the database to
        answer and then for its migrations. True if it is ready; if not, say so once."""
        self._probe_in_background()
        self._attempted.wait(self.budget_s)
        if self._reached.is_set():
            self._attempted.wait(MIGRATION_WAIT_S)
        if not self.up:
            if not self._attempted.is_set():
                self._reason = f"no answer within {self.budget_s * 1000:.0f} ms"
            self._announce_down()
        return self.up

    def call(self, work: Callable[[], T], *, what: str, budget_s: float | None = None) -> T:
        """``work()``, waited for at most ``budget_s`` (default: the budget). Raises
        DatabaseUnavailable, at once while the database is away, or when the wait runs out
        (``work`` then finishes by itself). Other errors from ``work`` are raised as they are."""
        if not self.up:
            raise DatabaseUnavailable(f"{what}: the database is unavailable ({self._reason})")
        if self._stuck >= MAX_STUCK:
            self.lost(f"{self._stuck} calls have waited for it past the budget")
            raise DatabaseUnavailable(f"{what}: the database is not answering")
        outcome = _Outcome()
        worker = threading.Thread(
            target=self._run, args=(work, outcome), name=f"db-{what}", daemon=True
        )
        worker.start()
        budget = self.budget_s if budget_s is None else budget_s
        if not outcome.done.wait(budget) and self._abandon(outcome):
            self._log.warning(
                "slow",
                "The database did not answer within %.0f ms (%s); carrying on",
                budget * 1000,
                what,
            )
            raise DatabaseUnavailable(f"{what}: no answer within {budget * 1000:.0f} ms")
        if outcome.error is not None:
            if is_outage(outcome.error):
                raise DatabaseUnavailable(
                    f"{what}: {failure_reason(outcome.error)}"
                ) from outcome.error
            raise outcome.error
        result: T = outcome.value
        return result

    def health(self, check: Callable[[], None]) -> str:
        """'ok' or 'unavailable', within HEALTH_CHECK_S whatever the database does."""
        try:
            self.call(check, what="health check", budget_s=min(self.budget_s, HEALTH_CHECK_S))
        except DatabaseUnavailable:
            return "unavailable"
        return "ok"

    def lost(self, reason: str) -> None:
        """The database failed: stop sending it calls, say so once, and retry it."""
        self._reason = reason
        if self._up.is_set():
            self._up.clear()
            self._announce_down()
        self._probe_in_background()

    def refuse(self, reason: str) -> None:
        """The database can never be used as configured (its URL is wrong; the caller has said
        so): every call fails at once with ``reason``, and nothing is retried or said again."""
        self._reason = reason
        self._announced_down = True
        self._closed.set()

    def close(self) -> None:
        self._closed.set()

    def _abandon(self, outcome: _Outcome) -> bool:
        """Stop waiting for a call, unless it has just finished; True if abandoned."""
        with self._lock:
            if outcome.done.is_set():
                return False
            outcome.abandoned = True
            self._stuck += 1
            return True

    def _run(self, work: Callable[[], Any], outcome: _Outcome) -> None:
        try:
            outcome.value = work()
        except BaseException as exc:
            outcome.error = exc
            if is_outage(exc):
                self.lost(failure_reason(exc))
        finally:
            with self._lock:
                outcome.done.set()
                if outcome.abandoned:
                    self._stuck -= 1

    def _probe_in_background(self) -> None:
        with self._lock:
            if self._probing or self._closed.is_set():
                return
            self._probing = True
        threading.Thread(target=self._probe, name="db-reconnect", daemon=True).start()

    def _probe(self) -> None:
        attempt = 0
        while not self._closed.is_set():
            try:
                self._reach()
                if self._stuck >= MAX_STUCK:  # it answers us, but not the calls it holds
                    raise DatabaseUnavailable(f"{self._stuck} calls are still waiting for it")
                self._reached.set()
                self._prepare()
            except Exception as exc:
                self._reason = failure_reason(exc)
                self._attempted.set()
            else:
                with self._lock:
                    self._probing = False
                self._back()
                self._attempted.set()
                return
            pause = self._retry_pauses_s[min(attempt, len(self._retry_pauses_s) - 1)]
            attempt += 1
            if self._closed.wait(pause):
                break
        with self._lock:
            self._probing = False

    def _back(self) -> None:
        self._up.set()
        if self._announced_down:
            self._announced_down = False
            log.warning("The database %s is back; questions are being logged again.", self.name)

    def _announce_down(self) -> None:
        if self._announced_down:
            return
        self._announced_down = self._log.warning(
            "down",
            "The database %s is unavailable (%s). Answering anyway, but questions are not "
            "being logged; trying it again in the background.",
            self.name,
            self._reason,
        )
