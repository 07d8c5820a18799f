"""The tour service against a real database (SQLite and PostgreSQL): saved progress, resuming
in another process, clicks handled at once, an unreachable database, retention and the
figures the managers' report reads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context
from bot.induction import wording
from bot.induction.events import TourEvent, Verb
from bot.induction.machine import Notice
from bot.induction.progress import ProgressStore
from bot.induction.report import induction_figures
from bot.induction.service import InductionService
from bot.induction.views import ProgressView, QuestionView, ResultView, StepView, TourView
from bot.review.retention import purge
from bot.storage.database import Database
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.tables import InductionAnswerRow, InductionProgressRow, InductionRunRow

from ..conftest import PSEUDONYM_KEY

ME = Context(ChannelKind.SLACK, "U123", workspace_id="T1")
Clock = Callable[[], datetime]


class Ticking:
    """A clock that moves a minute each time it is read."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def service(
    store: KnowledgeStore, database: Database | None, clock: Clock | None = None
) -> InductionService:
    return InductionService(
        knowledge=store,
        progress=ProgressStore(database) if database is not None else None,
        pseudonymiser=Pseudonymiser(PSEUDONYM_KEY),
        clock=clock or Ticking(),
    )


def click(view: TourView, verb: Verb, option: int | None = None) -> TourEvent:
    return next(
        b.event
        for b in view.buttons
        if b.verb is verb and (option is None or b.event.option == option)
    )


def complete(svc: InductionService, right: int) -> ResultView:
    """Take the whole tour and quiz by clicking, answering the first ``right`` correctly."""
    view = svc.handle(ME, TourEvent(Verb.START))
    while isinstance(view, StepView):
        view = svc.handle(ME, click(view, Verb.NEXT))
    tour = svc.knowledge.current.tour
    assert tour is not None
    while isinstance(view, QuestionView):
        question = tour.quiz[view.number - 1]
        wrong = question.correct % len(question.options) + 1
        option = question.correct if view.number <= right else wrong
        view = svc.handle(ME, click(view, Verb.ANSWER, option))
    assert isinstance(view, ResultView)
    return view


def test_progress_is_kept_and_resumed_by_another_process(
    bundled_store: KnowledgeStore, database: Database
) -> None:
    first = service(bundled_store, database)
    view = first.handle(ME, TourEvent(Verb.START))
    for _ in range(3):
        view = first.handle(ME, click(view, Verb.NEXT))
    assert isinstance(view, StepView)
    assert view.number == 4
    later = service(bundled_store, database)  # a restart, or another bot process
    resumed = later.handle(ME, TourEvent(Verb.START))
    assert isinstance(resumed, StepView)
    assert resumed.number == 4
    assert wording.NOTICES[Notice.WELCOME_BACK] in resumed.notices
    summary = later.summary(ME)
    assert summary is not None
    assert (summary.steps_seen, summary.where) == (4, "Step 4 of 11")
    assert summary.main_button.label == "Resume the tour (Step 4 of 11)"
    someone_else = later.summary(Context(ChannelKind.SLACK, "U999", workspace_id="T1"))
    assert someone_else is not None
    assert not someone_else.started
    with database.session() as session:  # stored under a keyed hash, never the raw id
        [user_hash] = session.scalars(select(InductionProgressRow.user_hash))
    assert "U123" not in user_hash


def test_clicks_handled_at_once_move_the_tour_on_once(
    bundled_store: KnowledgeStore, database: Database
) -> None:
    processes = [service(bundled_store, database) for _ in range(4)]
    view = processes[0].handle(ME, TourEvent(Verb.START))
    next_click = click(view, Verb.NEXT)
    barrier = threading.Barrier(len(processes))
    views: list[TourView] = []

    def double_click(svc: InductionService) -> None:
        barrier.wait()
        views.append(svc.handle(ME, next_click))

    threads = [threading.Thread(target=double_click, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(views) == len(processes)
    assert {v.number for v in views if isinstance(v, StepView)} == {2}
    assert all(isinstance(v, StepView) for v in views)
    summary = processes[0].summary(ME)
    assert summary is not None
    assert summary.where == "Step 2 of 11"


def test_a_repeated_answer_counts_once(bundled_store: KnowledgeStore, database: Database) -> None:
    svc = service(bundled_store, database)
    view = svc.handle(ME, TourEvent(Verb.START))
    while isinstance(view, StepView):
        view = svc.handle(ME, click(view, Verb.NEXT))
    first_answer = click(view, Verb.ANSWER, 1)
    svc.handle(ME, first_answer)
    again = svc.handle(ME, first_answer)  # a double click, or Slack delivering it twice
    assert isinstance(again, QuestionView)
    assert again.number == 2
    assert wording.NOTICES[Notice.ALREADY_ANSWERED] in again.notices
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(InductionAnswerRow)) == 1


def test_completion_goes_on_record_and_into_the_figures(
    bundled_store: KnowledgeStore, database: Database
) -> None:
    clock = Ticking()
    start = clock.now
    svc = service(bundled_store, database, clock)
    result = complete(svc, right=5)
    assert (result.score, result.total) == (5, 8)
    assert [r.number for r in result.revisit] == [6, 7, 10]  # the steps behind 6, 7 and 8
    again = svc.handle(ME, click(result, Verb.RESET))
    assert isinstance(again, StepView)
    assert again.number == 1
    figures = induction_figures(
        database, bundled_store.current.tour, since=start, until=clock.now + timedelta(days=1)
    )
    assert (figures.started, figures.people, figures.completed) == (2, 1, 1)
    assert figures.average_points == 5
    assert figures.median_time is not None
    assert figures.median_time > timedelta(minutes=10)
    shares = [q.share_right for q in figures.questions]
    assert shares == [1, 1, 1, 1, 1, 0, 0, 0]


def test_purge_deletes_old_tours(bundled_store: KnowledgeStore, database: Database) -> None:
    svc = service(bundled_store, database)
    complete(svc, right=7)
    purge(database, before=datetime(2026, 11, 1, tzinfo=UTC))  # older than every row: kept
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(InductionRunRow)) == 1
    purge(database, before=datetime(2027, 1, 1, tzinfo=UTC))
    with database.session() as session:
        for table in (InductionProgressRow, InductionRunRow, InductionAnswerRow):
            assert session.scalar(select(func.count()).select_from(table)) == 0


@pytest.mark.parametrize("cause", ["no database", "unreachable database"])
def test_without_a_database_the_tour_runs_and_says_so_once(
    bundled_store: KnowledgeStore, cause: str
) -> None:
    database = (
        Database(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing"))
        if cause == "unreachable database"
        else None
    )
    svc = service(bundled_store, database)
    first = svc.handle(ME, TourEvent(Verb.START))
    assert isinstance(first, StepView)
    assert first.number == 1
    assert first.notices == (wording.NOT_SAVED,)
    second = svc.handle(ME, click(first, Verb.NEXT))
    assert isinstance(second, StepView)
    assert (second.number, second.notices) == (2, ())
    result = complete(svc, right=8)  # START resumes the tour held in memory, then on to the end
    assert (result.score, result.total) == (8, 8)
    progress = svc.handle(ME, TourEvent(Verb.PROGRESS))
    assert isinstance(progress, ProgressView)
    assert not progress.saved
