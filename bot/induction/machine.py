"""The tour's state machine: one pure function from (where a person is, what they did) to
(where they are now, what to show). No storage, no channel, no clock of its own.

A click names the view it came from (see ``events``). When that is not where the person is
now (an old step's Next, a double click, a retried delivery) nothing changes and the current
view is shown again with a short note, so a click can never move the tour on twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.induction.content import Tour
from bot.induction.events import TourEvent, Verb


class Phase(StrEnum):
    TOUR = "tour"
    QUIZ = "quiz"
    DONE = "done"
    REVIEW = "review"  # looking at a step again after the quiz


class Display(StrEnum):
    CURRENT = "current"
    MORE = "more"
    PROGRESS = "progress"


class Notice(StrEnum):
    STALE = "stale"
    ALREADY_ANSWERED = "already_answered"
    NOT_AN_OPTION = "not_an_option"
    WELCOME_BACK = "welcome_back"
    RESTARTED = "restarted"


@dataclass(frozen=True, slots=True)
class TourState:
    run: int  # 1 the first time through; each restart adds one
    started_at: datetime
    phase: Phase = Phase.TOUR
    step: int = 1
    question: int = 1
    seen: tuple[str, ...] = ()  # step ids, in the order first seen
    answers: tuple[tuple[str, int], ...] = ()  # (question id, option chosen)
    completed_at: datetime | None = None

    def answer_to(self, question_id: str) -> int | None:
        return next((o for q, o in self.answers if q == question_id), None)

    def score(self, tour: Tour) -> int:
        return sum(1 for q in tour.quiz if self.answer_to(q.id) == q.correct)


@dataclass(frozen=True, slots=True)
class Transition:
    state: TourState | None  # None only when asking for progress before ever starting
    display: Display = Display.CURRENT
    notice: Notice | None = None
    changed: bool = False  # the state must be saved
    new_run: bool = False  # ... as a new run
    answered: str | None = None  # the quiz question just answered, for its feedback
    more_step: int | None = None  # the step whose entries to open
    completed: bool = False  # this event finished the run: its result goes on record


def apply(tour: Tour, state: TourState | None, event: TourEvent, now: datetime) -> Transition:
    if state is not None:
        state = _fit(tour, state)
    verb = event.verb
    if verb is Verb.PROGRESS:
        return Transition(state, Display.PROGRESS)
    if state is None:
        if verb in (Verb.NEXT, Verb.BACK, Verb.MORE, Verb.ANSWER) and not event.typed:
            return _adopted(tour, event, now)
        return _begin(tour, run=1, now=now)
    if verb in (Verb.START, Verb.RESUME):
        resumed = (
            verb is Verb.START
            and state.phase in (Phase.TOUR, Phase.QUIZ)
            and (state.step > 1 or state.phase is Phase.QUIZ)
        )
        return Transition(state, notice=Notice.WELCOME_BACK if resumed else None)
    if event.run is not None and event.run != state.run:
        return _stale(state)
    if verb is Verb.RESET:
        return replace(_begin(tour, run=state.run + 1, now=now), notice=Notice.RESTARTED)
    if verb is Verb.MORE:
        target = event.step or state.step
        if not 1 <= target <= len(tour.steps) or (event.typed and state.phase is Phase.QUIZ):
            return _stale(state)
        return Transition(state, Display.MORE, more_step=target)  # reading changes nothing
    if verb in (Verb.NEXT, Verb.BACK):
        return _move(tour, state, event, now)
    if verb is Verb.ANSWER:
        return _answer(tour, state, event, now)
    if verb is Verb.REVISIT:
        target = event.step or 1
        if state.phase not in (Phase.DONE, Phase.REVIEW) or not 1 <= target <= len(tour.steps):
            return _stale(state)
        return _changed(_seen(tour, replace(state, phase=Phase.REVIEW, step=target)))
    if verb is Verb.RESULT:
        if state.phase not in (Phase.DONE, Phase.REVIEW):
            return _stale(state)
        return (
            _changed(replace(state, phase=Phase.DONE))
            if state.phase is Phase.REVIEW
            else (Transition(state))
        )
    raise AssertionError(f"unhandled tour verb {verb}")


def _move(tour: Tour, state: TourState, event: TourEvent, now: datetime) -> Transition:
    on_step = state.phase in (Phase.TOUR, Phase.REVIEW)
    if not on_step or (event.step is not None and event.step != state.step):
        return _stale(state)
    if event.verb is Verb.BACK:
        if state.step == 1:
            return Transition(state)
        return _changed(_seen(tour, replace(state, step=state.step - 1)))
    if state.step < len(tour.steps):
        return _changed(_seen(tour, replace(state, step=state.step + 1)))
    if state.phase is Phase.REVIEW:
        return _changed(replace(state, phase=Phase.DONE))
    if not tour.quiz:
        done = replace(state, phase=Phase.DONE, completed_at=now)
        return Transition(done, changed=True, completed=True)
    return _changed(replace(state, phase=Phase.QUIZ, question=1))


def _answer(tour: Tour, state: TourState, event: TourEvent, now: datetime) -> Transition:
    asked = event.question or state.question
    if state.phase is Phase.TOUR:
        return _stale(state)
    if state.phase is not Phase.QUIZ or asked < state.question:
        return Transition(state, notice=Notice.ALREADY_ANSWERED)
    if asked != state.question:
        return _stale(state)
    question = tour.quiz[state.question - 1]
    if event.option is None or not 1 <= event.option <= len(question.options):
        return Transition(state, notice=Notice.NOT_AN_OPTION)
    answers = (*state.answers, (question.id, event.option))
    if state.question < len(tour.quiz):
        moved = replace(state, question=state.question + 1, answers=answers)
        return Transition(moved, changed=True, answered=question.id)
    done = replace(state, phase=Phase.DONE, answers=answers, completed_at=now)
    return Transition(done, changed=True, answered=question.id, completed=True)


def _begin(tour: Tour, *, run: int, now: datetime) -> Transition:
    state = TourState(run=run, started_at=now, seen=(tour.steps[0].id,))
    return Transition(state, changed=True, new_run=True)


def _adopted(tour: Tour, event: TourEvent, now: datetime) -> Transition:
    """A click arrived but no progress is known (kept in memory by another process while the
    database is down, say): carry on from the view the click came from."""
    if event.verb is Verb.ANSWER:
        question = min(event.question or 1, len(tour.quiz))
        state = TourState(run=event.run or 1, started_at=now, phase=Phase.QUIZ, question=question)
    else:
        step = min(event.step or 1, len(tour.steps))
        state = _seen(tour, TourState(run=event.run or 1, started_at=now, step=step))
    moved = apply(tour, state, event, now)
    return replace(moved, changed=True, new_run=True)


def _fit(tour: Tour, state: TourState) -> TourState:
    """Keep a saved position inside the tour after its content was edited shorter."""
    step = max(1, min(state.step, len(tour.steps)))
    question = max(1, min(state.question, max(len(tour.quiz), 1)))
    if state.phase is Phase.QUIZ and not tour.quiz:
        return replace(state, phase=Phase.DONE, step=step, question=question)
    return replace(state, step=step, question=question)


def _seen(tour: Tour, state: TourState) -> TourState:
    step_id = tour.steps[state.step - 1].id
    return state if step_id in state.seen else replace(state, seen=(*state.seen, step_id))


def _changed(state: TourState) -> Transition:
    return Transition(state, changed=True)


def _stale(state: TourState) -> Transition:
    return Transition(state, notice=Notice.STALE)
