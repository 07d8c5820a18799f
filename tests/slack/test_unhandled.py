"""Signed requests the assistant has no listener for: one line each, not Bolt's warning with
sample code over several lines; events are acknowledged so that Slack does not resend them."""

from __future__ import annotations

import logging

import pytest

from .conftest import Bot, payload, with_action
from .fake_slack import FakeSlack


def _lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= level]


def test_an_event_the_assistant_does_not_use_is_acknowledged_with_one_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = payload("app_mention")
    body["event_id"] = "Ev0REACTION1"
    body["event"] = {
        "type": "reaction_added",
        "user": "U123ASKER",
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": "C1", "ts": "1700000100.000100"},
        "event_ts": "1700000101.000100",
    }
    reply = bot.event(body)
    assert reply.status == 200, reply
    assert _lines(caplog, logging.WARNING) == []
    [line] = [m for m in _lines(caplog, logging.INFO) if "not handled" in m]
    assert line == "Slack event reaction_added not handled: no listener acknowledged it"
    assert fake_slack.of("chat.postMessage") == []


def test_a_button_the_assistant_does_not_know_is_one_line_and_refused(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # A button from an older version, say: Slack shows the person it did not work.
    caplog.set_level(logging.DEBUG)
    click = with_action(fake_slack, "helpful", "1")
    click["actions"] = [{**click["actions"][0], "action_id": "retired-button\nforged line"}]
    reply = bot.interaction(click)
    assert reply.status == 404, reply
    assert _lines(caplog, logging.WARNING) == []
    [line] = [m for m in _lines(caplog, logging.INFO) if "not handled" in m]
    assert line.startswith("Slack action retired-button forged line not handled")
    # and what the assistant does handle is handled as ever
    assert bot.event(payload("app_mention")).status == 200
    assert "notice" in fake_slack.wait_for("chat.postMessage")[0].params["text"].lower()
