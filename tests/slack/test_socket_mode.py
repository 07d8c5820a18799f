"""Socket Mode, end to end: ``compact-bot serve slack`` with SLACK_APP_TOKEN set opens a
connection through ``apps.connections.open``, takes an @mention over the WebSocket,
acknowledges its envelope and answers in the thread, all against local fakes."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .conftest import payload
from .fake_slack import FakeSlack


@dataclass
class FakeSocketMode:
    """Slack's side of a Socket Mode connection: says hello, pushes envelopes, and records
    the acknowledgements that come back."""

    envelopes: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    acks: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    connected: threading.Event = field(default_factory=threading.Event)
    server: Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        try:
            while True:
                try:
                    envelope = self.envelopes.get(timeout=0.1)
                    connection.send(json.dumps(envelope))
                except queue.Empty:
                    pass
                try:
                    message = connection.recv(timeout=0.01)
                except TimeoutError:
                    continue
                self.acks.put(json.loads(message))
        except ConnectionClosed:
            return


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode()
    fake.server = serve(fake.handle, "127.0.0.1", 0)
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    yield fake
    fake.server.shutdown()


def _serve_over_socket_mode(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode, tmp_path: Path
) -> subprocess.Popen[str]:
    """``compact-bot serve slack`` with an app token (Socket Mode) against the fakes."""
    fake_slack.socket_url = socket_mode.url
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_APP_TOKEN": "xapp-1-A1-socket-test",
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "COMPACT_PSEUDONYM_KEY": "socket-mode-test-key-0123456789",
    }
    env.pop("SLACK_SIGNING_SECRET", None)
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "slack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return bot


def test_socket_mode_answers_a_mention_and_acknowledges_the_envelope(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode, tmp_path: Path
) -> None:
    bot = _serve_over_socket_mode(fake_slack, socket_mode, tmp_path)
    try:
        assert socket_mode.connected.wait(30), "the bot never opened a Socket Mode connection"
        [opened] = fake_slack.of("apps.connections.open")
        assert opened.token == "xapp-1-A1-socket-test"
        event = payload("app_mention")
        socket_mode.envelopes.put(
            {
                "envelope_id": "env-mention-1",
                "type": "events_api",
                "payload": event,
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        ack = socket_mode.acks.get(timeout=15)
        assert ack["envelope_id"] == "env-mention-1"
        [post] = fake_slack.wait_for("chat.postMessage", timeout=15)
        assert post.params["channel"] == event["event"]["channel"]
        assert post.params["thread_ts"] == event["event"]["ts"]
        assert "three months" in json.dumps(post.params)
    finally:
        bot.terminate()
        output, _ = bot.communicate(timeout=15)
    assert "Socket Mode" in output


def test_a_socket_mode_envelope_of_the_wrong_shape_is_one_line_and_dropped(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode, tmp_path: Path
) -> None:
    # As over HTTP: a field of a type Slack never sends is named in one line, not a listener
    # traceback; the envelope is acknowledged so that Slack does not send it again.
    bot = _serve_over_socket_mode(fake_slack, socket_mode, tmp_path)
    mention = payload("app_mention")
    broken = [
        {**mention, "event": {**mention["event"], "text": {"question": "notice"}}},
        {**mention, "event": "how much notice?"},
        {**mention, "authorizations": "T1"},
    ]
    try:
        assert socket_mode.connected.wait(30), "the bot never opened a Socket Mode connection"
        for n, body in enumerate([*broken, mention]):
            socket_mode.envelopes.put(
                {"envelope_id": f"env-{n}", "type": "events_api", "payload": body}
            )
        acks = {socket_mode.acks.get(timeout=15)["envelope_id"] for _ in range(4)}
        assert acks == {f"env-{n}" for n in range(4)}
        [post] = fake_slack.wait_for("chat.postMessage", timeout=15)
        assert "three months" in json.dumps(post.params)
    finally:
        bot.terminate()
        output, _ = bot.communicate(timeout=15)
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if "could not be read" in line]
    assert len(lines) == 3, output
    assert "event.text is an object, not text" in lines[0]
    assert "event is text, not an object" in output
    assert "authorizations is text" in output
    assert "Slack Socket Mode envelope (events_api) could not be read" in lines[0]
