"""Slack's HTTP endpoints: Bolt on Starlette, served by ``bot.server`` with /healthz beside them.

Bolt's own work (checking the signature, authorising, acknowledging) runs in a worker thread,
so a slow database never blocks the event loop; listeners run after the acknowledgement.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.request.internals import (
    build_normalized_headers,
    extract_content_type,
    parse_body,
)
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.slack.shapes import reply_origins, shape_problem
from bot.chat.services import ChatServices
from bot.server import ServedChannel, build_server, read_body
from bot.words import one_line

log = logging.getLogger(__name__)

# Slack caps a message at 40,000 characters; its largest payloads (a message's blocks, a
# modal's state) stay well under this. Anything bigger is refused before it is read.
MAX_SLACK_BODY = 2_000_000


def _to_response(bolt: BoltResponse) -> Response:
    headers = {
        name: ", ".join(values)
        for name, values in bolt.headers.items()
        if name.lower() != "content-length"
    }
    return Response(content=bolt.body, status_code=bolt.status, headers=headers)


async def _bolt_request(request: Request) -> BoltRequest:
    return BoltRequest(
        body=(await request.body()).decode("utf-8"),
        query=request.url.query,
        headers={k: [v] for k, v in request.headers.items()},
    )


def _signed_by_slack(verifier: SignatureVerifier, body: bytes, request: Request) -> bool:
    """Whether Slack signed this body (a bad or missing timestamp or signature is no)."""
    try:
        return verifier.is_valid(
            body.decode("utf-8"),
            request.headers.get("x-slack-request-timestamp"),
            request.headers.get("x-slack-signature"),
        )
    except ValueError:  # a timestamp that is not a number; bytes that are not UTF-8
        return False


def _ssl_check(body: bytes) -> bool:
    """Slack's certificate check, which Bolt answers without a signature."""
    return parse_qs(body.decode("latin-1")).get("ssl_check") == ["1"]


def _read_events(request: Request, body: bytes, origins: frozenset[str]) -> BoltRequest | None:
    """The Bolt request for a signed body, or None (with one log line) if it is not the JSON
    or form Slack sends, or a field Bolt or a listener reads has a type Slack never sends
    (``"event": "..."``, a number for a user id): either would raise, inside Bolt or in a
    listener, and be answered with a stack trace in the log."""
    try:
        text = body.decode("utf-8")
        headers: dict[str, str | Sequence[str]] = {k: [v] for k, v in request.headers.items()}
        parsed = parse_body(text, extract_content_type(build_normalized_headers(headers)))
        if not isinstance(parsed, dict):
            reason = f"a JSON {_json_kind(parsed)}, not an object"
        elif (problem := shape_problem(parsed, origins)) is not None:
            reason = problem
        else:
            return BoltRequest(body=text, query=request.url.query, headers=headers)
    except (ValueError, TypeError, AttributeError) as exc:  # JSONDecodeError is a ValueError
        reason = f"{type(exc).__name__}: {exc}"
    except RecursionError:
        reason = "JSON nested too deeply"
    log.warning(  # the reason can quote the request: a key with a line break, say
        "A signed Slack request could not be read (%s); answered 400", one_line(reason, 200)
    )
    return None


def _json_kind(value: object) -> str:
    return {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def slack_channel(app: App, services: ChatServices) -> ServedChannel:
    """Slack's routes for the one server (``bot.server``)."""
    foreground = services.assistant.foreground
    secret = services.settings.slack_signing_secret
    verifier = SignatureVerifier(secret.get_secret_value()) if secret else None
    origins = reply_origins(services.settings.slack_api_url)

    async def events(request: Request) -> Response:
        # From arrival to acknowledgement, then the listener marks its own part.
        with foreground.busy():
            body = await read_body(request, MAX_SLACK_BODY)
            if body is None:
                return JSONResponse({"error": "request too large"}, status_code=413)
            if (
                verifier is not None
                and not _signed_by_slack(verifier, body, request)
                and not _ssl_check(body)
            ):
                return JSONResponse({"error": "invalid request"}, status_code=401)
            bolt = _read_events(request, body, origins)
            if bolt is None:
                return JSONResponse({"error": "unreadable request"}, status_code=400)
            return _to_response(await run_in_threadpool(app.dispatch, bolt))

    async def install(request: Request) -> Response:
        if app.oauth_flow is None:
            return Response(
                "This app is installed with a bot token; there is no install page.", status_code=404
            )
        return _to_response(
            await run_in_threadpool(
                app.oauth_flow.handle_installation, await _bolt_request(request)
            )
        )

    async def redirect(request: Request) -> Response:
        if app.oauth_flow is None:
            return Response("Not found", status_code=404)
        return _to_response(
            await run_in_threadpool(app.oauth_flow.handle_callback, await _bolt_request(request))
        )

    return ServedChannel(
        "slack",
        [
            Route("/slack/events", events, methods=["POST"]),
            Route("/slack/install", install, methods=["GET"]),
            Route("/slack/oauth_redirect", redirect, methods=["GET"]),
        ],
    )


def asgi_app(app: App, services: ChatServices) -> Starlette:
    """The server with Slack alone."""
    return build_server(
        [slack_channel(app, services)], store=services.store, database=services.database
    )
