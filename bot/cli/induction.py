"""``compact-bot induction``: the managers' view of the induction tour."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.options import (
    DbOption,
    KbOption,
    LocalKbOption,
    OutOption,
    SinceOption,
    settings_from,
    write_out,
)
from bot.induction.loader import tour_of
from bot.induction.report import induction_figures
from bot.induction.report_render import to_csv, to_html, to_text
from bot.review.periods import parse_period
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now

induction_app = typer.Typer(
    rich_markup_mode="markdown",
    help="Induction for new starters: the managers' report.",
    no_args_is_help=True,
)
RENDERERS = {"text": to_text, "csv": to_csv, "html": to_html}


@induction_app.command("report")
def report(
    since: SinceOption = "30d",
    fmt: Annotated[str, typer.Option("--format", help="text, csv or html")] = "text",
    out: OutOption = None,
    kb: KbOption = None,
    local_kb: LocalKbOption = None,
    db: DbOption = None,
) -> None:
    """How induction is going: tours started and completed, the median time to complete,
    the average quiz score, and each quiz question's share of right answers (which shows
    what is misunderstood). It names nobody. The HTML version is one self-contained page."""
    if fmt not in RENDERERS:
        raise typer.BadParameter(f"use text, csv or html, not {fmt!r}", param_hint="--format")
    until = utc_now()
    start = until - parse_period(since)
    settings = settings_from(kb, db, local_kb)
    tour = tour_of(
        settings.knowledge_path(), local=settings.local_kb, settings=settings.answer_settings()
    )
    database = Database.connect(settings.database())
    try:
        figures = induction_figures(database, tour, since=start, until=until)
    finally:
        database.dispose()
    extension = "txt" if fmt == "text" else fmt
    write_out(RENDERERS[fmt](figures), out, example=f"induction-report.{extension}")
