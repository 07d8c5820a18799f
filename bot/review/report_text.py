"""The report as Markdown (for meeting papers) and CSV (for spreadsheets).

Labels and examples are what people typed, so they are data in both: in Markdown, HTML and
Markdown's own marks are escaped (a question never becomes a tag, a link or a heading); in
CSV, a cell that a spreadsheet would run as a formula is made plain text.
"""

from __future__ import annotations

import csv
import io
import re
from html import escape
from typing import Any

from bot.knowledge.spreadsheet import guard_cell
from bot.review.report import Report
from bot.words import counted, one_line

_MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]#|!~])")
# Where GitHub-style Markdown makes a link of bare text ("http://evil.example/login",
# "www.evil.example"): a backslash before the slash or dot shows the same text but splits
# the run the autolinker looks for, so it stays text.
_AUTOLINKS = re.compile(r"(?<=:)(//)|(?<=www)(\.)", re.IGNORECASE)


def md(text: str) -> str:
    """``text`` shown literally in Markdown: HTML escaped, Markdown's marks backslashed, bare
    links broken so no renderer links them, and on one line."""
    marked = _MARKDOWN_MARKS.sub(r"\\\1", escape(one_line(text), quote=False))
    return _AUTOLINKS.sub(_unlinked, marked)


def _unlinked(match: re.Match[str]) -> str:
    return "\\/\\/" if match.group(1) else "\\."


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def to_markdown(report: Report) -> str:
    lines = [
        f"# Compact Assistant: gaps report, {report.since:%d %B %Y} to {report.until:%d %B %Y}",
        "",
        f"{counted(report.questions, 'question')}; {report.answered} answered outright; "
        f"{report.unanswered} not answered (no match, or none of the suggestions fitted).",
        "",
        "## Top themes",
        "",
    ]
    if not report.themes:
        lines.append("No unanswered questions in this period.")
    for theme in report.themes:
        lines += [
            f"### Theme {theme.id}: {md(theme.label)}",
            "",
            f"- {counted(theme.count, 'question')} from {counted(theme.askers, 'person')}; status: {theme.status.value}; "
            f"last asked {theme.last_seen:%d %b %Y}",
            f"- Keywords: {md(', '.join(theme.keywords)) or '-'}",
            f"- Nearest answers: {md(', '.join(theme.nearest_entries)) or 'none'}",
            "- Examples: " + "; ".join(f'"{md(e)}"' for e in theme.examples),
        ]
        if theme.note:
            lines.append(f"- Note: {md(theme.note)}")
        lines.append("")
    lines += [
        "## Week by week",
        "",
        "| week starting | questions | answer rate | helpful rate | unanswered |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {w.start:%d %b %Y} | {w.questions} | {_percent(w.answer_rate)} | {_percent(w.helpful_rate)} | {w.unanswered} |"
        for w in report.weeks
    ]
    lines += ["", "## Answers marked not helpful most often", ""]
    lines += [f"- {md(e.entry_id)} ({e.count}): {md(e.question)}" for e in report.not_helpful] or [
        "None."
    ]
    lines += ["", "## Topics asked about most", ""]
    lines += [f"- {md(topic)}: {count}" for topic, count in report.topics] or ["None."]
    return "\n".join(lines) + "\n"


def to_csv(report: Report) -> str:
    """One tidy table: section, item, measure, value."""
    buffer = io.StringIO()
    writer = _SafeWriter(csv.writer(buffer, lineterminator="\n"))
    writer.writerow(["section", "item", "measure", "value"])
    for theme in report.themes:
        for measure, value in (
            ("label", theme.label),
            ("status", theme.status.value),
            ("note", one_line(theme.note)),
            ("questions", theme.count),
            ("people", theme.askers),
            ("last_seen", theme.last_seen.date().isoformat()),
            ("nearest_entries", " ".join(theme.nearest_entries)),
            ("examples", " | ".join(theme.examples)),
        ):
            writer.writerow(["theme", theme.id, measure, value])
    for week in report.weeks:
        for measure, value in (
            ("questions", week.questions),
            ("answered", week.answered),
            ("unanswered", week.unanswered),
            ("helpful", week.helpful),
            ("not_helpful", week.not_helpful),
        ):
            writer.writerow(["week", week.start.date().isoformat(), measure, value])
    for entry in report.not_helpful:
        writer.writerow(["not_helpful", entry.entry_id, "count", entry.count])
    for topic, count in report.topics:
        writer.writerow(["topic", topic, "answered", count])
    return buffer.getvalue()


class _SafeWriter:
    """A csv writer whose every cell goes through ``guard_cell`` (bot/knowledge/spreadsheet.py)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([guard_cell(value) for value in row])
