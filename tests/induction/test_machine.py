"""The state machine on its own: a whole run, and every stale, repeated or out-of-turn event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.knowledge_store import KnowledgeStore
from bot.induction.content import Tour
from bot.induction.events import TourEvent, Verb, typed_command
from bot.induction.machine import Display, Notice, Phase, TourState, Transition, apply

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def tour(bundled_store: KnowledgeStore) -> Tour:
    assert bundled_store.current.tour is not None
    return bundled_store.current.tour


def step(tour: Tour, state: TourState | None, event: TourEvent) -> Transition:
    moved = apply(tour, state, event, NOW)
    return moved


def test_a_whole_run_through_the_steps_and_quiz(tour: Tour) -> None:
    moved = step(tour, None, TourEvent(Verb.START))
    assert moved.new_run
    assert moved.changed
    state = moved.state
    assert state is not None
    assert (state.phase, state.step) == (Phase.TOUR, 1)
    for number in range(1, len(tour.steps) + 1):
        assert state.step == number
        moved = step(tour, state, TourEvent(Verb.NEXT, run=1, step=number))
        assert moved.changed
        assert moved.state is not None
        state = moved.state
    assert (state.phase, state.question) == (Phase.QUIZ, 1)
    assert set(state.seen) == {s.id for s in tour.steps}
    for number, question in enumerate(tour.quiz, start=1):
        wrong = question.correct % len(question.options) + 1
        option = wrong if number == 1 else question.correct
        moved = step(tour, state, TourEvent(Verb.ANSWER, run=1, question=number, option=option))
        assert moved.answered == question.id
        assert moved.state is not None
        state = moved.state
    assert moved.completed
    assert state.phase is Phase.DONE
    assert state.completed_at == NOW
    assert state.score(tour) == len(tour.quiz) - 1


def test_stale_and_repeated_clicks_change_nothing(tour: Tour) -> None:
    state = step(tour, None, TourEvent(Verb.START)).state
    state = step(tour, state, TourEvent(Verb.NEXT, run=1, step=1)).state
    assert state is not None
    assert state.step == 2
    for stale in (
        TourEvent(Verb.NEXT, run=1, step=1),  # the double click's second half
        TourEvent(Verb.BACK, run=1, step=1),
        TourEvent(Verb.NEXT, run=2, step=2),  # from a run that does not exist
        TourEvent(Verb.ANSWER, run=1, question=1, option=1),  # the quiz has not started
        TourEvent(Verb.REVISIT, run=1, step=3),
        TourEvent(Verb.RESULT, run=1),
    ):
        moved = step(tour, state, stale)
        assert not moved.changed, stale
        assert moved.state == state
        assert moved.notice is Notice.STALE
    assert step(tour, state, TourEvent(Verb.BACK, run=1, step=2)).state.step == 1  # type: ignore[union-attr]


def test_an_answer_to_another_question_is_ignored_politely(tour: Tour) -> None:
    state = TourState(run=1, started_at=NOW, phase=Phase.QUIZ, question=3)
    earlier = step(tour, state, TourEvent(Verb.ANSWER, run=1, question=2, option=1))
    assert (earlier.changed, earlier.notice) == (False, Notice.ALREADY_ANSWERED)
    later = step(tour, state, TourEvent(Verb.ANSWER, run=1, question=5, option=1))
    assert (later.changed, later.notice) == (False, Notice.STALE)
    not_an_option = step(tour, state, TourEvent(Verb.ANSWER, run=1, question=3, option=9))
    assert (not_an_option.changed, not_an_option.notice) == (False, Notice.NOT_AN_OPTION)
    done = TourState(run=1, started_at=NOW, phase=Phase.DONE, completed_at=NOW)
    again = step(tour, done, TourEvent(Verb.ANSWER, run=1, question=len(tour.quiz), option=1))
    assert (again.changed, again.notice) == (False, Notice.ALREADY_ANSWERED)


def test_reset_starts_a_new_run_once_even_when_clicked_twice(tour: Tour) -> None:
    done = TourState(run=1, started_at=NOW, phase=Phase.DONE, completed_at=NOW)
    moved = step(tour, done, TourEvent(Verb.RESET, run=1))
    assert moved.new_run
    assert moved.notice is Notice.RESTARTED
    assert moved.state is not None
    assert (moved.state.run, moved.state.step) == (2, 1)
    twice = step(tour, moved.state, TourEvent(Verb.RESET, run=1))
    assert not twice.changed
    assert twice.notice is Notice.STALE


def test_after_the_quiz_steps_can_be_revisited_and_the_result_reopened(tour: Tour) -> None:
    done = TourState(run=1, started_at=NOW, phase=Phase.DONE, completed_at=NOW)
    moved = step(tour, done, TourEvent(Verb.REVISIT, run=1, step=4))
    assert moved.state is not None
    assert (moved.state.phase, moved.state.step) == (Phase.REVIEW, 4)
    back = step(tour, moved.state, TourEvent(Verb.RESULT, run=1))
    assert back.state is not None
    assert back.state.phase is Phase.DONE
    last = TourState(run=1, started_at=NOW, phase=Phase.REVIEW, step=len(tour.steps))
    onward = step(tour, last, TourEvent(Verb.NEXT, run=1, step=len(tour.steps)))
    assert onward.state is not None
    assert onward.state.phase is Phase.DONE


def test_tell_me_more_and_progress_only_read(tour: Tour) -> None:
    state = TourState(run=1, started_at=NOW, step=3)
    more = step(tour, state, TourEvent(Verb.MORE, run=1, step=2))  # an older step's button
    assert (more.display, more.more_step, more.changed) == (Display.MORE, 2, False)
    assert step(tour, state, TourEvent(Verb.PROGRESS)).display is Display.PROGRESS
    assert step(tour, None, TourEvent(Verb.PROGRESS)).state is None
    welcome = step(tour, state, TourEvent(Verb.START))
    assert (welcome.changed, welcome.notice) == (False, Notice.WELCOME_BACK)


def test_a_click_with_no_known_progress_carries_on_from_its_view(tour: Tour) -> None:
    moved = step(tour, None, TourEvent(Verb.NEXT, run=1, step=5))
    assert moved.changed
    assert moved.state is not None
    assert moved.state.step == 6


def test_button_values_round_trip_and_garbage_is_refused() -> None:
    event = TourEvent(Verb.ANSWER, run=2, question=3, option=1)
    assert event.encode() == "tour:answer:run=2:question=3:option=1"
    assert TourEvent.decode(event.encode()) == event
    assert TourEvent.decode("tour:next:step=3") == TourEvent(Verb.NEXT, step=3)
    for bad in (
        None, "", "tour", "tour:fly", "tour:next:step=x", "tour:next:step=0", "tour:next:step=-1",
        "tour:next:colour=3", "tour:next:step=1:step=2", "tourist:next", "x" * 500,
        '{"q":"tour"}',
    ):  # fmt: skip
        assert TourEvent.decode(bad) is None, bad


def test_typed_commands_are_whole_messages_only() -> None:
    assert typed_command("Tour") == TourEvent(Verb.START)
    assert typed_command("start the tour!") == TourEvent(Verb.START)
    assert typed_command("my progress") == TourEvent(Verb.PROGRESS)
    assert typed_command("Restart the tour") == TourEvent(Verb.RESET)
    assert typed_command("does the compact cover a tour operator?") is None
