"""Which view a person sees for where they are in the tour, with the buttons it offers."""

from __future__ import annotations

from bot.induction import wording
from bot.induction.content import Tour
from bot.induction.events import TourEvent, Verb
from bot.induction.machine import Display, Phase, TourState, Transition
from bot.induction.views import (
    Button,
    Feedback,
    LocalContacts,
    MoreView,
    ProgressView,
    QuestionView,
    ResultView,
    Revisit,
    StepView,
    TourView,
)
from bot.knowledge.model import KnowledgeBase


def screen(
    tour: Tour,
    kb: KnowledgeBase,
    moved: Transition,
    *,
    contacts: LocalContacts,
    notices: tuple[str, ...] = (),
    saved: bool = True,
) -> TourView:
    state = moved.state
    if moved.notice is not None:
        notices = (*notices, wording.NOTICES[moved.notice])
    if moved.display is Display.PROGRESS or state is None:
        return progress(tour, state, notices=notices, saved=saved)
    if moved.display is Display.MORE:
        return _more(tour, kb, state, moved.more_step or state.step, notices)
    feedback = _feedback(tour, state, moved.answered)
    if state.phase in (Phase.TOUR, Phase.REVIEW):
        return _step(tour, state, contacts, notices, intro=moved.new_run)
    if state.phase is Phase.QUIZ:
        return _question(tour, state, notices, feedback)
    return _result(tour, state, notices, feedback)


def progress(
    tour: Tour, state: TourState | None, *, notices: tuple[str, ...] = (), saved: bool = True
) -> ProgressView:
    steps, questions = len(tour.steps), len(tour.quiz)
    if state is None:
        start = Button(wording.START, TourEvent(Verb.START), primary=True)
        return ProgressView(False, False, 0, steps, "Not started", (start,), notices, saved=saved)
    done = state.phase in (Phase.DONE, Phase.REVIEW)
    where = wording.where_label(
        phase=state.phase.value,
        step=state.step,
        steps=steps,
        question=state.question,
        questions=questions,
    )
    again = Button(wording.START_AGAIN, TourEvent(Verb.RESET, run=state.run))
    main = (
        Button(wording.SEE_RESULT, TourEvent(Verb.RESULT, run=state.run), primary=True)
        if done
        else Button(f"{wording.RESUME} ({where})", TourEvent(Verb.RESUME), primary=True)
    )
    seen = sum(1 for s in tour.steps if s.id in state.seen)
    return ProgressView(
        True,
        done,
        seen,
        steps,
        where,
        (main, again),
        notices,
        score=state.score(tour) if done else None,
        quiz_total=questions if done else None,
        completed_at=state.completed_at,
        saved=saved,
    )


def _step(
    tour: Tour, state: TourState, contacts: LocalContacts, notices: tuple[str, ...], *, intro: bool
) -> StepView:
    number, total = state.step, len(tour.steps)
    step = tour.steps[number - 1]
    reviewing = state.phase is Phase.REVIEW

    def click(verb: Verb) -> TourEvent:
        return TourEvent(verb, run=state.run, step=number)

    buttons = [Button(wording.BACK, click(Verb.BACK))] if number > 1 else []
    buttons.append(Button(wording.MORE, click(Verb.MORE)))
    last = number == total
    if reviewing:
        label = wording.BACK_TO_RESULT if last else wording.NEXT
    else:
        label = (wording.START_QUIZ if tour.quiz else wording.SEE_RESULT) if last else wording.NEXT
    buttons.append(Button(label, click(Verb.NEXT), primary=True))
    if reviewing and not last:
        buttons.append(Button(wording.BACK_TO_RESULT, TourEvent(Verb.RESULT, run=state.run)))
    return StepView(
        number,
        total,
        step.title,
        step.text,
        tuple(buttons),
        notices,
        intro=tour.intro if intro and number == 1 else "",
        local=contacts if step.local_contacts else None,
        reviewing=reviewing,
    )


def _more(
    tour: Tour, kb: KnowledgeBase, state: TourState, number: int, notices: tuple[str, ...]
) -> MoreView:
    step = tour.steps[number - 1]
    entries = tuple(e for entry_id in step.entries if (e := kb.get(entry_id)) is not None)
    back = Button(wording.BACK_TO_TOUR, TourEvent(Verb.RESUME, run=state.run), primary=True)
    return MoreView(number, len(tour.steps), step.title, entries, (back,), notices)


def _question(
    tour: Tour, state: TourState, notices: tuple[str, ...], feedback: Feedback | None
) -> QuestionView:
    number = state.question
    question = tour.quiz[number - 1]
    buttons = tuple(
        Button(
            f"{option_number}. {text}",
            TourEvent(Verb.ANSWER, run=state.run, question=number, option=option_number),
        )
        for option_number, text in enumerate(question.options, start=1)
    )
    return QuestionView(
        number, len(tour.quiz), question.question, question.options, buttons, notices, feedback
    )


def _result(
    tour: Tour, state: TourState, notices: tuple[str, ...], feedback: Feedback | None
) -> ResultView:
    wrong = [q for q in tour.quiz if state.answer_to(q.id) != q.correct]
    numbers = sorted({n for q in wrong if (n := tour.step_for(q)) is not None})
    revisit = tuple(Revisit(n, tour.steps[n - 1].title) for n in numbers)
    buttons = [
        Button(f"Step {r.number}: {r.title}", TourEvent(Verb.REVISIT, run=state.run, step=r.number))
        for r in revisit
    ]
    if not revisit:
        buttons.append(Button(wording.REVIEW_STEPS, TourEvent(Verb.REVISIT, run=state.run, step=1)))
    buttons.append(Button(wording.START_AGAIN, TourEvent(Verb.RESET, run=state.run)))
    return ResultView(
        state.score(tour),
        len(tour.quiz),
        revisit,
        state.completed_at,
        tuple(buttons),
        notices,
        feedback,
    )


def _feedback(tour: Tour, state: TourState, answered: str | None) -> Feedback | None:
    number = tour.question_number(answered) if answered else None
    if number is None or answered is None:
        return None
    question = tour.quiz[number - 1]
    chosen = state.answer_to(answered)
    return Feedback(number, chosen == question.correct, question.right_answer, question.explanation)
