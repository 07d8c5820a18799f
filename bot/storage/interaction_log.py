"""Write every question and every piece of feedback to the log, redacted and pseudonymised."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.foreground import Foreground
from bot.core.question import Context
from bot.core.recording import FeedbackKind
from bot.core.replies import Reply
from bot.errors import DatabaseError, UnknownInteractionError
from bot.storage.availability import failure_reason
from bot.storage.database import Database
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.redaction import storable
from bot.storage.tables import FeedbackRow, InteractionRow
from bot.storage.write_behind import WriteBehind

ID_BLOCK_SIZE = 1000
ID_REFILL_AT = 200
PENDING_ROW_WAIT_S = 2.0

_INSERT_INTERACTION = insert(InteractionRow).returning(InteractionRow.id)
# Rows written behind have ids reserved from the sequence; skipping one that is already there
# makes a retried batch harmless.
_INSERT_RESERVED = postgresql.insert(InteractionRow).on_conflict_do_nothing(index_elements=["id"])


@dataclass(frozen=True, slots=True)
class LoggedInteraction:
    id: int
    asked_at: datetime
    channel: str
    user_hash: str
    question: str
    outcome: str
    entry_id: str | None
    confidence: float
    candidates: tuple[dict[str, Any], ...]
    latency_ms: float


@dataclass(frozen=True, slots=True)
class LoggedFeedback:
    interaction_id: int
    kind: FeedbackKind
    entry_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _Queued:
    """A reply waiting for the writer thread to log it under its reserved id."""

    reply: Reply
    latency_ms: float
    interaction_id: int
    asked_at: datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


class InteractionLog:
    def __init__(
        self,
        database: Database,
        *,
        pseudonymiser: Pseudonymiser,
        clock: Callable[[], datetime] = utc_now,
        pending_row_wait_s: float = PENDING_ROW_WAIT_S,
        write_behind: bool = False,
        foreground: Foreground | None = None,
    ) -> None:
        """With ``write_behind`` (for chat servers, on PostgreSQL), rows whose id was reserved
        are written on a background thread, several to a statement, between the answers that
        ``foreground`` marks busy (see ``WriteBehind``); ``flush`` writes them out now."""
        self.database = database
        self.pending_row_wait_s = pending_row_wait_s
        self.pseudonymiser = pseudonymiser
        self._clock = clock
        self._reserved: deque[int] = deque()
        self._reserve_lock = threading.Lock()
        self._writer = (
            WriteBehind(
                database,
                _INSERT_RESERVED,
                what="interaction rows",
                foreground=foreground,
                rows=self._queued_values,
            )
            if write_behind and database.dialect == "postgresql"
            else None
        )

    def flush(self) -> bool:
        """Write any rows still queued (``write_behind``); False if some could not be."""
        return self._writer.flush() if self._writer is not None else True

    def close(self) -> None:
        """Write out queued rows and stop the writer thread (also done at exit)."""
        if self._writer is not None:
            self._writer.close()

    def reserve_id(self) -> int | None:
        """On PostgreSQL, the next id from the table's own sequence, fetched in blocks so that
        most calls make no round trip; ids stay unique across processes. The next block is
        fetched in the background before this one runs out, so no reply waits for it. SQLite
        has no sequences, so there the row is written before the reply instead (None)."""
        if self.database.dialect != "postgresql":
            return None
        with self._reserve_lock:
            if not self._reserved:
                self._reserved.extend(self._fetch_id_block())
            elif len(self._reserved) == ID_REFILL_AT:
                threading.Thread(target=self._refill, name="reserve-ids", daemon=True).start()
            return self._reserved.popleft()

    def _refill(self) -> None:
        try:
            block = self._fetch_id_block()
        except DatabaseError:
            return  # the next reserve_id fetches synchronously, and reports any failure
        with self._reserve_lock:
            self._reserved.extend(block)

    def _fetch_id_block(self) -> list[int]:
        query = text(
            "SELECT nextval(pg_get_serial_sequence('interactions', 'id')) "
            "FROM generate_series(1, :size)"
        )

        def fetch() -> list[int]:
            with self.database.engine.begin() as connection:
                return [
                    int(i) for i in connection.execute(query, {"size": ID_BLOCK_SIZE}).scalars()
                ]

        try:
            return self.database.bounded(fetch, what="reserve interaction ids")
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"Could not reserve interaction ids: {failure_reason(exc)}"
            ) from exc

    def record(self, reply: Reply, *, latency_ms: float, interaction_id: int | None = None) -> int:
        if interaction_id is not None and self._writer is not None:
            # Hashing and redacting happen on the writer's thread, off the answer's path.
            self._writer.put(_Queued(reply, latency_ms, interaction_id, self._clock()))
            return interaction_id
        values = self._values(reply, latency_ms, self._clock())
        if interaction_id is not None:
            values["id"] = interaction_id
        # A single insert, one round trip, no ORM unit of work: it runs on every question.
        # The answer waits for it at most the database budget (``Database.bounded``).
        try:
            [(new_id,)] = self.database.bounded(
                lambda: self.database.execute_atomic(_INSERT_INTERACTION, values),
                what="log the question",
            )
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"The interaction log could not be written: {failure_reason(exc)}"
            ) from exc
        return int(new_id)

    def _queued_values(self, queued: _Queued) -> dict[str, Any]:
        return {
            **self._values(queued.reply, queued.latency_ms, queued.asked_at),
            "id": queued.interaction_id,
        }

    def _values(self, reply: Reply, latency_ms: float, asked_at: datetime) -> dict[str, Any]:
        context = reply.question.context
        return {
            "asked_at": asked_at,
            "channel": str(context.channel),
            "user_hash": self.pseudonymiser.user(context),
            "conversation_hash": self.pseudonymiser.conversation(context),
            "question": storable(reply.question.text),
            "outcome": str(reply.outcome),
            "entry_id": getattr(getattr(reply, "entry", None), "id", None),
            "confidence": round(float(reply.confidence), 4),
            "candidates": [
                {"entry_id": c.entry.id, "score": round(c.score, 4)} for c in reply.candidates
            ],
            "latency_ms": round(latency_ms, 3),
        }

    def record_feedback(
        self,
        interaction_id: int,
        kind: FeedbackKind,
        *,
        entry_id: str | None = None,
        context: Context | None = None,
    ) -> None:
        row = FeedbackRow(
            interaction_id=interaction_id,
            kind=str(kind),
            entry_id=entry_id,
            user_hash=self.pseudonymiser.user(context) if context else None,
            created_at=self._clock(),
        )

        def write() -> None:
            self._wait_for_row(interaction_id)
            with self._write() as session:
                session.add(row)

        budget = self.database.availability.budget_s if self.database.availability else 0
        self.database.bounded(
            write, what="record feedback", budget_s=self.pending_row_wait_s + budget
        )

    def _wait_for_row(self, interaction_id: int) -> None:
        if not wait_for_interaction(self.database, interaction_id, self.pending_row_wait_s):
            raise UnknownInteractionError(
                f"No interaction {interaction_id} in the log; feedback was not recorded."
            )

    def get(self, interaction_id: int) -> LoggedInteraction | None:
        with self.database.session() as session:
            row = session.get(InteractionRow, interaction_id)
            return _logged(row) if row else None

    def recent(self, limit: int = 50) -> list[LoggedInteraction]:
        # Newest first by time: ids are handed out in blocks per process, so they are unique
        # but not in the order questions were asked.
        query = (
            select(InteractionRow)
            .order_by(InteractionRow.asked_at.desc(), InteractionRow.id.desc())
            .limit(limit)
        )
        with self.database.session() as session:
            return [_logged(row) for row in session.scalars(query)]

    def feedback_for(self, interaction_id: int) -> list[LoggedFeedback]:
        query = (
            select(FeedbackRow)
            .where(FeedbackRow.interaction_id == interaction_id)
            .order_by(FeedbackRow.id)
        )
        with self.database.session() as session:
            return [
                LoggedFeedback(r.interaction_id, FeedbackKind(r.kind), r.entry_id, r.created_at)
                for r in session.scalars(query)
            ]

    @contextmanager
    def _write(self) -> Iterator[Session]:
        try:
            with self.database.session() as session:
                yield session
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"The interaction log could not be written: {failure_reason(exc)}"
            ) from exc


def wait_for_interaction(
    database: Database, interaction_id: int, timeout_s: float = PENDING_ROW_WAIT_S
) -> bool:
    """Chat replies go out just before their row is written (see ``reserve_id``), so anything
    a click on the reply records against it (feedback, a question for the Champions) waits
    briefly for the row rather than failing. False if it never appears."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with database.session() as session:
                if session.get(InteractionRow, interaction_id) is not None:
                    return True
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"The interaction log could not be read: {failure_reason(exc)}"
            ) from exc
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _logged(row: InteractionRow) -> LoggedInteraction:
    return LoggedInteraction(
        id=row.id,
        asked_at=row.asked_at,
        channel=row.channel,
        user_hash=row.user_hash,
        question=row.question,
        outcome=row.outcome,
        entry_id=row.entry_id,
        confidence=row.confidence,
        candidates=tuple(row.candidates),
        latency_ms=row.latency_ms,
    )
