"""Slack's HTTP endpoints: Bolt on Starlette, served by ``bot.server`` with /healthz beside them.

Bolt's own work (checking the signature, authorising, acknowledging) runs in a worker thread,
so a slow database never blocks the event loop; listeners run after the acknowledgement.
"""

from __future__ import annotations

from slack_bolt import App, BoltRequest, BoltResponse
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.chat.services import ChatServices
from bot.server import ServedChannel, build_server


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


def slack_channel(app: App, services: ChatServices) -> ServedChannel:
    """Slack's routes for the one server (``bot.server``)."""
    foreground = services.assistant.foreground

    async def events(request: Request) -> Response:
        # From arrival to acknowledgement, then the listener marks its own part.
        with foreground.busy():
            bolt = await _bolt_request(request)
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
