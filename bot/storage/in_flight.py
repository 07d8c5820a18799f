"""Send a statement to PostgreSQL now and read its result later, on any thread.

A chat reply that must wait for a database write (the Slack adapter's "this delivery is ours"
row) need not wait for the whole round trip: the statement goes out as soon as the request is
known to be genuine, the work that does not depend on it (matching the question) runs while
the server handles it, and the result is read only when it is needed. This uses libpq's
asynchronous command interface through psycopg's public ``pq`` module, on a connection taken
from the database's own pool, so connection settings, limits and recycling stay in one place.

A statement sent often can be ``prepared``: PostgreSQL then parses and plans it once per
connection instead of on every send, which saves it more time than the statement takes to run.
"""

from __future__ import annotations

import logging
import select
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.errors import DatabaseError
from bot.storage.database import Database

log = logging.getLogger(__name__)

RESULT_TIMEOUT_S = 10.0
# The statements prepared on a connection, in its pool record's ``info`` (which SQLAlchemy
# empties when the connection is closed or thrown away, as the server forgets them too).
_PREPARED_KEY = "compact_prepared_statements"


class InFlight:
    """One statement sent and not yet read. ``rows`` must be called exactly once: it gives the
    connection back to the pool."""

    def __init__(
        self,
        pooled: Any,
        sql: str,
        prepared: str | None = None,
        give_back: Callable[[Any], None] | None = None,
    ) -> None:
        self._pooled = pooled  # SQLAlchemy's pooled connection, checked out until ``rows``
        self._sql = sql
        self._prepared = prepared
        # Where a healthy connection goes once read: the pool, unless its owner keeps it.
        self._give_back = give_back or _to_the_pool

    def rows(self, timeout_s: float = RESULT_TIMEOUT_S) -> list[tuple[bytes | None, ...]]:
        """The statement's rows (as text), waiting for them if need be. Raises
        DatabaseError if it failed or took longer than ``timeout_s``."""
        import psycopg
        from psycopg import pq

        pooled, self._pooled = self._pooled, None
        if pooled is None:
            raise RuntimeError("InFlight.rows() was already called")
        pgconn = _pgconn(pooled)
        healthy = False
        try:
            try:
                result = _read_result(pgconn, timeout_s)
            except psycopg.Error as exc:  # the server went away mid-statement
                raise DatabaseError(f"Lost the database connection: {exc}") from exc
            if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
                message = (result.error_message or b"").decode(errors="replace").strip()
                healthy = pgconn.status == pq.ConnStatus.OK
                if self._prepared is not None:  # it may be gone (DEALLOCATE): prepare anew
                    _prepared_on(pooled).discard(self._prepared)
                raise DatabaseError(f"The database refused '{self._sql}': {message}")
            healthy = True
            return [
                tuple(result.get_value(row, col) for col in range(result.nfields))
                for row in range(result.ntuples)
            ]
        finally:
            if healthy:
                self._give_back(pooled)
            else:
                pooled.invalidate()  # broken or mid-statement: never reuse it

    def abandon(self) -> None:
        """Give the connection up without reading the result: it is closed, not reused, as
        the statement may still be running on it."""
        pooled, self._pooled = self._pooled, None
        if pooled is not None:
            pooled.invalidate()


def send(
    database: Database,
    sql: str,
    parameters: Sequence[str | None],
    *,
    prepared: str | None = None,
    timeout_s: float = RESULT_TIMEOUT_S,
) -> InFlight:
    """Send ``sql`` (with ``$1``, ``$2``... placeholders; text parameters) on an autocommit
    connection and return at once; with a ``prepared`` name, as that prepared statement
    (prepared first, the first time on each connection). PostgreSQL only. Raises
    DatabaseError if it could not be sent, or preparing took longer than ``timeout_s``."""
    try:
        pooled = database.autocommit.raw_connection()
    except Exception as exc:  # the pool passes the driver's own errors through unwrapped
        raise DatabaseError(f"No database connection: {exc.__class__.__name__}: {exc}") from exc
    pgconn = _pgconn(pooled)
    values = [None if p is None else p.encode() for p in parameters]
    try:
        if prepared is None:
            pgconn.send_query_params(sql.encode(), values)
        else:
            _prepare_once(pooled, prepared, sql, timeout_s)
            pgconn.send_query_prepared(prepared.encode(), values)
    except _Refused as exc:
        pooled.close()  # the connection is fine; the statement is not
        raise DatabaseError(str(exc)) from exc
    except Exception as exc:
        pooled.invalidate()
        raise DatabaseError(f"Could not send '{sql}': {exc}") from exc
    return InFlight(pooled, sql, prepared)


def _to_the_pool(pooled: Any) -> None:
    pooled.close()


class _Refused(Exception):
    """PostgreSQL would not prepare a statement."""


def prepare(pooled: Any, name: str, sql: str, timeout_s: float) -> None:
    """Prepare ``sql`` as ``name`` on a connection from ``Database.autocommit`` (once)."""
    try:
        _prepare_once(pooled, name, sql, timeout_s)
    except _Refused as exc:
        raise DatabaseError(str(exc)) from exc


def send_prepared(
    pooled: Any,
    name: str,
    sql: str,
    parameters: Sequence[str | None],
    *,
    give_back: Callable[[Any], None],
) -> InFlight:
    """Send the statement prepared as ``name`` on ``pooled``: no round trip, so it never
    waits for the server. Raises DatabaseError (the connection is then thrown away)."""
    values = [None if p is None else p.encode() for p in parameters]
    try:
        _pgconn(pooled).send_query_prepared(name.encode(), values)
    except Exception as exc:
        pooled.invalidate()
        raise DatabaseError(f"Could not send '{sql}': {exc}") from exc
    return InFlight(pooled, sql, name, give_back)


def is_prepared(pooled: Any, name: str) -> bool:
    return name in _prepared_on(pooled)


def _prepared_on(pooled: Any) -> set[str]:
    names: set[str] = pooled.info.setdefault(_PREPARED_KEY, set())
    return names


def _prepare_once(pooled: Any, name: str, sql: str, timeout_s: float) -> None:
    """Prepare ``sql`` as ``name`` on this connection unless it already is (one round trip,
    the first time only)."""
    from psycopg import pq

    names = _prepared_on(pooled)
    if name in names:
        return
    pgconn = _pgconn(pooled)
    pgconn.send_prepare(name.encode(), sql.encode())
    result = _read_result(pgconn, timeout_s)
    if result.status != pq.ExecStatus.COMMAND_OK:
        message = (result.error_message or b"").decode(errors="replace").strip()
        raise _Refused(f"The database refused to prepare '{sql}': {message}")
    names.add(name)


def _pgconn(pooled: Any) -> Any:
    """libpq's connection under SQLAlchemy's pooled psycopg connection."""
    return pooled.driver_connection.pgconn


def _read_result(pgconn: Any, timeout_s: float) -> Any:
    """Wait (without holding the GIL) for the one result of the statement sent on
    ``pgconn``, and read up to the end of it so the connection is ready for the next."""
    from psycopg import pq

    deadline = time.monotonic() + timeout_s
    result = None
    while True:
        pgconn.consume_input()
        while not pgconn.is_busy():
            next_result = pgconn.get_result()
            if next_result is None:
                if result is None:
                    raise DatabaseError("The database sent no result")
                return result
            if result is None or result.status != pq.ExecStatus.FATAL_ERROR:
                result = next_result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DatabaseError(f"No answer from the database within {timeout_s * 1000:.0f} ms")
        readable, _, _ = select.select([pgconn.socket], [], [], remaining)
        if not readable:
            raise DatabaseError(f"No answer from the database within {timeout_s * 1000:.0f} ms")
