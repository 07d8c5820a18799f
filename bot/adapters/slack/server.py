"""The HTTP server: Bolt on Starlette, run by uvicorn, with /healthz beside the Slack routes.

Bolt's own work (checking the signature, authorising, acknowledging) runs in a worker thread,
so a slow database never blocks the event loop; listeners run after the acknowledgement.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.chat.services import ChatServices


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


def asgi_app(app: App, services: ChatServices) -> Starlette:
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

    async def healthz(_: Request) -> Response:
        report: dict[str, Any] = {
            "status": "ok",
            "entries": len(services.store.current.kb),
            "database": "not configured",
        }
        if services.database is not None:
            report["database"] = await run_in_threadpool(_database_state, services)
        return JSONResponse(report, status_code=200)

    return Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/slack/install", install, methods=["GET"]),
            Route("/slack/oauth_redirect", redirect, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def _database_state(services: ChatServices) -> str:
    """'ok' or 'unavailable': a database outage degrades logging, not answering."""
    assert services.database is not None
    try:
        with services.database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        return "unavailable"
