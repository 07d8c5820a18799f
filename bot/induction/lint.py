"""Warnings for a tour that loads but could be better: its length, and plain English."""

from __future__ import annotations

from collections.abc import Iterator

from bot.induction.content import Tour
from bot.knowledge.lint import READING_EASE_FLOOR, Finding, Severity
from bot.knowledge.readability import reading_ease, word_count

STEP_WORDS = 80
STEPS = (8, 12)
QUESTIONS = (5, 8)


def lint_tour(tour: Tour) -> list[Finding]:
    return list(_findings(tour))


def _findings(tour: Tour) -> Iterator[Finding]:
    def warn(line: int | None, code: str, message: str) -> Finding:
        return Finding(Severity.WARNING, code, tour.file, line, None, message)

    for what, count, (low, high) in (
        ("steps", len(tour.steps), STEPS),
        ("quiz questions", len(tour.quiz), QUESTIONS),
    ):
        if not low <= count <= high:
            yield warn(None, "tour-length", f"the tour has {count} {what}; aim for {low} to {high}")
    for number, step in enumerate(tour.steps, start=1):
        who = f"step {number} '{step.id}'"
        if (words := word_count(step.text)) > STEP_WORDS:
            yield warn(
                step.line, "too-long", f"{who} has {words} words; keep it to about {STEP_WORDS}"
            )
        if (score := reading_ease(step.text)) < READING_EASE_FLOOR:
            yield warn(
                step.line,
                "readability",
                f"{who} reads hard (Flesch reading ease {score:.0f}, aim for "
                f"{READING_EASE_FLOOR:.0f}+): use shorter sentences and everyday words",
            )
