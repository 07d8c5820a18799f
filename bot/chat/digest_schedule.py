"""The weekly digest for a review conversation, on any channel, and the in-process schedule
that posts it and tidies up. An adapter supplies only the sending: ``start_schedule`` calls
its ``post_digest`` at the configured time, and that renders ``compose_digest``'s view."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from bot.chat.action_values import Action
from bot.chat.services import ChatServices
from bot.chat.views import Block, Button, Buttons, Emphasis, Heading, Plain, Span, View, paragraph
from bot.errors import ConfigError, DatabaseError
from bot.review.digest import Digest, build_digest
from bot.settings import digest_time
from bot.storage.availability import failure_reason
from bot.words import counted, one_line

log = logging.getLogger(__name__)

DIGEST_DAYS = 7
EXAMPLES_SHOWN = 3


def digest_view(digest: Digest) -> View:
    """The top open themes, each with examples and buttons to mark it in review or ignore it."""
    title = f"Questions we could not answer, {digest.since:%d %b} to {digest.until:%d %b %Y}"
    blocks: list[Block] = [Heading(title)]
    if digest.empty:
        blocks.append(paragraph("Nothing went unanswered this week."))
    for theme in digest.themes:
        spans: list[Span | str] = [
            f"**Theme {theme.id}** · {counted(theme.count, 'question')} from "
            f"{counted(theme.askers, 'person')}\n",
            Plain(one_line(theme.label)),
        ]
        for example in theme.examples[:EXAMPLES_SHOWN]:
            spans += ["\n• ", Plain(one_line(example), Emphasis.ITALIC)]
        if theme.note:  # the last triage's reason, as the reports show it
            spans += ["\nNote: ", Plain(one_line(theme.note))]
        blocks.append(paragraph(*spans))
        blocks.append(
            Buttons(
                (
                    Button("Mark in review", Action.THEME_IN_REVIEW, theme.id),
                    Button("Ignore", Action.THEME_IGNORE, theme.id),
                )
            )
        )
    return View(title, tuple(blocks))


def compose_digest(services: ChatServices, *, days: int = DIGEST_DAYS) -> View:
    """The digest of the last ``days`` days, with every question asked so far included."""
    if services.themes is None or not services.setup.review_conversation:
        raise ConfigError(
            f"The digest needs {services.setup.review_setting} and a database (DATABASE_URL)."
        )
    services.flush_log()
    return digest_view(build_digest(services.themes, since=services.clock() - timedelta(days=days)))


def cron(spec: str) -> CronTrigger:
    """'mon 09:00' -> every Monday at 09:00."""
    try:
        day, hour, minute = digest_time(spec)
    except ValueError as exc:
        raise ConfigError(f"COMPACT_DIGEST_CRON {exc}, not {spec!r}") from exc
    return CronTrigger(day_of_week=day, hour=hour, minute=minute)


def start_schedule(
    services: ChatServices,
    *,
    post_digest: Callable[[], object] | None,
    clean_ups: Sequence[Callable[[], None]] = (),
) -> BackgroundScheduler:
    """Post the digest at ``COMPACT_DIGEST_CRON`` (when the channel has a review conversation
    and there is a database), and run the clean-ups every hour, the first one now. A failed
    job is logged and tried again at its next time."""
    scheduler = BackgroundScheduler(daemon=True)

    def guarded(job: Callable[[], object], what: str) -> Callable[[], None]:
        def run() -> None:
            try:
                job()
            except (SQLAlchemyError, DatabaseError) as exc:  # the database is away: one line
                log.warning(
                    "%s failed (%s); it runs again at its next time", what, failure_reason(exc)
                )
            except Exception:  # a job's one place for crashes: the schedule keeps running
                log.exception("%s failed; it runs again at its next time", what)

        return run

    if post_digest is not None and services.setup.review_conversation and services.themes:
        scheduler.add_job(
            guarded(post_digest, f"the {services.setup.name} digest"),
            cron(services.settings.digest_cron),
            id=f"digest-{services.setup.name}",
        )
    for number, job in enumerate([services.claims.forget_old, *clean_ups]):
        scheduler.add_job(
            guarded(job, "a clean-up"),
            "interval",
            hours=1,
            id=f"clean-up-{services.setup.name}-{number}",
            next_run_time=datetime.now(UTC),
        )
    scheduler.start()
    return scheduler
