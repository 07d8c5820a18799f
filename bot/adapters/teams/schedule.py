"""Teams' part of the schedule (``bot.chat.digest_schedule``): posting the weekly digest to
the review channel as a proactive message."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]

from bot.adapters.teams.cards import card
from bot.adapters.teams.services import TeamsServices
from bot.chat.digest_schedule import DIGEST_DAYS, compose_digest, start_schedule


def post_digest(services: TeamsServices, *, days: int = DIGEST_DAYS) -> str:
    """Post the digest of the top open themes to the review channel; returns the message id."""
    view = compose_digest(services.chat, days=days)
    channel = services.chat.setup.review_conversation or ""
    return services.connector.send_blocking(services.references.address(channel), card(view))


def start_teams_schedule(services: TeamsServices) -> BackgroundScheduler:
    return start_schedule(services.chat, post_digest=lambda: post_digest(services))
