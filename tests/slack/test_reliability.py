"""Signatures, retries across two processes, acknowledgement, rate limits and failures."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import create_engine

from bot.adapters.slack.wiring import slack_services
from bot.core.assistant import PreparedReply
from bot.core.question import Question
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.tables import DeliveryRow

from ..polling import eventually
from .conftest import Bot, StartBot, payload, sign
from .fake_slack import FakeSlack


def test_a_bad_signature_is_rejected_and_never_processed(bot: Bot, fake_slack: FakeSlack) -> None:
    body = json.dumps(payload("app_mention"))
    stamp = int(time.time())
    forged = bot.post(
        body,
        "application/json",
        timestamp=stamp,
        signature=sign(body, stamp, secret="wrong-secret"),
    )
    assert forged.status == 401
    stale = bot.post(body, "application/json", timestamp=stamp - 6 * 60)
    assert stale.status == 401
    time.sleep(0.5)
    assert fake_slack.of("chat.postMessage") == []
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    assert log.recent() == []


def test_a_retried_event_is_answered_once(bot: Bot, fake_slack: FakeSlack) -> None:
    event = payload("app_mention")
    assert bot.event(event).status == 200
    assert (
        bot.event(
            event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        ).status
        == 200
    )
    fake_slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(fake_slack.of("chat.postMessage")) == 1


def test_two_processes_sharing_one_database_answer_each_event_once(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    first, second = start_bot(slack_settings), start_bot(slack_settings)
    assert first.services.database is not second.services.database
    events = []
    for n in range(5):
        event = payload("app_mention")
        event["event_id"] = f"EvSHARED{n}"
        events.append(event)
    threads = [
        threading.Thread(target=bot.event, args=(event,))
        for event in events
        for bot in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fake_slack.wait_for("chat.postMessage", 5)
    time.sleep(0.5)
    assert len(fake_slack.of("chat.postMessage")) == 5


def test_acknowledgement_does_not_wait_for_the_answer(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    """The ack goes back while matching is stuck. On PostgreSQL the event's claim row was sent
    before the ack, so it is already there while the match runs; the reply waits for both."""
    services = slack_services(slack_settings)
    release, matching = threading.Event(), threading.Event()
    real_prepare = services.assistant.prepare

    def stuck_prepare(question: Question) -> PreparedReply:
        matching.set()
        release.wait(10)  # the matcher is stuck
        return real_prepare(question)

    services.assistant.prepare = stuck_prepare  # type: ignore[method-assign]
    bot = start_bot(slack_settings, services=services)
    event = payload("app_mention")
    reply = bot.event(event)  # returns while the match below is still stuck
    assert reply.status == 200
    assert matching.wait(5)
    assert services.database is not None
    if services.database.dialect == "postgresql":  # sent by middleware, before the ack
        assert eventually(lambda: claimed(services.database, event["event_id"]) or None)
    else:  # SQLite claims just before replying
        assert not claimed(services.database, event["event_id"])
    assert fake_slack.of("chat.postMessage") == []
    release.set()
    fake_slack.wait_for("chat.postMessage")
    assert claimed(services.database, event["event_id"])


def claimed(database: Database | None, event_id: str) -> bool:
    assert database is not None
    with database.session() as session:
        return session.get(DeliveryRow, event_id) is not None


def test_rate_limits_are_retried_after_retry_after(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next(
        "chat.postMessage",
        status=429,
        body={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": "1"},
    )
    bot.event(payload("app_mention"))
    fake_slack.wait_for("chat.postMessage")
    assert [c.method for c in fake_slack.calls if c.method.startswith("chat.postMessage")] == [
        "chat.postMessage#failed",
        "chat.postMessage",
    ]


def test_a_slack_error_is_logged_and_the_server_keeps_going(
    bot: Bot, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail_next("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    bot.event(payload("app_mention"))
    fake_slack.wait_for("chat.postMessage#failed")
    second = payload("message_im")
    assert bot.event(second).status == 200
    fake_slack.wait_for("chat.postMessage")
    assert bot.get("/healthz").status == 200


def test_a_database_outage_still_gets_an_answer(bot: Bot, fake_slack: FakeSlack) -> None:
    database = bot.services.database
    assert database is not None
    down = Database(
        create_engine(
            "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
        )
    )
    database.engine, database._sessions = down.engine, down._sessions  # the server has gone away
    assert bot.event(payload("app_mention")).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert "three months" in json.dumps(post.params["blocks"])
    health = json.loads(bot.get("/healthz").body)
    assert health == {
        "status": "ok",
        "entries": len(bot.services.store.current.kb),
        "database": "unavailable",
        "channels": ["slack"],
    }


def test_healthz_reports_the_knowledge_base_and_database(bot: Bot) -> None:
    reply = bot.get("/healthz")
    assert reply.status == 200
    assert json.loads(reply.body)["database"] == "ok"
    assert json.loads(reply.body)["entries"] > 90
