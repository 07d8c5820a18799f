"""Asking in Teams: a personal chat, an @mention in a channel (answered in its thread), the
commands, and the bot being added to a chat or a team."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from bot.core.standing import standing_of
from bot.core.wording import BINDS_NOW_LABEL
from bot.storage.tables import InteractionRow, TeamsConversationRow

from ..polling import eventually
from .conftest import CHANNEL, OUTBOUND_TOKEN, Bot, activity, shown_text


def test_a_question_in_a_personal_chat_gets_an_answer_card(teams: Bot) -> None:
    reply = teams.message("how much notice before ending a grant?")
    assert reply.status == 200
    [sent] = teams.fake.wait_for(1)
    assert sent.method == "POST"
    assert sent.conversation_id.startswith("a:1Hn4mW8rT2yQ")
    assert sent.authorization == f"Bearer {OUTBOUND_TOKEN}"
    [card] = sent.cards
    assert card["version"] == "1.5"
    text = json.dumps(card)
    assert "three months" in text
    assert "Source" in text
    assert "Applies to" in text
    verbs = [a["verb"] for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]
    assert verbs[:3] == ["helpful", "not_helpful", "ask_champion"]
    # A plain send, not the SDK's reply, which quotes the person's message: that would name
    # the message replied to, and carry a quotedReply entity and its placeholder in the text.
    assert "replyToId" not in sent.body
    assert all(e.get("type") != "quotedReply" for e in sent.body.get("entities") or [])
    assert "<quoted" not in (sent.body.get("text") or "")


def test_an_answer_card_says_who_the_entry_binds_now_its_status_and_when_checked(
    teams: Bot,
) -> None:
    teams.message("how much notice before ending a grant?")
    [card] = teams.fake.wait_for(1)[0].cards
    store = teams.services.chat.store.current
    entry = store.kb.get(answered_entry(teams))
    assert entry is not None
    standing = standing_of(entry, store.kb)
    shown = shown_text(card)
    assert f"{BINDS_NOW_LABEL}: {standing.binds_now}" in shown
    assert "Civil Society Covenant" in standing.binds_now
    assert re.search(
        r"checked (January|February|March|April|May|June|July|August|September|"
        r"October|November|December) 20\d\d",
        shown,
    )
    assert standing.checked in shown
    assert standing.status_label
    assert standing.status_label in shown
    assert "Applies to: " + "; ".join(standing.applies_to) in shown


def answered_entry(teams: Bot) -> str:
    def logged() -> str | None:
        teams.services.chat.flush_log()
        with teams.services.chat.database.session() as session:
            entry_id: str | None = session.scalars(select(InteractionRow.entry_id)).first()
            return entry_id

    entry_id = eventually(logged)
    assert entry_id
    return entry_id


def test_an_at_mention_in_a_channel_is_answered_in_its_thread(teams: Bot) -> None:
    body = activity(
        "channel_mention",
        text="how long should a consultation run?",
        service_url=teams.fake.service_url,
    )
    assert teams.post(body).status == 200
    [sent] = teams.fake.wait_for(1)
    assert sent.conversation_id == f"{CHANNEL};messageid={body['id']}"
    assert "twelve weeks" in sent.text or "12 weeks" in sent.text


def test_the_mention_is_not_part_of_the_question(teams: Bot) -> None:
    teams.mention("how long should a consultation run?")
    teams.fake.wait_for(1)
    database = teams.services.chat.database

    def logged() -> list[str]:
        teams.services.chat.flush_log()
        with database.session() as session:
            return list(session.scalars(select(InteractionRow.question)))

    assert eventually(logged) == ["how long should a consultation run?"]


def test_help_and_topics_are_commands(teams: Bot) -> None:
    teams.message("help")
    teams.message("topics")
    help_card, topics_card = (sent.text for sent in teams.fake.wait_for(2))
    assert "Ask in your own words" in help_card
    assert "topics I cover" in topics_card.casefold() or "Funding" in topics_card


def test_topics_with_a_name_lists_every_question_of_that_topic(teams: Bot) -> None:
    """The same command as in Slack and the console, from the shared reply: every question
    of the topic named, not "I don't know that yet"."""
    volunteering = next(
        t for t in teams.services.chat.assistant.knowledge.kb.topics() if t.name == "Volunteering"
    )
    teams.message("topics volunteering")
    [sent] = teams.fake.wait_for(1)
    assert "Volunteering: all" in sent.text
    for entry in volunteering.entries:
        assert entry.question in sent.text
    assert "logged your question" not in sent.text


def test_no_match_says_the_question_was_logged(teams: Bot) -> None:
    teams.message("what is the best recipe for lasagne")
    [sent] = teams.fake.wait_for(1)
    assert "logged your question" in sent.text
    assert "Ask a Compact Champion" in sent.text


def test_a_person_who_adds_the_bot_is_greeted_and_remembered(teams: Bot) -> None:
    assert (
        teams.post(activity("personal_installed", service_url=teams.fake.service_url)).status == 200
    )
    [sent] = teams.fake.wait_for(1)
    assert "I answer questions about the Compact" in sent.text
    with teams.services.chat.database.session() as session:
        [row] = session.scalars(select(TeamsConversationRow))
    assert row.kind == "personal"
    assert row.service_url == teams.fake.service_url.rstrip("/")


def test_a_team_install_is_remembered_for_proactive_messages(teams: Bot) -> None:
    assert teams.post(activity("team_installed", service_url=teams.fake.service_url)).status == 200
    assert teams.fake.quiet(0.3) == []  # nothing is said in the team's channel
    with teams.services.chat.database.session() as session:
        [row] = session.scalars(select(TeamsConversationRow))
    assert (row.conversation_id, row.kind) == (CHANNEL, "channel")


def test_an_activity_from_another_tenant_is_dropped(teams: Bot) -> None:
    body = activity(
        "personal_message",
        text="what is the compact",
        service_url=teams.fake.service_url,
        tenant="0000aaaa-1111-2222-3333-444455556666",
    )
    assert teams.post(body).status == 200
    assert teams.fake.quiet(0.3) == []


def test_unknown_activities_invokes_and_events_get_200(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    base = activity("personal_message", text="x", service_url=teams.fake.service_url)
    for extra in (
        {"type": "somethingNew"},
        {"type": "invoke", "name": "future/feature", "value": {}},
        {"type": "event", "name": "application/vnd.microsoft.unknown"},
        {"type": "messageReaction", "reactionsAdded": [{"type": "like"}]},
        {"type": "typing"},
    ):
        with caplog.at_level(logging.INFO):
            assert teams.post({**base, **extra}).status == 200, extra
    assert teams.fake.quiet(0.3) == []
    assert "Teams activity not handled (type somethingNew" in caplog.text
    assert "name future/feature" in caplog.text
    assert "Teams activity of type messageReaction not handled" in caplog.text


@pytest.mark.parametrize(
    "mention",
    [
        {"mentioned": {"id": "28:__APP__", "name": "Compact Assistant"}, "text": "<at>x</at>"},
        {"mentioned": {"id": 5}, "text": 7},
        {"mentioned": "28:__APP__", "text": "<at>x</at>"},
    ],
)
def test_a_mention_entity_teams_would_not_send_does_not_stop_the_answer(
    teams: Bot, caplog: pytest.LogCaptureFixture, mention: dict[str, object]
) -> None:
    """An entity without its type is kept as it came (its ``mentioned`` a dict): reading it
    as a mention failed with a traceback, and the person got an apology for a question."""
    caplog.set_level(logging.WARNING)
    body = activity(
        "channel_mention",
        text="how long should a consultation run?",
        service_url=teams.fake.service_url,
    )
    app = body["recipient"]["id"]
    body["entities"][0] = json.loads(json.dumps(mention).replace("28:__APP__", app))
    assert teams.post(body).status == 200
    [sent] = teams.fake.wait_for(1)
    assert "weeks" in sent.text, "answered, not an apology"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
