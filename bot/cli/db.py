"""``compact-bot db``: the interaction log's database."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from bot.cli.markup import Screen, markup
from bot.cli.options import DbOption, settings_from
from bot.review.periods import parse_period
from bot.review.retention import purge
from bot.storage.database import Database, describe_url
from bot.storage.interaction_log import utc_now
from bot.words import counted

db_app = typer.Typer(
    rich_markup_mode="markdown", help="Manage the interaction log's database.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Create or upgrade the database tables to the latest version (safe to run again)."""
    url = settings_from(None, db).database()
    database = Database.connect(url, migrate=False)
    try:
        database.upgrade()
        revisions = ", ".join(sorted(database.current_revisions()))
    finally:
        database.dispose()
    Screen().print(
        markup("[green]OK[/green] {} is at revision {}", describe_url(url), revisions),
        highlight=False,
    )


@db_app.command("purge")
def purge_command(
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            help="Delete interactions older than this, e.g. 365d. Default: COMPACT_RETENTION_DAYS.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Delete old interactions and every copy of their text (retention): their feedback,
    their place in themes and suggestions, and Champion questions. Themes and suggestions
    that still have newer questions take their wording from those; the rest are deleted."""
    settings = settings_from(None, db)
    period = parse_period(older_than) if older_than else timedelta(days=settings.retention_days)
    database = Database.connect(settings.database())
    try:
        deleted = purge(database, before=utc_now() - period)
    finally:
        database.dispose()
    Screen().print(
        f"Deleted {counted(deleted, 'interaction')} older than {counted(period.days, 'day')}.",
        highlight=False,
    )
