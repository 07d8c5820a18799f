"""Each person's place in the tour, kept in the database under their pseudonymised id.

Saving is compare-and-set: a change is written only if the progress row still has the version
it was read at, so two clicks handled at once (a double click, two bot processes) cannot both
move the tour on. The loser gets ``ProgressConflict`` and shows where the person is now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.errors import DatabaseError, ProgressConflict
from bot.induction.content import Tour
from bot.induction.machine import Phase, TourState, Transition
from bot.storage.availability import failure_reason
from bot.storage.database import Database
from bot.storage.tables import InductionAnswerRow, InductionProgressRow, InductionRunRow

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Saved:
    state: TourState
    run_id: int
    version: int


class ProgressStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def load(self, person: str) -> Saved | None:
        """This person's progress; DatabaseError (DatabaseUnavailable at once while the
        database is away, or once the budget runs out) if it cannot be read."""

        def read(session: Session) -> Saved | None:
            row = session.get(InductionProgressRow, person)
            if row is None:
                return None
            run = session.get(InductionRunRow, row.run_id)
            if run is None:  # purged under us
                return None
            answers = session.execute(
                select(InductionAnswerRow.question_id, InductionAnswerRow.option)
                .where(InductionAnswerRow.run_id == run.id)
                .order_by(InductionAnswerRow.answered_at, InductionAnswerRow.question_id)
            )
            state = TourState(
                run=run.attempt,
                started_at=_utc(run.started_at),
                phase=Phase(row.phase),
                step=row.step,
                question=row.question,
                seen=tuple(row.seen or ()),
                answers=tuple((q, o) for q, o in answers),
                completed_at=_utc(run.completed_at) if run.completed_at else None,
            )
            return Saved(state, run.id, row.version)

        return self._bounded("read", read)

    def save(
        self, person: str, previous: Saved | None, moved: Transition, tour: Tour, now: datetime
    ) -> Saved:
        """Write the transition's state; raises ProgressConflict if someone else's change got
        there first, DatabaseError if the database cannot be used."""
        assert moved.state is not None, "only a transition with a state is saved"

        def write(session: Session) -> Saved:
            state = moved.state
            assert state is not None
            if moved.new_run or previous is None:
                attempt = 1 + (
                    session.scalar(
                        select(func.max(InductionRunRow.attempt)).where(
                            InductionRunRow.user_hash == person
                        )
                    )
                    or 0
                )
                state = replace(state, run=attempt)
                run_id = session.execute(
                    insert(InductionRunRow)
                    .values(user_hash=person, attempt=attempt, started_at=state.started_at)
                    .returning(InductionRunRow.id)
                ).scalar_one()
            else:
                run_id = previous.run_id
            values = {
                "run_id": run_id,
                "phase": state.phase.value,
                "step": state.step,
                "question": state.question,
                "seen": list(state.seen),
                "updated_at": now,
            }
            if previous is None:
                session.execute(
                    insert(InductionProgressRow).values(user_hash=person, version=1, **values)
                )
                version = 1
            else:
                version = previous.version + 1
                done = session.execute(
                    update(InductionProgressRow)
                    .where(
                        InductionProgressRow.user_hash == person,
                        InductionProgressRow.version == previous.version,
                    )
                    .values(version=version, **values)
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise ProgressConflict(f"progress for {person[:8]} changed before saving")
            if moved.answered is not None:
                question = next(q for q in tour.quiz if q.id == moved.answered)
                option = state.answer_to(question.id)
                session.execute(
                    insert(InductionAnswerRow).values(
                        run_id=run_id,
                        question_id=question.id,
                        option=option,
                        correct=option == question.correct,
                        answered_at=now,
                    )
                )
            if moved.completed:
                session.execute(
                    update(InductionRunRow)
                    .where(InductionRunRow.id == run_id)
                    .values(completed_at=now, score=state.score(tour), total=len(tour.quiz))
                )
            return Saved(state, run_id, version)

        return self._bounded("save", write)

    def _bounded(self, what: str, work: Callable[[Session], T]) -> T:
        """``work`` in one transaction, waited for at most the database budget, as answers
        wait (``Database.bounded``): while the database is away it fails at once, so a tour
        click never waits for a hung server's connection timeout."""

        def in_session() -> T:
            with self.database.session() as session:
                return work(session)

        try:
            return self.database.bounded(in_session, what=f"{what} induction progress")
        except IntegrityError as exc:  # a run or answer someone else's click wrote first
            raise ProgressConflict("progress changed before saving") from exc
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"Could not {what} induction progress: {failure_reason(exc)}. "
                "Check the database is running."
            ) from exc


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
