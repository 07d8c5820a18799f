"""The managers' induction report as text, CSV, or one self-contained HTML page."""

from __future__ import annotations

import csv
import io
from html import escape

from bot.induction import report_words as words
from bot.induction.report import InductionFigures
from bot.induction.report_html import html_section
from bot.review.report_html import STYLE


def to_text(figures: InductionFigures) -> str:
    lines = [
        f"Induction report, {words.period(figures)}",
        "",
        f"Started:                 {figures.started} (by {words.people(figures.people)})",
        f"Completed:               {figures.completed}",
        f"Median time to complete: {words.duration(figures.median_time)}",
        f"Average quiz score:      {words.score(figures)}",
        "",
        "Quiz questions, share answered right (low shares show what is misunderstood):",
    ]
    lines += [f"  {words.share(q):<16} {words.label(q)}" for q in figures.questions] or [
        "  There is no quiz."
    ]
    if figures.empty:
        lines += ["", words.NOBODY]
    return "\n".join([*lines, "", words.NO_IDENTITIES]) + "\n"


def to_csv(figures: InductionFigures) -> str:
    """One tidy table, like the gaps report's: section, item, measure, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "item", "measure", "value"])
    period = f"{figures.since.date().isoformat()}/{figures.until.date().isoformat()}"
    median = figures.median_time.total_seconds() / 60 if figures.median_time else None
    for measure, value in (
        ("started", figures.started),
        ("people", figures.people),
        ("completed", figures.completed),
        ("median_minutes_to_complete", _number(median, 1)),
        ("average_score_share", _number(figures.average_score)),
        ("average_score_points", _number(figures.average_points)),
        ("quiz_questions", figures.quiz_total),
    ):
        writer.writerow(["summary", period, measure, value])
    for question in figures.questions:
        for measure, value in (
            ("number", question.number or ""),
            ("answers", question.answers),
            ("right", question.right),
            ("share_right", _number(question.share_right)),
        ):
            writer.writerow(["question", question.question_id, measure, value])
    return buffer.getvalue()


def _number(value: float | None, places: int = 3) -> str:
    return "" if value is None else f"{value:.{places}f}"


def to_html(figures: InductionFigures) -> str:
    title = f"Compact Assistant induction report, {words.period(figures)}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
{html_section(figures)}
<p class="muted">{words.NO_IDENTITIES}</p>
</body></html>
"""
