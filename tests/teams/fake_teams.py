"""A local fake of Teams' side on 127.0.0.1: the Bot Connector the bot sends to (recording
every call), and the OpenID metadata and signing keys with which Teams' requests are checked.
``token`` signs a request the way the Bot Framework does, with a key only this fake holds."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
KEY_ID = "fake-teams-key-1"
_ACTIVITIES = re.compile(
    r"/v3/conversations/(?P<conversation>[^/]+)/activities(?:/(?P<id>[^/?]+))?"
)
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # once per test run


@dataclass
class Sent:
    """One call the bot made to the connector."""

    method: str  # POST (a new message) or PUT (an update)
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None
    status: int = 200  # what the fake answered

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def text(self) -> str:
        """Everything a person would read: the message text and every card's text."""
        return str(self.body.get("text", "")) + " " + json.dumps(self.cards, ensure_ascii=False)


@dataclass
class FakeTeams:
    sent: list[Sent] = field(default_factory=list)
    failed: list[Sent] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    key_fetches: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def service_url(self) -> str:
        """What activities name as their ``serviceUrl``, like Teams' regional ones."""
        return self.url + "/uk/"

    @property
    def openid_url(self) -> str:
        return self.url + "/v1/.well-known/openidconfiguration"

    def token(
        self,
        audience: str,
        *,
        service_url: str | None = None,
        expires_in: int = 3600,
        issuer: str = ISSUER,
        key: Any = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or _KEY, algorithm="RS256", headers={"kid": KEY_ID})

    def fail_next(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next call with ``status`` (and ``headers``, e.g. Retry-After)."""
        with self.condition:
            self.failures.append((status, headers or {}))

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[Sent]:
        with self.condition:
            self.condition.wait_for(lambda: len(self.sent) >= count, timeout=timeout)
            found = list(self.sent)
        assert len(found) >= count, f"expected {count} message(s), got {len(found)}: {found}"
        return found

    def quiet(self, seconds: float = 0.5) -> list[Sent]:
        """What has been sent after waiting ``seconds`` for anything more."""
        time.sleep(seconds)
        with self.condition:
            return list(self.sent)

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    def _record(self, call: Sent, failed: bool) -> None:
        with self.condition:
            (self.failed if failed else self.sent).append(call)
            self.condition.notify_all()


def _jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key()))
    return {"keys": [{**public, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}]}


def start_fake_teams() -> FakeTeams:
    fake = FakeTeams()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            if self.path.endswith("/openidconfiguration"):
                self.reply(
                    200,
                    {
                        "issuer": ISSUER,
                        "jwks_uri": fake.url + "/v1/.well-known/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    },
                )
            elif self.path.endswith("/keys"):
                with fake.condition:
                    fake.key_fetches += 1
                self.reply(200, _jwks())
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            self._activity("POST")

        def do_PUT(self) -> None:
            self._activity("PUT")

        def _activity(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            match = _ACTIVITIES.search(urllib.parse.urlsplit(self.path).path)
            if match is None:
                self.reply(404, {"error": {"code": "NotFound", "message": self.path}})
                return
            with fake.condition:
                failure = fake.failures.pop(0) if fake.failures else None
            call = Sent(
                method,
                urllib.parse.unquote(match["conversation"]),
                match["id"],
                body,
                self.headers.get("Authorization"),
            )
            if failure is not None:
                call.status = failure[0]
                fake._record(call, failed=True)
                self.reply(failure[0], {"error": {"code": "Fake", "message": "failed"}}, failure[1])
                return
            activity_id = match["id"] or f"1765000000{next(fake.ids):03d}"
            fake._record(call, failed=False)
            self.reply(201 if method == "POST" else 200, {"id": activity_id})

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    return fake
