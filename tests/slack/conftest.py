"""A running bot (uvicorn on 127.0.0.1) against a fake Slack Web API, driven by signed payloads."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.adapters.slack.app import build_app
from bot.adapters.slack.server import asgi_app
from bot.adapters.slack.wiring import slack_services
from bot.chat.services import ChatServices
from bot.settings import Settings, load_settings

from ..ports import free_port
from .fake_slack import FakeSlack, start_fake_slack

PAYLOADS = Path(__file__).with_name("payloads")
SECRET = "test-signing-secret-0123456789"


def payload(name: str, **replace: str) -> dict[str, Any]:
    text = (PAYLOADS / f"{name}.json").read_text()
    for key, value in replace.items():
        text = text.replace(f"__{key.upper()}__", value)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Bot:
    url: str
    services: ChatServices
    server: uvicorn.Server

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Reply:
        stamp = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(
            self.url + "/slack/events",
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": signature or sign(body, stamp),
                **(headers or {}),
            },
        )
        return _send(request, timeout)

    def event(self, data: dict[str, Any], **kwargs: Any) -> Reply:
        return self.post(json.dumps(data), "application/json", **kwargs)

    def command(self, fields: dict[str, str], **kwargs: Any) -> Reply:
        return self.post(
            urllib.parse.urlencode(fields), "application/x-www-form-urlencoded", **kwargs
        )

    def interaction(self, data: dict[str, Any], **kwargs: Any) -> Reply:
        return self.post(
            urllib.parse.urlencode({"payload": json.dumps(data)}),
            "application/x-www-form-urlencoded",
            **kwargs,
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return _send(urllib.request.Request(self.url + path, method="GET", headers=headers or {}))


def serve_env(fake: FakeSlack, database_url: str, kb: Path, port: int) -> dict[str, str]:
    """The environment for ``compact-bot serve slack`` (or ``start``) in another process."""
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "COMPACT_KB": str(kb),
        "COMPACT_PORT": str(port),
        "COMPACT_HOST": "127.0.0.1",
        "COMPACT_PSEUDONYM_KEY": "serve-test-key-0123456789",
    }


def post_event(base_url: str, body: dict[str, Any]) -> Reply:
    """A signed Events API request to a bot running at ``base_url`` (another process)."""
    data = json.dumps(body)
    stamp = int(time.time())
    return _send(
        urllib.request.Request(
            f"{base_url}/slack/events",
            data=data.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": sign(data, stamp),
            },
        )
    )


def _send(request: urllib.request.Request, timeout: float = 30) -> Reply:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read().decode(), dict(error.headers))


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = start_fake_slack()
    yield fake
    fake.stop()


@pytest.fixture
def slack_settings(fake_slack: FakeSlack, database_url: str, kb_copy: Path) -> Settings:
    return load_settings(
        kb=kb_copy,
        database_url=database_url,
        slack_bot_token="xoxb-T1",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.api_url.rstrip("/"),  # the trailing slash is added for us
        champions_channel="CCHAMPIONS",
        review_channel="CREVIEW",
        admin_users="UADMIN",
        pseudonym_key="slack-test-key-0123456789",
    )


StartBot = Callable[..., Bot]


@pytest.fixture
def start_bot(database_url: str) -> Iterator[StartBot]:
    # Depends on the database so that it is torn down first: the bots write out their queued
    # log rows before the test's schema goes.
    servers: list[uvicorn.Server] = []
    bots: list[Bot] = []

    def _start(settings: Settings, *, services: ChatServices | None = None) -> Bot:
        services = services or slack_services(settings)
        app = build_app(services)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                asgi_app(app, services), host="127.0.0.1", port=port, log_level="warning"
            )
        )
        threading.Thread(target=server.run, daemon=True).start()
        deadline = time.time() + 15
        while not server.started and time.time() < deadline:
            time.sleep(0.02)
        assert server.started, "the bot's HTTP server did not start"
        servers.append(server)
        bots.append(Bot(f"http://127.0.0.1:{port}", services, server))
        return bots[-1]

    yield _start
    for server in servers:
        server.should_exit = True
    for bot in bots:
        bot.services.close()


@pytest.fixture
def bot(start_bot: StartBot, slack_settings: Settings) -> Bot:
    return start_bot(slack_settings)


def with_action(fake: FakeSlack, action_id: str, value: str, **changes: Any) -> dict[str, Any]:
    body = payload("block_actions", response_url=fake.url)
    body["actions"] = [
        {
            "action_id": action_id,
            "block_id": "b1",
            "text": {"type": "plain_text", "text": "x"},
            "value": value,
            "type": "button",
            "action_ts": "1700000601.000001",
        }
    ]
    body.update(copy.deepcopy(changes))
    return body
