"""The tour's sentences that are built from a view's figures, in the knowledge base's
markdown subset. ``bot.chat.tour_views`` puts them into every channel's view."""

from __future__ import annotations

from bot.induction import wording
from bot.induction.views import Feedback, ProgressView, ResultView


def feedback_text(feedback: Feedback) -> str:
    verdict = (
        wording.RIGHT if feedback.correct else wording.WRONG.format(answer=feedback.right_answer)
    )
    return f"**{verdict}** {feedback.explanation}"


def result_text(view: ResultView) -> str:
    if not view.revisit:
        return wording.ALL_RIGHT
    steps = "\n".join(f"- Step {r.number}: {r.title}" for r in view.revisit)
    return f"{wording.REVISIT_INTRO}\n{steps}"


def progress_text(view: ProgressView) -> str:
    if not view.started:
        return (
            f"You have not started the tour yet. It has {view.total_steps} short steps and a quiz."
        )
    lines = [f"You have seen {view.steps_seen} of {view.total_steps} steps. Now: {view.where}."]
    if view.completed and view.score is not None:
        lines.append(f"Quiz score: {view.score} out of {view.quiz_total}.")
    if view.completed_at is not None:
        lines.append(wording.COMPLETED_ON.format(day=view.completed_at))
    if not view.saved:
        lines.append(wording.NOT_SAVED)
    return " ".join(lines)
