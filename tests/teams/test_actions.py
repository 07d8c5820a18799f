"""Card buttons: feedback recorded against the interaction, a did-you-mean choice, none of
these, a related question, and the topics."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from bot.storage.tables import FeedbackRow, InteractionRow

from ..polling import eventually
from .conftest import Bot, button, invoke_value


def _feedback(teams: Bot) -> list[tuple[int, str, str | None]]:
    teams.services.chat.flush_log()
    with teams.services.chat.database.session() as session:
        return [
            (r.interaction_id, r.kind, r.entry_id) for r in session.scalars(select(FeedbackRow))
        ]


def _interactions(teams: Bot) -> list[InteractionRow]:
    teams.services.chat.flush_log()
    with teams.services.chat.database.session() as session:
        return list(session.scalars(select(InteractionRow).order_by(InteractionRow.id)))


def test_helpful_and_not_helpful_are_recorded_against_the_answer(teams: Bot) -> None:
    teams.message("how much notice before ending a grant?")
    [sent] = teams.fake.wait_for(1)
    [card] = sent.cards
    helpful = button(card, "helpful")["data"]
    not_helpful = button(card, "not_helpful")["data"]
    assert invoke_value(teams.click(**helpful)) == "Thanks, glad it helped."
    assert "flagged that answer" in invoke_value(teams.click(**not_helpful))
    [interaction] = eventually(lambda: _interactions(teams))
    recorded = eventually(lambda: len(_feedback(teams)) == 2 and _feedback(teams))
    assert recorded
    assert {(i, kind) for i, kind, _ in recorded} == {
        (interaction.id, "helpful"),
        (interaction.id, "not_helpful"),
    }
    assert len(teams.fake.sent) == 1  # feedback is answered under the card, not in a new message


def test_a_did_you_mean_choice_becomes_its_answer(teams: Bot) -> None:
    teams.message("consultation")
    [sent] = teams.fake.wait_for(1)
    [card] = sent.cards
    assert "Did you mean" in json.dumps(card)
    option = button(card, "choose_option")
    assert button(card, "none_of_these")["title"] == "None of these"
    replacement = invoke_value(teams.click(**option["data"]))
    assert replacement["type"] == "AdaptiveCard"
    assert "Source" in json.dumps(replacement)
    [clarify] = eventually(lambda: _interactions(teams))
    assert clarify.outcome == "clarify"
    chose = eventually(lambda: _feedback(teams))
    assert [(i, kind) for i, kind, _ in chose] == [(clarify.id, "chose")]


def test_none_of_these_is_recorded_for_the_review_group(teams: Bot) -> None:
    teams.message("consultation")
    [card] = teams.fake.wait_for(1)[0].cards
    replacement = invoke_value(teams.click(**button(card, "none_of_these")["data"]))
    assert "none of those fitted" in json.dumps(replacement)
    assert [kind for _, kind, _ in eventually(lambda: _feedback(teams))] == ["none_of_these"]


def test_a_related_question_is_answered_in_a_new_message(teams: Bot) -> None:
    teams.message("how much notice before ending a grant?")
    [card] = teams.fake.wait_for(1)[0].cards
    related = button(card, "related_question")
    invoke_value(teams.click(**related["data"]))
    first, second = teams.fake.wait_for(2)
    assert second.conversation_id == first.conversation_id
    assert related["title"].rstrip("…")[:40] in json.dumps(second.cards)
    assert eventually(lambda: len(_interactions(teams)) == 2)


def test_show_topics_lists_every_topic(teams: Bot) -> None:
    teams.message("what is the best recipe for lasagne")
    [card] = teams.fake.wait_for(1)[0].cards
    invoke_value(teams.click(**button(card, "show_topics")["data"]))
    topics = teams.fake.wait_for(2)[1]
    kb = teams.services.chat.store.current.kb
    for topic in kb.topics():
        assert topic.name in topics.text


def test_a_button_that_is_not_ours_is_answered_politely(teams: Bot) -> None:
    assert "no longer works" in invoke_value(teams.click("launch_rockets", "now"))


def test_a_button_value_json_cannot_read_is_a_button_that_names_nothing(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # A number int() refuses (over 4,300 digits) and nesting past Python's recursion limit
    # made the value's reader raise instead of reading it as naming nothing.
    caplog.set_level(logging.INFO)
    many = "1" * 5000
    for value in (f'{{"q":"mileage?","i":{many}}}', "[" * 100_000):
        for action in ("helpful", "none_of_these", "ask_champion"):
            assert isinstance(invoke_value(teams.click(action, value)), str | dict), action
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert _feedback(teams) == []
