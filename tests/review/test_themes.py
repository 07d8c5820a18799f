from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.assistant import Assistant
from bot.core.replies import Answer, Clarify
from bot.errors import UnknownThemeError
from bot.review.report import build_report
from bot.review.themes import UNPICKED_AFTER, ThemeService, ThemeStatus

from .conftest import EXPENSES, NOW, PARKING, Ask, Clock


def test_unanswered_questions_are_grouped_into_themes(ask: Ask, themes: ThemeService) -> None:
    for n, text in enumerate(EXPENSES):
        ask(text, user=f"U{n % 3}", days_ago=n)
    for text in PARKING:
        ask(text, user="U9")
    ask("how much notice must we give before ending a grant?")  # answered: not a gap
    assert themes.refresh() == len(EXPENSES) + len(PARKING)
    assert themes.refresh() == 0, "a second refresh finds nothing new"

    top = themes.top(limit=10)
    assert [t.count for t in top] == [4, 2]
    expenses, parking = top
    assert expenses.askers == 3
    assert parking.askers == 1
    assert expenses.label in EXPENSES
    assert {"travel", "expenses"} <= set(expenses.keywords)
    assert set(expenses.examples) == set(EXPENSES)
    assert expenses.status is ThemeStatus.NEW
    assert expenses.first_seen < expenses.last_seen
    # No entry covers expenses; the nearest are the volunteering ones (which of them comes
    # first among such weak matches is the matcher's business, not the theme's).
    assert len(expenses.nearest_entries) == 3
    assert any("volunteer" in entry_id for entry_id in expenses.nearest_entries)


def test_theme_ids_are_stable_as_new_questions_arrive(ask: Ask, themes: ThemeService) -> None:
    for text in EXPENSES[:2]:
        ask(text)
    themes.refresh()
    [first] = themes.top()
    ask("claiming travel expenses as a volunteer", user="U7")
    ask(PARKING[0], user="U8")
    themes.refresh()
    assert themes.get(first.id).count == 3
    assert sorted(t.id for t in themes.top()) == sorted([first.id, str(int(first.id) + 1)])


def test_none_of_these_and_not_helpful_count_as_unanswered(
    ask: Ask, assistant: Assistant, themes: ThemeService
) -> None:
    clarify = ask("consultation")
    assert isinstance(clarify, Clarify)
    assistant.choose(clarify.question, None, interaction_id=clarify.interaction_id)
    answer = ask("how much notice must we give before ending a grant?")
    assert isinstance(answer, Answer)
    assistant.feedback(
        answer.question, answer.interaction_id, helpful=False, entry_id=answer.entry.id
    )
    assert themes.refresh() == 2
    labels = {t.label for t in themes.top(limit=5)}
    assert labels == {"consultation", "how much notice must we give before ending a grant?"}


def test_a_did_you_mean_left_without_a_choice_counts_as_unanswered_after_a_while(
    ask: Ask, assistant: Assistant, themes: ThemeService, clock: Clock
) -> None:
    """An off-topic question gets options that fit it badly, and a person who moves on
    without a word left no trace for the review group. Once nothing has been picked for
    UNPICKED_AFTER, it joins a theme; a did-you-mean with a choice never does."""
    left = ask("consultation")
    picked = ask("procurement", user="U2")  # a word many entries use: options, not an answer
    assert isinstance(left, Clarify)
    assert isinstance(picked, Clarify)
    assistant.choose(
        picked.question, picked.options[0].entry.id, interaction_id=picked.interaction_id
    )
    assert themes.refresh() == 0, "the person may still be choosing"
    clock.now = NOW + UNPICKED_AFTER
    assert themes.refresh() == 1
    [theme] = themes.top()
    assert theme.examples == ("consultation",)
    report = build_report(themes, since=NOW - timedelta(days=1), until=clock.now)
    assert (report.questions, report.answered, report.unanswered) == (2, 0, 1)


def test_triage_and_unknown_ids(ask: Ask, themes: ThemeService) -> None:
    ask(EXPENSES[0])
    themes.refresh()
    [theme] = themes.top()
    updated = themes.triage(theme.id, status=ThemeStatus.IGNORED, note="HR question, not Compact")
    assert updated.status is ThemeStatus.IGNORED
    assert updated.note == "HR question, not Compact"
    assert themes.top() == [], "ignored themes are not open"
    with pytest.raises(UnknownThemeError, match="There is no theme '999'"):
        themes.get("999")
    with pytest.raises(UnknownThemeError, match="is not a theme id"):
        themes.triage("banana", status=ThemeStatus.NEW)
