"""How the induction report's figures read, the same in every format."""

from __future__ import annotations

from datetime import timedelta

from bot.induction.report import InductionFigures, QuestionFigures

NO_IDENTITIES = "No user identifiers appear in this report; people are counted, never named."
NOBODY = "Nobody has taken the tour in this period."


def duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = value.total_seconds()
    if seconds < 30:
        return "under a minute"
    if seconds < 90 * 60:
        return f"{max(round(seconds / 60), 1)} min"
    hours = seconds / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def score(figures: InductionFigures) -> str:
    if figures.average_score is None or figures.average_points is None:
        return "-"
    return f"{figures.average_points:.1f} of {figures.quiz_total} ({figures.average_score:.0%})"


def share(question: QuestionFigures) -> str:
    value = question.share_right
    if value is None:
        return "no answers yet"
    return f"{value:.0%} ({question.right} of {question.answers})"


def label(question: QuestionFigures) -> str:
    return f"{question.number}. {question.question}" if question.number else question.question_id


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def period(figures: InductionFigures) -> str:
    return f"{figures.since:%d %B %Y} to {figures.until:%d %B %Y}"
