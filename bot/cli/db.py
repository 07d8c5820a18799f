"""``compact-bot db``: the interaction log's database."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.options import DbOption, settings_from
from bot.storage.database import Database, describe_url

db_app = typer.Typer(help="Manage the interaction log's database.", no_args_is_help=True)


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
    Console().print(
        f"[green]OK[/green] {describe_url(url)} is at revision {revisions}", highlight=False
    )
