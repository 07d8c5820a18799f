"""Questions passed to the Compact Champions, and their answers, kept in the database.

A question keeps the platform's raw ids of the person who asked (``asker``, with ``team_id``)
and of the post in the Champions' channel (``channel``, ``message_ts``): they are what the
answer needs to reach the asker and to mark the post answered. They are deleted as soon as
it is answered (``answer`` returns them for that last use); ``db purge`` deletes questions
that were never answered along with the rest of the old log.

A question is passed on once: a second click on the same Ask a Compact Champion button (a
double-click, or a platform delivering the click twice) finds the first one still open and is
not posted again (``ask``)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.chat.wording import ALREADY_ANSWERED, EMPTY_CHAMPION_ANSWER
from bot.errors import ReviewActionError
from bot.knowledge.drafts import Draft, write_draft
from bot.storage.database import Database
from bot.storage.interaction_log import PENDING_ROW_WAIT_S, utc_now, wait_for_interaction
from bot.storage.redaction import storable
from bot.storage.tables import ChampionQuestionRow

log = logging.getLogger(__name__)

# How long a question just kept may wait for its post to be recorded before another click is
# taken to mean that posting it failed (the first click's post raised, or the Champions could
# not be reached) and it is posted again. Long enough for a double-click or a platform's quick
# retry to find it; short, so that a person trying again after a failed post is not told their
# question is with the Champions when it never reached them.
POSTING_S = 10.0


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


@dataclass(frozen=True, slots=True)
class Asked:
    """What ``ChampionDesk.ask`` kept: the question, and whether it is to be posted to the
    Champions now (False: it already was, or another click is posting it)."""

    question: ChampionQuestion
    to_post: bool


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
        """The question ``ask`` keeps (or finds already kept)."""
        return self.ask(
            team_id=team_id, asker=asker, question=question, interaction_id=interaction_id
        ).question

    def ask(
        self, *, team_id: str | None, asker: str, question: str, interaction_id: int | None
    ) -> Asked:
        """Keep the question, linked to the interaction it came from, unless this asker's
        question from that interaction (or, unlinked, the same question) is already open:
        then that one, to be posted only if its post never came (see ``POSTING_S``). Two
        clicks handled at once, by one process or several, are taken one after the other.

        The asker may click before the interaction's row is written, so wait for it; if it
        never comes (the log write failed), keep the question unlinked rather than lose it."""
        if interaction_id is not None and not wait_for_interaction(
            self.database, interaction_id, self._pending_row_wait_s
        ):
            log.warning(
                "Interaction %s is not in the log; the Champion question is kept unlinked",
                interaction_id,
            )
            interaction_id = None
        stored = storable(question)
        with self.database.session() as session:
            _take_turn(session, team_id, asker, stored)
            now = self._clock()
            kept = _open_one(session, team_id, asker, stored, interaction_id)
            if kept is not None:
                if kept.message_ts is not None or now - _aware(kept.created_at) < timedelta(
                    seconds=POSTING_S
                ):
                    return Asked(_value(kept), to_post=False)
                # Never posted: the click that kept it failed to post it. Post it now, and
                # let clicks in the next few seconds find this one being posted.
                log.warning("Champion question %s was never posted; posting it again", kept.id)
                kept.created_at = now
                return Asked(_value(kept), to_post=True)
            row = ChampionQuestionRow(
                team_id=team_id,
                asker=asker,
                question=stored,
                interaction_id=interaction_id,
                status="open",
                created_at=now,
            )
            session.add(row)
            session.flush()
            return Asked(_value(row), to_post=True)

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


def _take_turn(session: Session, team_id: str | None, asker: str, question: str) -> None:
    """Hold, until the session ends, the lock for this asker's question, so that two clicks
    on its button cannot both find it not yet kept: PostgreSQL's advisory lock on a key made
    from them; SQLite's one write lock (it has no finer one)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        named = "\0".join(("champion-question", team_id or "", asker, question))
        key = int.from_bytes(hashlib.sha256(named.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))


def _open_one(
    session: Session,
    team_id: str | None,
    asker: str,
    question: str,
    interaction_id: int | None,
) -> ChampionQuestionRow | None:
    """This asker's open question from ``interaction_id``, or, with none, the same question
    kept unlinked; the newest if there are several (kept before this check existed)."""
    same = (
        ChampionQuestionRow.interaction_id == interaction_id
        if interaction_id is not None
        else (ChampionQuestionRow.interaction_id.is_(None))
        & (ChampionQuestionRow.question == question)
    )
    team = (
        ChampionQuestionRow.team_id.is_(None)
        if team_id is None
        else ChampionQuestionRow.team_id == team_id
    )
    return session.scalars(
        select(ChampionQuestionRow)
        .where(
            ChampionQuestionRow.status == "open",
            ChampionQuestionRow.asker == asker,
            team,
            same,
        )
        .order_by(ChampionQuestionRow.id.desc())
        .limit(1)
    ).first()


def _aware(moment: datetime) -> datetime:
    """SQLite gives back times without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
