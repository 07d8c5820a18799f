"""Slack's part of the schedule (``bot.chat.digest_schedule``): posting the digest to the
review channel, and clearing expired OAuth install states."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, delete
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.slack.app import web_client
from bot.adapters.slack.blocks import render
from bot.chat.digest_schedule import DIGEST_DAYS, compose_digest, start_schedule
from bot.chat.services import ChatServices

log = logging.getLogger(__name__)

_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(MetaData(), "slack_oauth_states")


__all__ = ["clean_up", "post_digest", "start_scheduler", "web_client"]


def post_digest(services: ChatServices, client: WebClient, *, days: int = DIGEST_DAYS) -> str:
    """Post the digest of the top open themes to the review channel; returns the message ts."""
    text, blocks = render(compose_digest(services, days=days))
    channel = services.setup.review_conversation
    response = client.chat_postMessage(channel=channel or "", text=text, blocks=blocks)
    return str(response["ts"])


def clean_up(services: ChatServices) -> None:
    """Delete expired OAuth states and event ids old enough that Slack will not retry them."""
    try:
        forget_expired_states(services)
        services.claims.forget_old()
    except SQLAlchemyError:
        log.exception("clean-up of OAuth states and event ids failed; will try again")


def forget_expired_states(services: ChatServices) -> None:
    if services.database is None:
        return
    with services.database.engine.begin() as connection:
        # slack-sdk stores expiry times as naive UTC.
        now = datetime.now(UTC).replace(tzinfo=None)
        connection.execute(delete(_STATES).where(_STATES.c.expire_at < now))


def start_scheduler(services: ChatServices, client: WebClient) -> BackgroundScheduler:
    """The digest and the hourly clean-ups (the claims' own, and the OAuth states)."""
    return start_schedule(
        services,
        post_digest=lambda: post_digest(services, client),
        clean_ups=[lambda: forget_expired_states(services)],
    )
