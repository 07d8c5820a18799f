"""A hung database (it accepts connections and never answers) through signed HTTP requests:
every delivery is still acknowledged within Slack's 3 seconds, and answered once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.settings import Settings
from tests.conftest import postgres_url_or_skip

from .conftest import StartBot, payload
from .fake_slack import FakeSlack
from .frozen_proxy import FrozenProxy

SLACK_ACK_DEADLINE_S = 3.0  # Slack retries a delivery not acknowledged by then
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture
def proxied_postgres(database_url: str) -> Iterator[tuple[str, FrozenProxy]]:
    """A private schema on the test PostgreSQL, reached through a proxy that can freeze."""
    if database_url.startswith("sqlite"):
        pytest.skip("a hung server is PostgreSQL's case")
    base = make_url(postgres_url_or_skip())
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    proxy = FrozenProxy(base.host or "127.0.0.1", base.port or 5432)
    url = base.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False), proxy
    finally:
        proxy.thaw()
        proxy.stop()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def mention(event_id: str) -> dict:  # type: ignore[type-arg]
    event = payload("app_mention")
    event["event_id"] = event_id
    event["event"]["ts"] = event["event"]["thread_ts"] = f"17000{abs(hash(event_id)) % 10**5}.0001"
    return event


def test_a_hung_database_never_holds_up_the_ack_and_each_event_is_answered_once(
    start_bot: StartBot,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    proxied_postgres: tuple[str, FrozenProxy],
) -> None:
    url, proxy = proxied_postgres
    bot = start_bot(slack_settings.model_copy(update={"database_url": url, "db_budget_ms": 300}))
    assert bot.event(mention("EvWARM")).status == 200
    fake_slack.wait_for("chat.postMessage")

    proxy.freeze()
    frozen = mention("EvFROZEN")
    for headers in ({}, RETRY, {**RETRY, "X-Slack-Retry-Num": "2"}):
        # The request raises if the ack is later than Slack's deadline.
        reply = bot.event(frozen, headers=headers, timeout=SLACK_ACK_DEADLINE_S)
        assert reply.status == 200
    answered = fake_slack.wait_for("chat.postMessage", 2)
    assert answered[-1].params["thread_ts"] == frozen["event"]["ts"]
    other = mention("EvFROZEN2")
    assert bot.event(other, timeout=SLACK_ACK_DEADLINE_S).status == 200
    fake_slack.wait_for("chat.postMessage", 3)

    proxy.thaw()
    assert bot.event(frozen, headers={**RETRY, "X-Slack-Retry-Num": "3"}).status == 200
    assert bot.event(mention("EvAFTER")).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 4)
    time.sleep(1.0)  # time for any duplicate to arrive
    threads = [p.params["thread_ts"] for p in fake_slack.of("chat.postMessage")]
    assert threads.count(frozen["event"]["ts"]) == 1, "answered once, frozen or not"
    assert len(threads) == 4, [p.params.get("thread_ts") for p in posts]
