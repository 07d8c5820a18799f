"""Mentions, DMs, the slash command and the shortcut, through signed HTTP requests."""

from __future__ import annotations

import json
import time

from bot.adapters.slack.mrkdwn import escape
from bot.storage.interaction_log import InteractionLog

from ..polling import eventually
from .conftest import Bot, payload
from .fake_slack import FakeSlack


def texts(call_params: dict) -> str:  # type: ignore[type-arg]
    blocks = call_params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return json.dumps(blocks or []) + (call_params.get("text") or "")


def test_a_mention_is_answered_in_a_thread(bot: Bot, fake_slack: FakeSlack) -> None:
    reply = bot.event(payload("app_mention"))
    assert reply.status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "CGENERAL"
    assert post.params["thread_ts"] == "1700000100.000100"
    assert "three months" in texts(post.params)
    assert "Who this binds now:* The three-month rule comes from the national Compact" in texts(
        post.params
    )
    assert "checked December 2026" in texts(post.params)
    assert "(archived copy)" in texts(post.params)
    assert "Helpful" in texts(post.params)
    assert "Ask a Compact Champion" in texts(post.params)
    assert post.token == "xoxb-T1"


def test_a_direct_message_is_answered(bot: Bot, fake_slack: FakeSlack) -> None:
    assert bot.event(payload("message_im")).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "D0DIRECT"
    assert "thread_ts" not in post.params or post.params["thread_ts"] is None
    assert "value for money" in texts(post.params)


def test_bot_messages_and_edits_are_ignored(bot: Bot, fake_slack: FakeSlack) -> None:
    edited = payload("message_im")
    edited["event"]["subtype"] = "message_changed"
    edited["event_id"] = "Ev0EDIT"
    ours = payload("message_im")
    ours["event"]["bot_id"] = "BT1"
    ours["event_id"] = "Ev0OURS"
    assert bot.event(edited).status == 200
    assert bot.event(ours).status == 200
    time.sleep(0.5)
    assert fake_slack.of("chat.postMessage") == []


def test_the_slash_command_replies_ephemerally_with_share(bot: Bot, fake_slack: FakeSlack) -> None:
    reply = bot.command(payload("slash_command", response_url=fake_slack.url))
    assert reply.status == 200
    [response] = fake_slack.wait_for("response_url")
    assert response.params["response_type"] == "ephemeral"
    body = texts(response.params)
    assert "12 weeks" in body
    assert "Share in channel" in body


def test_slash_help_topics_and_tour(bot: Bot, fake_slack: FakeSlack) -> None:
    cases = [
        ("help", "I answer questions about the Compact"),
        ("topics", "Procurement and commissioning"),
        ("tour", "Step 1 of 11: What the Compact was"),
        ("", "I answer questions about the Compact"),
    ]
    for number, (word, expected) in enumerate(cases, start=1):
        fields = payload("slash_command", response_url=fake_slack.url)
        fields["text"] = word
        assert bot.command(fields).status == 200
        response = fake_slack.wait_for("response_url", number)[-1]
        assert expected in texts(response.params), word


def test_slash_topics_with_a_name_lists_every_question_of_that_topic(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    """ "topics funding" showed "I don't know that yet" and was logged as a gap: the listing
    shows a topic's first question only, and nothing showed the rest."""
    funding = next(t for t in bot.services.assistant.knowledge.kb.topics() if t.name == "Funding")
    cases = [("topics funding", "Funding: all"), ("topics c", "could be Civil Society Covenant")]
    for number, (text, expected) in enumerate(cases, start=1):
        fields = payload("slash_command", response_url=fake_slack.url)
        fields["text"] = text
        assert bot.command(fields).status == 200
        shown = texts(fake_slack.wait_for("response_url", number)[-1].params)
        assert expected in shown, text
    listed = texts(fake_slack.wait_for("response_url", 1)[0].params)
    for entry in funding.entries:
        assert json.dumps(escape(entry.question))[1:-1] in listed, entry.question
    assert "I don't know that yet" not in listed
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    assert {row.outcome for row in eventually(log.recent)} == {"smalltalk"}


def test_the_message_shortcut_asks_about_the_message(bot: Bot, fake_slack: FakeSlack) -> None:
    assert bot.interaction(payload("message_shortcut", response_url=fake_slack.url)).status == 200
    [post] = fake_slack.wait_for("chat.postEphemeral")
    assert post.params["user"] == "U123ASKER"
    assert post.params["channel"] == "CGENERAL"
    assert "three months" in texts(post.params)


def test_questions_are_logged_with_the_slack_channel(bot: Bot, fake_slack: FakeSlack) -> None:
    bot.event(payload("app_mention"))
    fake_slack.wait_for("chat.postMessage")
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    [row] = eventually(log.recent)
    assert row.channel == "slack"
    assert row.outcome == "answer"
    assert "U123ASKER" not in row.user_hash


def visible(blocks: object) -> list[str]:
    """Every piece of text Slack would render (button values are never shown)."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return _texts(blocks)


def _texts(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            elif key != "value":
                found += _texts(value)
    elif isinstance(node, list):
        for item in node:
            found += _texts(item)
    return found


def test_quit_typed_in_a_dm_says_goodbye_and_is_no_gap(bot: Bot, fake_slack: FakeSlack) -> None:
    # "quit" ends the console chat; typed in Slack it is small talk, not an unanswered question.
    event = payload("message_im")
    event["event"]["text"], event["event_id"] = "quit", "EvQUIT"
    assert bot.event(event).status == 200
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert reply.params["text"].startswith("Goodbye")
    bot.services.flush_log()
    themes = bot.services.themes
    assert themes is not None
    assert themes.top() == []
