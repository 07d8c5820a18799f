"""One statement kept ready to send at once, on PostgreSQL: a few connections are held with
it prepared, so that sending it never connects or prepares first, and so never waits for the
server. A request thread can then send it inline, without handing it to another thread (which,
under the interpreter lock, would mostly run only once the request thread waits).

Connections are made ready on a worker (``bot.storage.deferred``), where connecting may take
as long as it takes. When none is ready, ``send`` says so (None) and the caller goes the
slower way. A connection goes back to the ready set once its result has been read; one that
failed, or whose result was never read, is thrown away.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

from bot.errors import DatabaseError
from bot.storage import in_flight
from bot.storage.database import Database
from bot.storage.deferred import Deferred

log = logging.getLogger(__name__)

KEEP = 2


class ReadyStatement:
    def __init__(
        self, database: Database, sql: str, *, name: str, timeout_s: float, keep: int = KEEP
    ) -> None:
        self._database = database
        self._sql = sql
        self._name = name
        self._timeout_s = timeout_s
        self._keep = keep
        self._ready: deque[Any] = deque()
        self._filling = False
        self._lock = threading.Lock()

    def send(self, parameters: Sequence[str | None]) -> in_flight.InFlight | None:
        """The statement sent on a ready connection; None if none is ready (one is being
        made) or sending failed."""
        try:
            pooled = self._ready.pop()
        except IndexError:
            self._fill_soon()
            return None
        try:
            return in_flight.send_prepared(
                pooled, self._name, self._sql, parameters, give_back=self._give_back
            )
        except DatabaseError:
            self._fill_soon()
            return None

    def close(self) -> None:
        while self._ready:
            self._ready.pop().invalidate()

    def _give_back(self, pooled: Any) -> None:
        if len(self._ready) < self._keep and in_flight.is_prepared(pooled, self._name):
            self._ready.append(pooled)
        else:
            pooled.close()

    def _fill_soon(self) -> None:
        with self._lock:
            if self._filling:
                return
            self._filling = True
        try:
            Deferred.start(self._fill)
        except DatabaseError:  # the database is not answering: try again on the next send
            with self._lock:
                self._filling = False

    def _fill(self) -> None:
        try:
            while len(self._ready) < self._keep:
                pooled = self._database.autocommit.raw_connection()
                try:
                    in_flight.prepare(pooled, self._name, self._sql, self._timeout_s)
                except Exception:
                    pooled.invalidate()
                    raise
                self._ready.append(pooled)
        except Exception as exc:
            log.debug("could not make a connection ready for %s: %s", self._name, exc)
        finally:
            with self._lock:
                self._filling = False
