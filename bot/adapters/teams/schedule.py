"""Teams' part of the schedule (``bot.chat.digest_schedule``): posting the weekly digest to
the review channel as a proactive message."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from bot.adapters.teams.app import build_teams
from bot.adapters.teams.cards import card
from bot.adapters.teams.services import TeamsServices
from bot.chat.digest_schedule import DIGEST_DAYS, compose_digest, start_schedule
from bot.runtime import Runtime

if TYPE_CHECKING:
    from microsoft_teams.api.auth.credentials import TokenProvider


def post_digest(services: TeamsServices, *, days: int = DIGEST_DAYS) -> str:
    """Post the digest of the top open themes to the review channel; returns the message id."""
    view = compose_digest(services.chat, days=days)
    channel = services.chat.setup.review_conversation or ""
    return services.connector.send_blocking(services.references.address(channel), card(view))


def start_teams_schedule(services: TeamsServices) -> BackgroundScheduler:
    return start_schedule(services.chat, post_digest=lambda: post_digest(services))


def post_digest_once(
    runtime: Runtime, *, days: int = DIGEST_DAYS, token_provider: TokenProvider | None = None
) -> str:
    """Post the digest from a process that is not serving Teams (``compact-bot gaps digest
    --post``): the SDK's HTTP client runs on an event loop of its own for this one send, which
    the blocking send waits on from a worker thread, as it does from the scheduler's."""
    teams = build_teams(runtime, token_provider=token_provider)

    async def send() -> str:
        await teams.start()
        try:
            return await asyncio.to_thread(post_digest, teams.services, days=days)
        finally:
            await teams.stop()

    return asyncio.run(send())
