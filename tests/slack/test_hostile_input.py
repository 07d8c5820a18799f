"""Hostile input through the running bot: text that PostgreSQL cannot store, and a knowledge
file nested deep enough to exhaust Python's recursion limit."""

from __future__ import annotations

import copy
import hashlib
import hmac
import http.client
import logging
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.slack.server import MAX_SLACK_BODY
from bot.adapters.slack.shapes import reply_origins
from bot.chat.action_values import ActionValue
from bot.storage.tables import InteractionRow

from ..polling import eventually
from .conftest import SECRET, Bot, Reply, _send, payload, with_action
from .fake_slack import FakeSlack


def test_questions_with_nul_bytes_and_lone_surrogates_are_logged(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    questions = ["grant \x00 notice period", "grant \ud800 notice period", "consultation length"]
    for n, text in enumerate(questions):
        body = payload("app_mention")
        body["event_id"] = f"Ev0TEXT{n}"
        body["event"]["text"] = f"<@UBOT> {text}"
        body["event"]["ts"] = f"1700000100.00010{n}"
        assert bot.event(body).status == 200  # sent as JSON with \\u0000 and \\ud800 escapes
    fake_slack.wait_for("chat.postMessage", count=3)
    database = bot.services.database
    assert database is not None

    def stored() -> list[str]:
        # Each reply goes out just before its row is queued, so flush until all three are in.
        bot.services.flush_log()
        with database.session() as session:
            return sorted(session.scalars(select(InteractionRow.question)))

    expected = ["consultation length", "grant  notice period", "grant \ufffd notice period"]
    assert eventually(lambda: stored() == expected, timeout=15)
    assert stored() == expected


def test_reload_reports_a_deeply_nested_file_and_keeps_answering(
    bot: Bot, fake_slack: FakeSlack, kb_copy: Path
) -> None:
    (kb_copy / "funding.yml").write_text(
        "entries:\n  - id: deep\n    question: " + "[" * 20_000 + "]" * 20_000 + "\n"
    )
    fields = payload("slash_command", response_url=fake_slack.url)
    fields.update(text="reload", user_id="UADMIN")
    bot.command(fields)
    [reply] = fake_slack.wait_for("response_url")
    assert "was not reloaded" in reply.params["text"]
    assert "funding.yml:3" in reply.params["text"]
    assert "nested more than 50 deep" in reply.params["text"]
    assert "funding-notice" in bot.services.store.current.kb


def _raw(bot: Bot, body: bytes, headers: dict[str, str]) -> Reply:
    request = urllib.request.Request(
        bot.url + "/slack/events", data=body, method="POST", headers=headers
    )
    return _send(request)


def test_unsigned_requests_are_refused_before_their_body_is_read(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # Anyone can reach /slack/events: what they send must cost a 401, not a 500 and a stack
    # trace in the log for each request.
    stamp = str(int(time.time()))
    unsigned = [
        (b"{not json", "application/json", stamp),
        (b"\xff\xfe not UTF-8", "application/json", stamp),
        (b"[1, 2]", "application/json", stamp),
        (b"payload=%7Bnot", "application/x-www-form-urlencoded", stamp),
        (b"{}", "application/json", "not-a-time"),
    ]
    caplog.set_level(logging.WARNING)
    for body, kind, timestamp in unsigned:
        reply = _raw(
            bot,
            body,
            {
                "Content-Type": kind,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": "v0=" + "0" * 64,
            },
        )
        assert reply.status == 401, (body, reply)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    assert fake_slack.of("chat.postMessage") == []


def test_signed_requests_slack_could_not_have_meant_are_a_400_and_a_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for body in (b"{not json", b"[1, 2]", b'"text"', b'{"a":' * 100_000):
        stamp = int(time.time())
        signature = (
            "v0="
            + hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
        )
        reply = _raw(
            bot,
            body,
            {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": signature,
            },
        )
        assert reply.status == 400, (body, reply)
    assert [r for r in caplog.records if r.exc_info] == []
    assert len([r for r in caplog.records if "could not be read" in r.getMessage()]) == 4


def test_a_body_far_larger_than_slack_sends_is_refused_unread(bot: Bot) -> None:
    # The declared length is enough: the answer comes before a byte of the body is sent.
    host, port = bot.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(MAX_SLACK_BODY + 10))
        connection.putheader("X-Slack-Request-Timestamp", str(int(time.time())))
        connection.putheader("X-Slack-Signature", "v0=" + "0" * 64)
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        connection.close()


def _mention(**event: object) -> dict[str, object]:
    body = payload("app_mention")
    body["event"].update(event)
    return body


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({**payload("app_mention"), "event": "how much notice?"}, "event is text, not an object"),
        ({**payload("message_im"), "event": ["a", "b"]}, "event is a list, not an object"),
        ({**payload("app_mention"), "event": None}, "event is missing"),
        (_mention(user=12345), "event.user is a number, not text"),
        (_mention(text={"question": "notice"}), "event.text is an object, not text"),
        (_mention(channel=["C1"]), "event.channel is a list, not text"),
        (_mention(ts=1700000100.0001), "event.ts is a number, not text"),
        ({**payload("app_mention"), "authorizations": "T1"}, "authorizations is text"),
        (_mention(channel=None), "event.channel is missing from the app_mention event"),
        (
            {**payload("message_im"), "event": {**payload("message_im")["event"], "channel": ""}},
            "event.channel is missing from the message event",
        ),
    ],
)
def test_signed_events_with_fields_of_the_wrong_type_are_a_400_and_one_line(
    bot: Bot,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    body: dict[str, object],
    named: str,
) -> None:
    # Slack never sends these, but a request signed with a leaked or test secret can: Bolt or
    # a listener would fail on it with a stack trace. It is refused, naming the field.
    caplog.set_level(logging.DEBUG)
    reply = bot.event(body)
    assert reply.status == 400, reply
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "could not be read" in line
    assert named in line
    assert fake_slack.of("chat.postMessage") == []


def test_signed_clicks_with_fields_of_the_wrong_type_are_a_400_and_one_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    click = with_action(fake_slack, "helpful", "1")
    submission = payload("view_submission", question_id="1", answer="x")
    broken = [
        ({**click, "actions": [{"action_id": "helpful", "value": 7}]}, "actions[0].value"),
        ({**click, "user": "U123ASKER"}, "user is text, not an object"),
        ({**click, "container": 5}, "container is a number"),
        (
            {**submission, "view": {**submission["view"], "state": {"values": ["x"]}}},
            "view.state.values is a list",
        ),
    ]
    refused_each(bot, caplog, broken)
    assert fake_slack.of("response_url") == []
    assert fake_slack.of("chat.postMessage") == []


def test_a_field_name_with_a_line_break_cannot_forge_a_log_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # The block and action ids in a modal's state are keys the request chooses; the line
    # naming the field quotes them, on one line and without the controls that reorder text.
    caplog.set_level(logging.DEBUG)
    submission = payload("view_submission", question_id="1", answer="x")
    forged = "blk\nERROR bot: forged \u202eline"
    values = {forged: {"act": {"type": 5}}}
    body = {**submission, "view": {**submission["view"], "state": {"values": values}}}
    assert bot.interaction(body).status == 400
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "view.state.values.blk ERROR bot: forged line.act.type is a number" in line
    assert "\n" not in line


def test_a_well_formed_mention_is_still_answered_after_malformed_ones(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    assert bot.event(_mention(user=5)).status == 400
    assert bot.event(payload("app_mention")).status == 200
    [posted] = fake_slack.wait_for("chat.postMessage")
    assert "notice" in posted.params["text"].lower()


def test_a_signed_slash_command_without_its_response_url_is_a_400_and_one_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # Slack always sends one; without it the listener cannot reply, and failed with a trace.
    caplog.set_level(logging.DEBUG)
    fields = payload("slash_command", response_url=fake_slack.url)
    del fields["response_url"]
    assert bot.command(fields).status == 400
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "response_url is missing from a slash command" in line
    challenge = {"type": "url_verification", "challenge": {"not": "text"}, "token": "x"}
    assert bot.event(challenge).status == 400


def test_a_signed_request_whose_response_url_is_not_a_web_address_is_a_400_and_one_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # The reply is posted there: urllib failed on it inside the listener, with a traceback,
    # a "did not call ack()" warning and a 404.
    caplog.set_level(logging.DEBUG)
    fields = payload("slash_command", response_url=fake_slack.url)
    fields["response_url"] = "not a url"
    assert bot.command(fields).status == 400
    click = with_action(fake_slack, "helpful", "1")
    assert bot.interaction({**click, "response_url": "file:///etc/passwd"}).status == 400
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2, lines
    assert all("response_url is not a web address" in line for line in lines)


def test_a_signed_request_whose_response_url_is_not_slacks_is_refused(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """The reply is posted to the payload's response_url: with a leaked signing secret,
    anyone could have the assistant post to any address its server reaches (a metadata
    service, an intranet page). Only Slack's hooks host and the configured Slack's own are
    taken (the tests' fake Slack is the configured one)."""
    caplog.set_level(logging.DEBUG)
    fields = payload("slash_command", response_url="http://169.254.169.254/latest/meta-data")
    assert bot.command(fields).status == 400
    click = with_action(fake_slack, "helpful", "1")
    form = {**click, "response_url": None, "response_urls": [{"response_url": "https://x.test/"}]}
    assert bot.interaction(form).status == 400
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2, lines
    assert "response_url is not Slack's (http://169.254.169.254)" in lines[0]
    assert "response_url is not Slack's (https://x.test)" in lines[1]
    # Slack's own, and the configured Slack's (the fake), are taken.
    assert reply_origins("https://slack.com/api/") == {
        "https://hooks.slack.com",
        "https://slack.com",
    }
    assert "https://hooks.slack-gov.com" in reply_origins("https://slack-gov.com/api/")
    ok = payload("slash_command", response_url=fake_slack.url)
    assert bot.command(ok).status == 200
    [answered] = fake_slack.wait_for("response_url")
    assert "12 weeks" in str(answered.params)


def test_signed_clicks_missing_what_slack_always_sends_are_a_400_and_one_line(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt reads these without looking (``body["actions"][0]``, ``view["type"]``): each was
    a 500 with a stack trace, or a listener's traceback replying to an empty address."""
    caplog.set_level(logging.DEBUG)
    click = with_action(fake_slack, "helpful", "1")
    submission = payload("view_submission", question_id="1", answer="x")
    view_without_type = {k: v for k, v in submission["view"].items() if k != "type"}
    broken = [
        ({**click, "actions": []}, "actions is empty in a block_actions payload"),
        ({**click, "actions": [{"value": "1"}]}, "actions[0].action_id is missing"),
        ({**click, "response_url": ""}, "response_url is empty"),
        ({**click, "response_url": None}, "response_url is missing from a click on a message"),
        ({**submission, "view": None}, "view is missing from a view_submission"),
        ({**submission, "view": view_without_type}, "view.type is missing"),
        (
            {"type": "interactive_message", "callback_id": "x", "actions": []},
            "actions is empty in a interactive_message payload",
        ),
    ]
    refused_each(bot, caplog, broken)
    assert fake_slack.of("response_url") == []
    # A click in App Home has no response_url, but its view: it is answered.
    home = {**with_action(fake_slack, "start_tour", "tour:start"), "response_url": None}
    home["view"], home["container"] = {"type": "home", "id": "VHOME"}, {"type": "view"}
    assert bot.interaction(home).status == 200
    assert fake_slack.wait_for("chat.postMessage")[0].params["channel"] == "U123ASKER"


def _leaves(node: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        items: list[tuple[str | int, Any]] = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return []
    return [p for key, value in items for p in [(*at, key), *_leaves(value, (*at, key))]]


def _without(body: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    copied = copy.deepcopy(body)
    holder: Any = copied
    for key in path[:-1]:
        holder = holder[key]
    holder.pop(path[-1])
    return copied


def test_a_click_or_form_missing_any_one_field_is_never_a_500_nor_a_traceback(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Each field of a recorded click and form submission left out in turn: the request is
    answered (200) or refused (400), never a 500, and nothing logs a stack trace."""
    caplog.set_level(logging.WARNING)
    click = with_action(fake_slack, "helpful", ActionValue("q", entry_id="funding-notice").encode())
    submission = payload("view_submission", question_id="1", answer="x")
    for body in (click, submission):
        for path in _leaves(body):
            reply = bot.interaction(_without(body, path))
            assert reply.status in (200, 400, 404), (path, reply)
    # The listeners run after each acknowledgement: wait until they have all replied.
    settled, count = time.monotonic(), -1
    while time.monotonic() - settled < 2.5:
        if len(fake_slack.calls) != count:
            settled, count = time.monotonic(), len(fake_slack.calls)
        time.sleep(0.1)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def refused_each(
    bot: Bot, caplog: pytest.LogCaptureFixture, broken: list[tuple[dict[str, Any], str]]
) -> None:
    """Each body gets a 400 and one warning line naming what is wrong, never a traceback."""
    for body, named in broken:
        caplog.clear()
        reply = bot.interaction(body)
        assert reply.status == 400, (body, reply)
        lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1, lines
        assert named in lines[0]
        assert [r for r in caplog.records if r.exc_info] == []
