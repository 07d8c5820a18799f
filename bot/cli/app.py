"""The ``compact-bot`` command. The only place that exits the process."""

from __future__ import annotations

import getpass
import logging
import sys

import typer
from rich.console import Console

from bot.cli.ask import ask
from bot.cli.chat import run_chat
from bot.cli.db import db_app
from bot.cli.eval import eval_command
from bot.cli.gaps import gaps_app
from bot.cli.induction import induction_app
from bot.cli.kb import kb_app
from bot.cli.markup import markup
from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from
from bot.cli.serve import configured_channels, run_server, serve
from bot.cli.teams import teams_app
from bot.cli.tour import tour_command
from bot.errors import CompactError
from bot.runtime import build_runtime

app = typer.Typer(
    name="compact-bot",
    help="The Compact Assistant: plain-English answers about the Compact, in chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ask")(ask)
app.command("eval")(eval_command)
app.command("tour")(tour_command)
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")
app.add_typer(gaps_app, name="gaps")
app.add_typer(induction_app, name="induction")
app.command("serve")(serve)
app.add_typer(teams_app, name="teams")


@app.command("chat")
def chat(kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None) -> None:
    """Chat with the assistant in this terminal."""
    runtime = build_runtime(settings_from(kb, db, local_kb))
    console = Console()
    try:
        run_chat(
            runtime.assistant,
            console,
            console.input,
            user=getpass.getuser(),
            induction=runtime.induction,
        )
    finally:
        runtime.close()


@app.command("start")
def start(kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None) -> None:
    """Start the assistant: the chat bot for Slack and Teams, whichever have credentials set,
    else the console chat."""
    settings = settings_from(kb, db, local_kb)
    channels = configured_channels(settings)
    if channels:
        run_server(settings, channels, host=settings.host, port=settings.port)
        return
    chat(kb=kb, db=db, local_kb=local_kb)


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app()
    except CompactError as exc:
        Console(stderr=True).print(
            markup("[red]Error:[/red] {}", exc), highlight=False, soft_wrap=True
        )
        sys.exit(1)
