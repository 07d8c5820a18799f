"""The Teams SDK's HTTP routes on our own Starlette app, instead of its FastAPI server.

The SDK registers ``POST /api/messages`` through this adapter (its ``HttpServerAdapter``
protocol); the route exists from the start and answers 503 until the SDK is initialised.

Teams stops delivering to a bot for hours after repeated 500s. The SDK answers 500 to
activity types, invokes and events it cannot parse, so any 500 it returns becomes a 200 with a
log line naming what arrived. Authentication failures (401) pass through unchanged.

An activity that carries a good token but is not one Teams sends (a field of the wrong type, a
required field missing) is answered 400 with one log line naming the field, instead of the
SDK's validation traceback: the validation error the SDK logs is taken from its log record
and named in the reply. The SDK checks the token first, so a stranger's malformed request is
a 401. So is one the SDK accepts but that names a conversation no reply could be sent to (a
line break in its id, say: see ``activities.address_problem``): the listeners ``refuse`` it
before doing anything, and it is answered 400 with one log line, not a traceback per send.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.errors import ConfigError
from bot.server import read_body
from bot.words import one_line

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Teams activities are a few kilobytes; cards up to about 40 KB


@dataclass(frozen=True, slots=True)
class ActivityProblem:
    """Why the SDK will not accept an activity: ``where`` names the field ("from.id"),
    ``what`` says what is wrong with it. ``unknown_kind`` is an activity type, or an event or
    invoke name, the SDK has no model for (Teams may add them): not a malformed request."""

    where: str
    what: str
    unknown_kind: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


def activity_problem(error: ValidationError, body: dict[str, Any]) -> ActivityProblem:
    """What the SDK's models found wrong with ``body``, from the error they raised."""
    errors = error.errors(include_url=False, include_input=False)
    first = errors[0]
    # The union's own tags (the activity's type, an event's name) lead the location.
    location = list(first["loc"])
    for tag in (body.get("type"), body.get("name")):
        if location and location[0] == tag:
            location.pop(0)
    # Pydantic names the member of a union it tried ("literal['webchat','msteams']").
    where = ".".join(str(part) for part in location if "[" not in str(part))
    kind = first["type"]
    what = "missing" if kind == "union_tag_not_found" else first["msg"]
    if kind == "union_tag_not_found":
        where = where or "type"
    more = len(errors) - 1
    if more:
        what += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ActivityProblem(
        one_line(where, 200), one_line(what, 200), unknown_kind=kind == "union_tag_invalid"
    )


# Set while the SDK handles an activity: the validation error it logs with a traceback when
# its models refuse the activity (``CoreActivity``, then the union of activity types, which
# pydantic calls "tagged-union[...]") is taken instead, and the route logs one line for it.
_REFUSED: ContextVar[list[ValidationError] | None] = ContextVar("teams_refused", default=None)


class _TakeValidationTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        refused, error = _REFUSED.get(), record.exc_info[1] if record.exc_info else None
        if refused is None or not isinstance(error, ValidationError):
            return True
        if error.title != "CoreActivity" and not error.title.startswith("tagged-union["):
            return True
        refused.append(error)
        return False


logging.getLogger("microsoft_teams.apps.http.http_server").addFilter(_TakeValidationTraceback())

# Set while the SDK handles an activity: why the listeners refused it, once its token was good.
_REFUSED_BY_US: ContextVar[list[str] | None] = ContextVar("teams_refused_by_us", default=None)


def refuse(problem: str) -> None:
    """Refuse the activity being handled (its token is good, but it is not one Teams sends):
    the route answers 400 and logs ``problem``, one line."""
    refused = _REFUSED_BY_US.get()
    if refused is None:  # not through the route (the SDK's own server is never used)
        log.warning("Teams activity refused: %s", problem)
        return
    refused.append(problem)


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
            one_line(path, 80),
            one_line(directory, 80),
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
            except RecursionError:  # "[[[[..." from anyone: the token is checked later
                return JSONResponse({"error": "The body is nested too deeply"}, status_code=400)
            if not isinstance(body, dict):
                return JSONResponse({"error": "The body is not an activity"}, status_code=400)
            refused: list[ValidationError] = []
            by_us: list[str] = []
            taking, ours = _REFUSED.set(refused), _REFUSED_BY_US.set(by_us)
            try:  # the SDK checks the token first: a stranger's request is a 401 regardless
                result = await handler({"body": body, "headers": dict(request.headers)})
            finally:
                _REFUSED.reset(taking)
                _REFUSED_BY_US.reset(ours)
            status, content = int(result["status"]), result.get("body")
            if by_us:
                log.warning(
                    "Teams activity refused: %s (type %s, id %s); answered 400",
                    by_us[0],
                    one_line(body.get("type"), 80),
                    one_line(body.get("id"), 80),
                )
                return JSONResponse(
                    {"error": f"The activity is not one Teams sends: {by_us[0]}"},
                    status_code=400,
                )
            problem = activity_problem(refused[0], body) if refused else None
            if status >= 500 and problem is not None and not problem.unknown_kind:
                log.warning(
                    "Teams activity refused: %s (type %s, id %s); answered 400",
                    problem,
                    one_line(body.get("type"), 80),
                    one_line(body.get("id"), 80),
                )
                return JSONResponse(
                    {"error": f"The activity is not one Teams sends: {problem}"}, status_code=400
                )
            if status >= 500:
                log.warning(
                    "Teams activity not handled (type %s, name %s, id %s%s); answered 200 so "
                    "that Teams keeps delivering",
                    one_line(body.get("type"), 80),
                    one_line(body.get("name"), 80),
                    one_line(body.get("id"), 80),
                    f"; {problem}" if problem is not None else "",
                )
                return Response(status_code=200)
            if content is None:
                return Response(status_code=status)
            return JSONResponse(content, status_code=status)

        return Route(path, endpoint, methods=["POST"])
