"""A running Teams bot against a fake Teams (connector and signing keys on 127.0.0.1), driven
by realistic activities carrying tokens signed the way the Bot Framework signs them.

``teams_bot`` serves the app in-process (quick); ``start_teams(settings, socket=True)`` serves
it with uvicorn on a real socket, as in production."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import uvicorn

from bot.adapters.teams.app import TeamsBot, build_teams
from bot.runtime import build_runtime
from bot.server import build_server
from bot.settings import Settings, load_settings

from ..ports import free_port
from .fake_teams import FakeTeams, start_fake_teams

ACTIVITIES = Path(__file__).with_name("activities")
APP_ID = "4a9c2e71-5b3d-4f8e-9a1c-7d6e5f4b3a21"
TENANT = "8e2b6d4f-1a3c-4e5b-9d7f-0c2a4e6b8d1f"
USER = "c3d5e7f9-2b4a-4c6e-8f0a-1b3d5f7a9c2e"
ADMIN = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
CHAMPION = "d4c3b2a1-6f5e-4b7a-9d8c-5c4b3a2f1e0d"
CHANNEL = "19:Gq2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX@thread.tacv2"
CHAMPIONS = "19:Ch4mP10nS0a1b2c3d4e5f6g7h8i9j0kL@thread.tacv2"
REVIEW = "19:R3v1eWgR0uP9f8e7d6c5b4a3z2y1x0wV@thread.tacv2"
SECRET = "not-a-real-client-secret"
# What Microsoft Entra would give the bot for its client secret (the SDK reads it as a JWT).
OUTBOUND_TOKEN = jwt.encode(
    {"aud": "https://api.botframework.com", "appid": APP_ID, "exp": 4102444800},
    "Microsoft Entra signs this; the fake connector does not check",
    algorithm="HS256",
)
_ids = itertools.count(1)


def activity(name: str, *, text: str = "", user: str = USER, **replace: str) -> dict[str, Any]:
    """A recorded Teams activity with its placeholders filled in; a fresh id each time."""
    raw = (ACTIVITIES / f"{name}.json").read_text()
    fills = {
        "ID": f"17650{next(_ids):08d}",
        "APP": APP_ID,
        "TENANT": TENANT,
        "USER": user,
        "CHANNEL": CHANNEL,
        **{key.upper(): value for key, value in replace.items()},
    }
    for key, value in fills.items():
        raw = raw.replace(f"__{key}__", value)
    body: dict[str, Any] = json.loads(raw.replace("__TEXT__", json.dumps(text)[1:-1]))
    return body


def card_action(
    action: str, value: str = "", *, service_url: str, user: str = USER, **data: str
) -> dict[str, Any]:
    body = activity("card_action", service_url=service_url, user=user, verb=action)
    body["value"]["action"]["data"] = {"action": action, "value": value, **data}
    return body


@dataclass
class Reply:
    status: int
    body: Any


@dataclass
class Bot:
    """A served Teams bot, and the fake Teams it talks to."""

    bot: TeamsBot
    fake: FakeTeams
    post_raw: Callable[[bytes, dict[str, str]], Reply]
    get: Callable[[str], str]

    @property
    def services(self) -> Any:
        return self.bot.services

    def post(
        self,
        body: dict[str, Any],
        *,
        token: str | None = "valid",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        if token == "valid":
            token = self.fake.token(APP_ID, service_url=body.get("serviceUrl"))
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return self.post_raw(json.dumps(body).encode(), sent)

    def message(self, text: str, **replace: str) -> Reply:
        return self.post(
            activity("personal_message", text=text, service_url=self.fake.service_url, **replace)
        )

    def mention(self, text: str, **replace: str) -> Reply:
        return self.post(
            activity("channel_mention", text=text, service_url=self.fake.service_url, **replace)
        )

    def click(self, action: str, value: str = "", **data: str) -> Reply:
        return self.post(card_action(action, value, service_url=self.fake.service_url, **data))


class LoopThread:
    """An event loop in its own thread: where the in-process app runs, as under uvicorn."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


def outbound_token(scope: Any, tenant: Any) -> str:
    """Stands in for the client-secret exchange with Microsoft Entra."""
    return OUTBOUND_TOKEN


@pytest.fixture
def fake_teams() -> Iterator[FakeTeams]:
    fake = start_fake_teams()
    yield fake
    fake.stop()


@pytest.fixture
def teams_settings(fake_teams: FakeTeams, database_url: str, kb_copy: Path) -> Settings:
    return load_settings(
        kb=kb_copy,
        database_url=database_url,
        teams_client_id=APP_ID,
        teams_client_secret=SECRET,
        teams_tenant_id=TENANT,
        teams_openid_url=fake_teams.openid_url,
        teams_service_url=fake_teams.service_url,
        teams_champions_channel=CHAMPIONS,
        teams_review_channel=REVIEW,
        teams_admin_users=ADMIN.upper(),  # object ids are compared without regard to case
        pseudonym_key="teams-test-key-0123456789",
    )


StartTeams = Callable[..., Bot]


@pytest.fixture
def start_teams(fake_teams: FakeTeams, database_url: str) -> Iterator[StartTeams]:
    """Serve a Teams bot in-process, or on a real socket with ``socket=True``. Depends on the
    database so that it is torn down first: queued log rows are written before the schema goes."""
    stops: list[Callable[[], None]] = []

    def _start(settings: Settings, *, socket: bool = False) -> Bot:
        runtime = build_runtime(settings, write_behind=True)
        teams = build_teams(runtime, token_provider=outbound_token)
        asgi = build_server([teams.channel()], store=runtime.store, database=runtime.database)
        post, get = _serve_socket(asgi, stops) if socket else _serve_in_process(asgi, stops)
        stops.append(runtime.close)
        return Bot(teams, fake_teams, post, get)

    yield _start
    for stop in reversed(stops):
        stop()


Post = Callable[[bytes, dict[str, str]], Reply]
Get = Callable[[str], str]


def _serve_in_process(asgi: Any, stops: list[Callable[[], None]]) -> tuple[Post, Get]:
    loop = LoopThread()
    lifespan = asgi.router.lifespan_context(asgi)
    loop.run(lifespan.__aenter__())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://bot.test")

    def stop() -> None:
        loop.run(client.aclose())
        loop.run(lifespan.__aexit__(None, None, None))
        loop.stop()

    stops.append(stop)

    def post(body: bytes, headers: dict[str, str]) -> Reply:
        response = loop.run(client.post("/api/messages", content=body, headers=headers))
        return Reply(response.status_code, response.json() if response.content else None)

    def get(path: str) -> str:
        return str(loop.run(client.get(path)).text)

    return post, get


def _serve_socket(asgi: Any, stops: list[Callable[[], None]]) -> tuple[Post, Get]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started, "the bot's HTTP server did not start"

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    stops.append(stop)

    def post(body: bytes, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/messages", data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                return Reply(response.status, json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            return Reply(error.code, json.loads(raw) if raw else None)

    def get(path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return str(response.read().decode())

    return post, get


@pytest.fixture
def teams(start_teams: StartTeams, teams_settings: Settings) -> Bot:
    return start_teams(teams_settings)


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every ``Action.Execute`` in a card, in order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def button(card: dict[str, Any], verb: str, number: int = 0) -> dict[str, Any]:
    return [b for b in buttons(card) if b["verb"] == verb][number]


def invoke_value(reply: Reply) -> Any:
    """What Teams shows after a click: a message under the card, or a card in its place."""
    assert reply.status == 200, reply
    assert reply.body["statusCode"] == 200, reply.body
    return reply.body["value"]


def card_nodes(node: Any, *types: str) -> list[dict[str, Any]]:
    """Every element of ``node`` (a card or a part of one) whose type is one of ``types``,
    in the order they are shown."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") in types:
            found.append(node)
        for value in node.values():
            found += card_nodes(value, *types)
    elif isinstance(node, list):
        for item in node:
            found += card_nodes(item, *types)
    return found


def shown_text(card: dict[str, Any]) -> str:
    """What a person reads on a card: its text blocks and runs, without markdown's marks."""
    return "".join(
        str(node["text"]).replace("**", "")
        for node in card_nodes(card["body"], "TextBlock", "TextRun")
    )
