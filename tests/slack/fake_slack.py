"""A local fake of Slack's Web API and response URLs on 127.0.0.1, recording every call."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.perf_counter)  # when the fake received it


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(
        default_factory=dict
    )
    condition: threading.Condition = field(default_factory=threading.Condition)
    ts: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]
    server: ThreadingHTTPServer | None = None
    socket_url: str | None = None  # what apps.connections.open hands out (Socket Mode)
    connections: int = 0  # TCP connections accepted (keep-alive reuses them)
    sockets: list[socket.socket] = field(default_factory=list)

    def drop_connections(self) -> None:
        """Close every open connection from the server's side, as Slack does to idle ones."""
        with self.condition:
            open_sockets, self.sockets = self.sockets, []
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """Stop serving and close every connection, kept-alive ones included: a client that
        still holds one must not go on talking to a fake from an earlier test."""
        assert self.server is not None
        self.server.shutdown()
        self.drop_connections()
        self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.failures.setdefault(method, []).append(
            (status, body or {"ok": False, "error": "fatal_error"}, headers or {})
        )

    def record(self, call: Call) -> None:
        with self.condition:
            self.calls.append(call)
            self.condition.notify_all()

    def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> list[Call]:
        with self.condition:
            self.condition.wait_for(lambda: len(self.of(method)) >= count, timeout=timeout)
            found = self.of(method)
        assert len(found) >= count, (
            f"expected {count} {method} call(s), got {len(found)}: {[c.method for c in self.calls]}"
        )
        return found

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def response(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        team = (token or "xoxb-T1").rsplit("-", 1)[-1]
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "user": "compact",
                "team_id": team,
                "team": team,
                "bot_id": f"B{team}",
                "url": "https://example.slack.com/",
            }
        if method == "oauth.v2.access":
            workspace = str(params.get("code", "T1")).removeprefix("code-")
            return {
                "ok": True, "app_id": "A1", "access_token": f"xoxb-{workspace}", "token_type": "bot",
                "scope": "chat:write,commands", "bot_user_id": "UBOT", "team": {"id": workspace, "name": f"Workspace {workspace}"},
                "authed_user": {"id": "UINSTALLER"}, "enterprise": None, "is_enterprise_install": False,
            }  # fmt: skip
        if method == "apps.connections.open":
            if self.socket_url is None:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_url}
        if method in {"chat.postMessage", "chat.update"}:
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": f"1700000000.{next(self.ts):06d}",
            }
        return {"ok": True}


# Slack's documented limits, which it enforces by refusing the whole message.
LIMITS = {"button value": 2000, "button text": 75, "mrkdwn text": 3000, "header text": 150}
MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}


def invalid_blocks(params: dict[str, Any]) -> str | None:
    """Why Slack would answer ``invalid_blocks`` to these parameters, or None."""
    surfaces = []
    if "blocks" in params:
        blocks = params["blocks"]
        surfaces.append(("message", json.loads(blocks) if isinstance(blocks, str) else blocks))
    if "view" in params:
        view = params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        surfaces.append((view.get("type", "modal"), view.get("blocks", [])))
    for surface, blocks in surfaces:
        if len(blocks) > MAX_BLOCKS.get(surface, 50):
            return f"{len(blocks)} blocks in a {surface}"
        for block in blocks:
            for what, text in _limited(block):
                if len(text) > LIMITS[what]:
                    return f"{what} of {len(text)} characters"
    return None


def _limited(block: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    elements = [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]
    for element in elements:
        if element.get("type") == "button":
            found += [
                ("button value", element.get("value", "")),
                ("button text", element["text"]["text"]),
            ]
        elif element.get("type") == "mrkdwn":
            found.append(("mrkdwn text", element["text"]))
    if block.get("type") == "section" and "text" in block:
        found.append(("mrkdwn text", block["text"]["text"]))
    if block.get("type") == "header":
        found.append(("header text", block["text"]["text"]))
    return found


def start_fake_slack() -> FakeSlack:
    fake = FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # like Slack: connections are kept alive

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK stall every kept-alive response by about 40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with fake.condition:
                fake.connections += 1
                fake.sockets.append(self.connection)

        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params = json.loads(raw or "{}")
            else:
                params = {k: v[0] for k, v in parse_qs(raw).items()}
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ") or params.get(
                "token"
            )
            method = (
                self.path.removeprefix("/api/").split("?")[0]
                if self.path.startswith("/api/")
                else "response_url"
            )
            queued = fake.failures.get(method)
            if queued:
                status, body, headers = queued.pop(0)
                fake.record(Call(f"{method}#failed", params, token))
                self.reply(status, json.dumps(body).encode(), headers)
                return
            problem = invalid_blocks(params)
            if problem is not None:
                fake.record(Call(f"{method}#invalid_blocks", params, token))
                body = {"ok": False, "error": "invalid_blocks", "detail": problem}
                self.reply(200, json.dumps(body).encode())
                return
            fake.record(Call(method, params, token))
            body = (
                fake.response(method, params, token) if method != "response_url" else {"ok": True}
            )
            self.reply(200, json.dumps(body).encode() if method != "response_url" else b"ok")

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    return fake
