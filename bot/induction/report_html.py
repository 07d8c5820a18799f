"""The induction figures as an HTML section, in the gaps report's styles: the managers'
report is this section on its own page, and the gaps report carries it too."""

from __future__ import annotations

from html import escape

from bot.induction import report_words as words
from bot.induction.report import InductionFigures, QuestionFigures

BAR = 120


def html_section(figures: InductionFigures) -> str:
    rows = (
        "".join(
            f"<tr><td>{escape(words.label(q))}</td><td>{q.answers}</td><td>{_bar(q)}</td></tr>"
            for q in figures.questions
        )
        or "<tr><td colspan='3'>There is no quiz.</td></tr>"
    )
    empty = f"<p>{words.NOBODY}</p>" if figures.empty else ""
    cards = (
        (str(figures.started), f"started (by {words.people(figures.people)})"),
        (str(figures.completed), "completed"),
        (words.duration(figures.median_time), "median time to complete"),
        (words.score(figures), "average quiz score"),
    )
    summary = "".join(
        f'<div class="card"><b>{escape(value)}</b>{escape(what)}</div>' for value, what in cards
    )
    return (
        f'<h2>Induction</h2>{empty}<div class="summary">{summary}</div>'
        "<p class='muted'>Each quiz question's share of right answers: a low share shows what "
        "is misunderstood.</p>"
        f"<table><tr><th>Question</th><th>Answers</th><th>Answered right</th></tr>{rows}</table>"
    )


def _bar(question: QuestionFigures) -> str:
    share = question.share_right
    if share is None:
        return f"<span class='muted'>{words.share(question)}</span>"
    colour = "#27ae60" if share >= 0.75 else "#f2994a" if share >= 0.5 else "#d64545"
    return (
        f'<svg width="{BAR}" height="12" role="img" aria-label="{share:.0%} right">'
        f'<rect width="{BAR}" height="12" fill="#e4e7eb"/>'
        f'<rect width="{BAR * share:.1f}" height="12" fill="{colour}"/></svg> '
        f"{escape(words.share(question))}"
    )
