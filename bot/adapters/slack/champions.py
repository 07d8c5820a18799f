"""Questions passed to the Compact Champions, and their answers, kept in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.errors import ReviewActionError
from bot.knowledge.drafts import Draft, write_draft
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now
from bot.storage.redaction import redact
from bot.storage.tables import ChampionQuestionRow


@dataclass(frozen=True, slots=True)
class ChampionQuestion:
    id: int
    asker: str
    question: str
    status: str
    answer: str | None
    answered_by: str | None
    channel: str | None
    message_ts: str | None


class ChampionDesk:
    def __init__(
        self, database: Database, knowledge_root: Path, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.database = database
        self.knowledge_root = knowledge_root
        self._clock = clock

    def open(
        self, *, team_id: str | None, asker: str, question: str, interaction_id: int | None
    ) -> ChampionQuestion:
        with self.database.session() as session:
            row = ChampionQuestionRow(
                team_id=team_id,
                asker=asker,
                question=redact(question)[:2000],
                interaction_id=interaction_id,
                status="open",
                created_at=self._clock(),
            )
            session.add(row)
            session.flush()
            return _value(row)

    def posted(self, question_id: int, *, channel: str, ts: str) -> None:
        with self.database.session() as session:
            row = session.get(ChampionQuestionRow, question_id)
            if row is not None:
                row.channel, row.message_ts = channel, ts

    def get(self, question_id: int) -> ChampionQuestion:
        with self.database.session() as session:
            row = session.get(ChampionQuestionRow, question_id)
            if row is None:
                raise ReviewActionError(f"There is no Champion question {question_id}.")
            return _value(row)

    def answer(
        self, question_id: int, *, champion: str, answer: str
    ) -> tuple[ChampionQuestion, Path]:
        """Record the answer and save it as a draft entry for the review group."""
        with self.database.session() as session:
            row = session.get(ChampionQuestionRow, question_id)
            if row is None:
                raise ReviewActionError(f"There is no Champion question {question_id}.")
            if row.status == "answered":
                raise ReviewActionError(
                    f"This question was already answered by <@{row.answered_by}>."
                )
            row.status, row.answer, row.answered_by, row.answered_at = (
                "answered",
                answer.strip(),
                champion,
                self._clock(),
            )
            value = _value(row)
        draft = write_draft(
            self.knowledge_root,
            Draft(
                question=value.question,
                answer=answer.strip(),
                note="Answered by a Compact Champion in Slack.",
            ),
        )
        return value, draft


def _value(row: ChampionQuestionRow) -> ChampionQuestion:
    return ChampionQuestion(
        row.id,
        row.asker,
        row.question,
        row.status,
        row.answer,
        row.answered_by,
        row.channel,
        row.message_ts,
    )
