"""The Web API client keeps one connection open across calls, survives the server closing it,
and still hands 429s and API errors to slack-sdk's own handling."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.adapters.slack.keepalive import KeepAliveWebClient

from .conftest import Bot, payload
from .fake_slack import FakeSlack


def client_for(fake: FakeSlack) -> KeepAliveWebClient:
    return KeepAliveWebClient(
        token="xoxb-T1",
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def test_calls_reuse_one_connection(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    for n in range(5):
        response = client.chat_postMessage(channel="C1", text=f"reply {n}")
        assert response["ok"] is True
    assert [c.params["text"] for c in fake_slack.of("chat.postMessage")] == [
        f"reply {n}" for n in range(5)
    ]
    assert fake_slack.connections == 1


def test_a_connection_closed_by_the_server_is_reopened(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    client.chat_postMessage(channel="C1", text="first")
    # Slack (or a proxy) drops idle keep-alive connections; the next call must still work.
    fake_slack.drop_connections()
    assert client.chat_postMessage(channel="C1", text="second")["ok"] is True
    assert [c.params["text"] for c in fake_slack.of("chat.postMessage")] == ["first", "second"]
    assert fake_slack.connections == 2


def test_rate_limits_and_api_errors_keep_the_stock_behaviour(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.fail_next(
        "chat.postMessage",
        status=429,
        body={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": "1"},
    )
    assert client.chat_postMessage(channel="C1", text="after a wait")["ok"] is True
    assert [c.method for c in fake_slack.calls] == ["chat.postMessage#failed", "chat.postMessage"]

    fake_slack.fail_next("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="CNOPE", text="lost")
    fake_slack.fail_next("chat.postMessage", status=500, body={"ok": False, "error": "fatal"})
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="server error")
    assert client.chat_postMessage(channel="C1", text="still works")["ok"] is True


def test_the_bots_replies_share_kept_alive_connections(bot: Bot, fake_slack: FakeSlack) -> None:
    """Bolt hands each request a new stock client; the bot's replies must still reuse open
    connections (one per worker thread at most), not open one per reply."""
    mentions = 20
    for number in range(mentions):
        event = payload("app_mention")
        event["event_id"] = f"EvKEEP{number}"
        event["event"]["ts"] = event["event"]["event_ts"] = f"1700000200.{number:06d}"
        assert bot.event(event).status == 200
        fake_slack.wait_for("chat.postMessage", number + 1)
    replies = fake_slack.of("chat.postMessage")
    assert sorted(c.params["thread_ts"] for c in replies) == [
        f"1700000200.{n:06d}" for n in range(mentions)
    ]
    assert all(c.token == "xoxb-T1" for c in replies)
    # Bolt runs listeners on at most 10 threads, and its first auth.test uses the stock client.
    assert fake_slack.connections <= 11
