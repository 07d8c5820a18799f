"""In-process jobs: the weekly digest to the review channel, and clearing expired OAuth states."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, delete
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.slack.app import web_client
from bot.adapters.slack.services import SlackServices
from bot.adapters.slack.views import digest_blocks
from bot.errors import CompactError, ConfigError
from bot.review.digest import build_digest
from bot.storage.availability import failure_reason
from bot.storage.tables import SlackEventRow

log = logging.getLogger(__name__)

_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(MetaData(), "slack_oauth_states")
_DAYS = {
    "mon": "mon",
    "tue": "tue",
    "wed": "wed",
    "thu": "thu",
    "fri": "fri",
    "sat": "sat",
    "sun": "sun",
}


__all__ = ["clean_up", "post_digest", "start_scheduler", "web_client"]


def post_digest(services: SlackServices, client: WebClient, *, days: int = 7) -> str:
    """Post the digest of the top open themes to the review channel; returns the message ts."""
    if services.themes is None or not services.settings.review_channel:
        raise ConfigError("The digest needs COMPACT_REVIEW_CHANNEL and a database.")
    services.flush_log()
    digest = build_digest(services.themes, since=services.clock() - timedelta(days=days))
    text, blocks = digest_blocks(digest)
    response = client.chat_postMessage(
        channel=services.settings.review_channel, text=text, blocks=blocks
    )
    return str(response["ts"])


def clean_up(services: SlackServices) -> None:
    """Delete expired OAuth states and event ids old enough that Slack will not retry them."""
    if services.database is None or not services.database.available:
        return  # it runs again in an hour
    now = datetime.now(UTC)
    try:
        with services.database.engine.begin() as connection:
            # slack-sdk stores expiry times as naive UTC.
            connection.execute(
                delete(_STATES).where(_STATES.c.expire_at < now.replace(tzinfo=None))
            )
        with services.database.session() as session:
            session.execute(
                delete(SlackEventRow).where(SlackEventRow.received_at < now - timedelta(days=1))
            )
    except SQLAlchemyError as exc:
        log.warning(
            "clean-up of OAuth states and event ids failed (%s); will try again",
            failure_reason(exc),
        )


def cron(spec: str) -> CronTrigger:
    """'mon 09:00' -> every Monday at 09:00."""
    try:
        day, clock = spec.split()
        hour, minute = (int(part) for part in clock.split(":"))
        return CronTrigger(day_of_week=_DAYS[day.casefold()[:3]], hour=hour, minute=minute)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"COMPACT_DIGEST_CRON must look like 'mon 09:00', not {spec!r}") from exc


def start_scheduler(services: SlackServices, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(daemon=True)

    def digest_job() -> None:
        try:
            post_digest(services, client)
        except (CompactError, SlackApiError):
            log.exception("the weekly digest could not be posted")

    if services.settings.review_channel and services.themes is not None:
        scheduler.add_job(digest_job, cron(services.settings.digest_cron), id="digest")
    scheduler.add_job(
        clean_up,
        "interval",
        hours=1,
        args=[services],
        id="clean-up",
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return scheduler
