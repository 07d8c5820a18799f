"""One ASGI application on one port for every channel that is configured: Slack's HTTP
endpoints, Teams' ``POST /api/messages``, and ``/healthz`` for the load balancer.

Each channel hands over its routes, what to do when the server starts and stops, and any
warnings an operator must see (``/healthz`` repeats them, and the start-up log says them).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.core.knowledge_store import KnowledgeStore
from bot.storage.database import Database

log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class ServedChannel:
    """What one channel adds to the server."""

    name: str
    routes: Sequence[BaseRoute]
    on_start: Callable[[], Awaitable[None]] = _nothing
    on_stop: Callable[[], Awaitable[None]] = _nothing
    warnings: Sequence[str] = field(default=())


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it is known to be over ``limit`` bytes: from
    its Content-Length, else while it arrives. Nothing beyond the limit is held in memory, so
    a stranger cannot make the server read a gigabyte before it is refused."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def build_server(
    channels: Sequence[ServedChannel], *, store: KnowledgeStore, database: Database | None
) -> Starlette:
    warnings = [warning for channel in channels for warning in channel.warnings]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        for warning in warnings:
            log.warning(warning)
        started: list[ServedChannel] = []
        try:
            for channel in channels:
                await channel.on_start()
                started.append(channel)
            yield
        finally:
            for channel in reversed(started):
                try:
                    await channel.on_stop()
                except Exception:  # one channel's failure to stop must not keep the others up
                    log.exception("%s did not stop cleanly", channel.name)

    async def healthz(_: Request) -> Response:
        report: dict[str, Any] = {
            "status": "ok",
            "entries": len(store.current.kb),
            "database": "not configured",
            "channels": [channel.name for channel in channels],
        }
        if database is not None:
            report["database"] = await run_in_threadpool(database_state, database)
        if warnings:
            report["warnings"] = warnings
        return JSONResponse(report, status_code=200)

    routes: list[BaseRoute] = [route for channel in channels for route in channel.routes]
    routes.append(Route("/healthz", healthz, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan)


def database_state(database: Database) -> str:
    """'ok' or 'unavailable' within a second, whatever the database does: an outage degrades
    logging, not answering."""
    return database.health()
