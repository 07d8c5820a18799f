"""Questions passed to the Compact Champions, and their answers, kept in the database.

A question keeps the platform's raw ids of the person who asked (``asker``, with ``team_id``)
and of the post in the Champions' channel (``channel``, ``message_ts``): they are what the
answer needs to reach the asker and to mark the post answered. They are deleted as soon as
it is answered (``answer`` returns them for that last use); ``db purge`` deletes questions
that were never answered along with the rest of the old log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.chat.wording import ALREADY_ANSWERED, EMPTY_CHAMPION_ANSWER
from bot.errors import ReviewActionError
from bot.knowledge.drafts import Draft, write_draft
from bot.storage.database import Database
from bot.storage.interaction_log import PENDING_ROW_WAIT_S, utc_now, wait_for_interaction
from bot.storage.redaction import storable
from bot.storage.tables import ChampionQuestionRow

log = logging.getLogger(__name__)


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
        self,
        database: Database,
        knowledge_root: Path,
        clock: Callable[[], datetime] = utc_now,
        pending_row_wait_s: float = PENDING_ROW_WAIT_S,
    ) -> None:
        self.database = database
        self.knowledge_root = knowledge_root
        self._clock = clock
        self._pending_row_wait_s = pending_row_wait_s

    def open(
        self, *, team_id: str | None, asker: str, question: str, interaction_id: int | None
    ) -> ChampionQuestion:
        """Keep the question, linked to the interaction it came from. The asker may click
        before that interaction's row is written, so wait for it; if it never comes (the log
        write failed), keep the question unlinked rather than lose it."""
        if interaction_id is not None and not wait_for_interaction(
            self.database, interaction_id, self._pending_row_wait_s
        ):
            log.warning(
                "Interaction %s is not in the log; the Champion question is kept unlinked",
                interaction_id,
            )
            interaction_id = None
        with self.database.session() as session:
            row = ChampionQuestionRow(
                team_id=team_id,
                asker=asker,
                question=storable(question),
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
            if row is not None and row.status == "open":  # not ids for an answered one
                row.channel, row.message_ts = channel, ts

    def get(self, question_id: int) -> ChampionQuestion:
        with self.database.session() as session:
            row = session.get(ChampionQuestionRow, question_id)
            if row is None:
                raise ReviewActionError(f"There is no Champion question {question_id}.")
            return _value(row)

    def answer(
        self, question_id: int, *, champion: str, answer: str, via: str
    ) -> tuple[ChampionQuestion, Path]:
        """Record the answer and save it as a draft entry for the review group; ``via`` names
        the channel it came from, for the draft's note."""
        if not answer.strip():
            raise ReviewActionError(EMPTY_CHAMPION_ANSWER)
        with self.database.session() as session:
            # Locked, so that two Champions answering at once cannot both answer it.
            row = session.get(ChampionQuestionRow, question_id, with_for_update=True)
            if row is None:
                raise ReviewActionError(f"There is no Champion question {question_id}.")
            if row.status == "answered":
                raise ReviewActionError(ALREADY_ANSWERED)
            row.status, row.answer, row.answered_by, row.answered_at = (
                "answered",
                answer.strip(),
                champion,
                self._clock(),
            )
            value = _value(row)
            # The ids were kept only to send the answer back: the caller has them now.
            row.asker, row.team_id, row.answered_by = "", None, None
            row.channel, row.message_ts = None, None
        draft = write_draft(
            self.knowledge_root,
            Draft(
                question=value.question,
                answer=answer.strip(),
                note=f"Answered by a Compact Champion in {via}.",
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
