"""Learning from traffic: wordings that real people used for an entry, suggested as alternates.

Two signals: a person picked an entry from a did-you-mean (the wording they typed suggests
that entry), or a person asked again in other words until an entry answered (their earlier
wordings suggest that entry). A reviewer accepts or rejects each suggestion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import ReviewActionError
from bot.review.knowledge_edit import add_alternates
from bot.review.signature import signature
from bot.storage.database import Database, retry_on_conflict
from bot.storage.interaction_log import utc_now
from bot.storage.tables import FeedbackRow, InteractionRow, SuggestionRow, SuggestionSourceRow

REPHRASE_WINDOW = timedelta(minutes=10)


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    entry_id: str
    wording: str
    count: int
    status: SuggestionStatus
    last_seen: datetime


class SuggestionService:
    def __init__(
        self,
        *,
        database: Database,
        knowledge: KnowledgeStore,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self._clock = clock

    def refresh(self) -> int:
        """Record new suggestions from the log. Returns how many interactions contributed."""
        return retry_on_conflict(self._refresh)

    def _refresh(self) -> int:
        with self.database.session() as session:
            used = set(session.scalars(select(SuggestionSourceRow.interaction_id)))
            found = [
                c for c in (*self._chosen(session), *self._rephrased(session)) if c[0] not in used
            ]
            seen: set[int] = set()
            for interaction_id, entry_id, wording, when in found:
                if interaction_id in seen or not signature(wording):
                    continue
                seen.add(interaction_id)
                row = self._upsert(session, entry_id, wording, when)
                session.add(
                    SuggestionSourceRow(interaction_id=interaction_id, suggestion_id=row.id)
                )
            return len(seen)

    @staticmethod
    def _chosen(session: Session) -> list[tuple[int, str, str, datetime]]:
        rows = session.execute(
            select(
                InteractionRow.id,
                FeedbackRow.entry_id,
                InteractionRow.question,
                InteractionRow.asked_at,
            )
            .join(FeedbackRow, FeedbackRow.interaction_id == InteractionRow.id)
            .where(FeedbackRow.kind == "chose", FeedbackRow.entry_id.is_not(None))
        )
        return [(i, str(e), q, t) for i, e, q, t in rows]

    @staticmethod
    def _rephrased(session: Session) -> list[tuple[int, str, str, datetime]]:
        rows = session.execute(
            select(
                InteractionRow.id,
                InteractionRow.user_hash,
                InteractionRow.conversation_hash,
                InteractionRow.asked_at,
                InteractionRow.outcome,
                InteractionRow.entry_id,
                InteractionRow.question,
            )
            .where(InteractionRow.outcome.in_(("no_match", "clarify", "answer")))
            .order_by(
                InteractionRow.user_hash,
                InteractionRow.conversation_hash,
                InteractionRow.asked_at,
                InteractionRow.id,
            )
        )
        found: list[tuple[int, str, str, datetime]] = []
        tries: list[tuple[int, str, datetime]] = []
        previous: tuple[str, str | None, datetime] | None = None
        for row_id, user, conversation, asked_at, outcome, entry_id, question in rows:
            same_thread = (
                previous is not None
                and previous[:2] == (user, conversation)
                and asked_at - previous[2] <= REPHRASE_WINDOW
            )
            if not same_thread:
                tries = []
            if outcome == "answer" and entry_id:
                found += [(i, entry_id, q, t) for i, q, t in tries]
                tries = []
            else:
                tries.append((row_id, question, asked_at))
            previous = (user, conversation, asked_at)
        return found

    def _upsert(
        self, session: Session, entry_id: str, wording: str, when: datetime
    ) -> SuggestionRow:
        key = signature(wording)[:500]
        row = session.scalars(
            select(SuggestionRow).where(
                SuggestionRow.entry_id == entry_id, SuggestionRow.signature == key
            )
        ).first()
        if row is None:
            row = SuggestionRow(
                entry_id=entry_id,
                wording=wording,
                signature=key,
                count=0,
                status=SuggestionStatus.PENDING,
                first_seen=when,
                last_seen=when,
            )
            session.add(row)
        row.count += 1
        row.last_seen = max(_aware(row.last_seen), _aware(when))
        session.flush()
        return row

    def pending(self, *, limit: int = 50) -> list[Suggestion]:
        kb = self.knowledge.current.kb
        with self.database.session() as session:
            rows = session.scalars(
                select(SuggestionRow)
                .where(SuggestionRow.status == SuggestionStatus.PENDING)
                .order_by(SuggestionRow.count.desc(), SuggestionRow.id)
            )
            result = []
            for row in rows:
                entry = kb.get(row.entry_id)
                if entry is None or row.wording.casefold() in {
                    p.casefold() for p in entry.phrasings
                }:
                    continue
                result.append(_value(row))
                if len(result) == limit:
                    break
            return result

    def accept(self, suggestion_id: int) -> Suggestion:
        row = self._get(suggestion_id)
        add_alternates(self.knowledge.current.kb, row.entry_id, [row.wording])
        self.knowledge.reload()
        return self._set(suggestion_id, SuggestionStatus.ACCEPTED)

    def reject(self, suggestion_id: int) -> Suggestion:
        self._get(suggestion_id)
        return self._set(suggestion_id, SuggestionStatus.REJECTED)

    def _get(self, suggestion_id: int) -> Suggestion:
        with self.database.session() as session:
            row = session.get(SuggestionRow, suggestion_id)
            if row is None:
                raise ReviewActionError(
                    f"There is no suggestion {suggestion_id}; list them with: compact-bot gaps suggestions"
                )
            if row.status != SuggestionStatus.PENDING:
                raise ReviewActionError(f"Suggestion {suggestion_id} was already {row.status}.")
            return _value(row)

    def _set(self, suggestion_id: int, status: SuggestionStatus) -> Suggestion:
        with self.database.session() as session:
            row = session.get(SuggestionRow, suggestion_id)
            assert row is not None
            row.status = status
            return _value(row)


def _value(row: SuggestionRow) -> Suggestion:
    return Suggestion(
        row.id, row.entry_id, row.wording, row.count, SuggestionStatus(row.status), row.last_seen
    )


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
