"""The Teams SDK's HTTP routes on our own Starlette app, instead of its FastAPI server.

The SDK registers ``POST /api/messages`` through this adapter (its ``HttpServerAdapter``
protocol); the route exists from the start and answers 503 until the SDK is initialised.

Teams stops delivering to a bot for hours after repeated 500s. The SDK answers 500 to
activity types, invokes and events it cannot parse, so any 500 it returns becomes a 200 with a
log line naming what arrived. Authentication failures (401) pass through unchanged.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.errors import ConfigError
from bot.server import read_body

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Teams activities are a few kilobytes; cards up to about 40 KB
_UNSAFE = re.compile(r"[^\w./:;@ -]")


def _shown(value: Any) -> str:
    """A field from the request, safe for a log line."""
    return _UNSAFE.sub("?", str(value))[:80]


class StarletteRoutes:
    """Implements the SDK's ``HttpServerAdapter`` protocol for the routes it registers."""

    def __init__(self) -> None:
        self._handlers: dict[str, Any] = {}

    def register_route(self, method: str, path: str, handler: Any) -> None:
        if method != "POST":
            raise ValueError(f"The Teams routes take POST only, not {method} {path}.")
        self._handlers[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        """Only SDK plugins (its dev tools, say) ask for static pages; none is installed, and
        serving files from a folder a plugin names is nothing a chat bot should do."""
        log.warning(
            "Teams: ignored a request to serve static pages at %s from %s; the Compact "
            "Assistant serves only /api/messages and /healthz",
            _shown(path),
            _shown(directory),
        )

    async def start(self, port: int) -> None:
        raise ConfigError(
            f"The Teams SDK's own server (port {port}) is not used: start the Teams bot with "
            "'compact-bot serve' or 'compact-bot serve teams', which serve /api/messages on "
            "the assistant's one server."
        )

    async def stop(self) -> None:
        return None

    def route(self, path: str = "/api/messages") -> Route:
        async def endpoint(request: Request) -> Response:
            handler = self._handlers.get(path)
            if handler is None:
                return JSONResponse({"error": "Teams is starting"}, status_code=503)
            raw = await read_body(request, MAX_BODY_BYTES)
            if raw is None:
                return JSONResponse({"error": "Request too large"}, status_code=413)
            try:
                body = json.loads(raw)
            except ValueError:
                return JSONResponse({"error": "The body is not JSON"}, status_code=400)
            if not isinstance(body, dict):
                return JSONResponse({"error": "The body is not an activity"}, status_code=400)
            result = await handler({"body": body, "headers": dict(request.headers)})
            status, content = int(result["status"]), result.get("body")
            if status >= 500:
                log.warning(
                    "Teams activity not handled (type %s, name %s, id %s); answered 200 so that "
                    "Teams keeps delivering",
                    _shown(body.get("type")),
                    _shown(body.get("name")),
                    _shown(body.get("id")),
                )
                return Response(status_code=200)
            if content is None:
                return Response(status_code=status)
            return JSONResponse(content, status_code=status)

        return Route(path, endpoint, methods=["POST"])
