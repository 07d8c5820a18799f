"""Write every question and every piece of feedback to the log, redacted and pseudonymised."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.question import Context
from bot.core.recording import FeedbackKind
from bot.core.replies import Reply
from bot.errors import DatabaseError, UnknownInteractionError
from bot.storage.database import Database
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.redaction import redact
from bot.storage.tables import FeedbackRow, InteractionRow

MAX_STORED_CHARS = 2000


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


def utc_now() -> datetime:
    return datetime.now(UTC)


class InteractionLog:
    def __init__(
        self,
        database: Database,
        *,
        pseudonymiser: Pseudonymiser,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.pseudonymiser = pseudonymiser
        self._clock = clock

    def record(self, reply: Reply, *, latency_ms: float) -> int:
        context = reply.question.context
        row = InteractionRow(
            asked_at=self._clock(),
            channel=str(context.channel),
            user_hash=self.pseudonymiser.user(context),
            conversation_hash=self.pseudonymiser.conversation(context),
            question=redact(reply.question.text)[:MAX_STORED_CHARS],
            outcome=str(reply.outcome),
            entry_id=getattr(getattr(reply, "entry", None), "id", None),
            confidence=round(float(reply.confidence), 4),
            candidates=[
                {"entry_id": c.entry.id, "score": round(c.score, 4)} for c in reply.candidates
            ],
            latency_ms=round(latency_ms, 3),
        )
        with self._write() as session:
            session.add(row)
            session.flush()
            return row.id

    def record_feedback(
        self,
        interaction_id: int,
        kind: FeedbackKind,
        *,
        entry_id: str | None = None,
        context: Context | None = None,
    ) -> None:
        with self._write() as session:
            if session.get(InteractionRow, interaction_id) is None:
                raise UnknownInteractionError(
                    f"No interaction {interaction_id} in the log; feedback was not recorded."
                )
            session.add(
                FeedbackRow(
                    interaction_id=interaction_id,
                    kind=str(kind),
                    entry_id=entry_id,
                    user_hash=self.pseudonymiser.user(context) if context else None,
                    created_at=self._clock(),
                )
            )

    def get(self, interaction_id: int) -> LoggedInteraction | None:
        with self.database.session() as session:
            row = session.get(InteractionRow, interaction_id)
            return _logged(row) if row else None

    def recent(self, limit: int = 50) -> list[LoggedInteraction]:
        query = select(InteractionRow).order_by(InteractionRow.id.desc()).limit(limit)
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
                f"The interaction log could not be written: {exc.__class__.__name__}: {exc}"
            ) from exc


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
