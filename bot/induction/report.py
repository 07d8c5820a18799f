"""The managers' figures on induction over a period: how many started and finished, how long
finishing took, how well the quiz went, and which questions people get wrong. Counts only:
no person is identified."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from bot.induction.content import Tour
from bot.storage.database import Database
from bot.storage.tables import InductionAnswerRow, InductionRunRow


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    number: int | None  # its place in today's quiz; None once it has been taken out
    question_id: str
    question: str
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True, slots=True)
class InductionFigures:
    since: datetime
    until: datetime
    started: int  # runs through the tour begun in the period
    people: int  # different people among them
    completed: int  # runs finished in the period (the quiz done)
    median_time: timedelta | None
    average_score: float | None  # share of quiz questions right, over finished runs
    average_points: float | None
    quiz_total: int  # questions in today's quiz
    questions: tuple[QuestionFigures, ...]

    @property
    def empty(self) -> bool:
        return not (self.started or self.completed or any(q.answers for q in self.questions))


def induction_figures(
    database: Database, tour: Tour | None, *, since: datetime, until: datetime
) -> InductionFigures:
    started_in = InductionRunRow.started_at.between(since, until)
    completed_in = InductionRunRow.completed_at.between(since, until)
    with database.session() as session:
        started, people = session.execute(
            select(func.count(), func.count(func.distinct(InductionRunRow.user_hash))).where(
                started_in
            )
        ).one()
        finished = session.execute(
            select(
                InductionRunRow.started_at,
                InductionRunRow.completed_at,
                InductionRunRow.score,
                InductionRunRow.total,
            ).where(completed_in)
        ).all()
        answered = session.execute(
            select(
                InductionAnswerRow.question_id,
                func.count(),
                func.sum(case((InductionAnswerRow.correct, 1), else_=0)),
            )
            .where(InductionAnswerRow.answered_at.between(since, until))
            .group_by(InductionAnswerRow.question_id)
        ).all()
    times = [(done - begun).total_seconds() for begun, done, _, _ in finished if done is not None]
    scored = [(score, total) for _, _, score, total in finished if score is not None and total]
    return InductionFigures(
        since=since,
        until=until,
        started=int(started),
        people=int(people),
        completed=len(finished),
        median_time=timedelta(seconds=statistics.median(times)) if times else None,
        average_score=statistics.fmean(s / t for s, t in scored) if scored else None,
        average_points=statistics.fmean(s for s, _ in scored) if scored else None,
        quiz_total=len(tour.quiz) if tour else 0,
        questions=_questions(tour, {q: (int(n), int(r or 0)) for q, n, r in answered}),
    )


def _questions(
    tour: Tour | None, counts: dict[str, tuple[int, int]]
) -> tuple[QuestionFigures, ...]:
    """Today's questions in quiz order (answered or not), then any taken out since."""
    rows = [
        QuestionFigures(number, q.id, q.question, *counts.pop(q.id, (0, 0)))
        for number, q in enumerate(tour.quiz if tour else (), start=1)
    ]
    rows += [
        QuestionFigures(None, question_id, "(no longer in the quiz)", answers, right)
        for question_id, (answers, right) in sorted(counts.items())
    ]
    return tuple(rows)
