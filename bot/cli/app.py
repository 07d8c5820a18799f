"""The ``compact-bot`` command. The only place that exits the process.

Each command's module is imported only when that command runs (``compact-bot ask`` never
loads the Slack, Teams or report code), so a one-off command starts quickly; ``--help`` and
``app`` (for tests) load them all.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Annotated, Any

import typer

from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from
from bot.errors import CompactError

# Command name -> (module, attribute): a command function, or a Typer group of commands.
# In the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("bot.cli.ask", "ask"),
    "eval": ("bot.cli.eval", "eval_command"),
    "tour": ("bot.cli.tour", "tour_command"),
    "kb": ("bot.cli.kb", "kb_app"),
    "db": ("bot.cli.db", "db_app"),
    "gaps": ("bot.cli.gaps", "gaps_app"),
    "induction": ("bot.cli.induction", "induction_app"),
    "serve": ("bot.cli.serve", "serve"),
    "teams": ("bot.cli.teams", "teams_app"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command with every subcommand, or with just ``only`` (and the two defined here)."""
    built = typer.Typer(
        rich_markup_mode="markdown",
        name="compact-bot",
        help="The Compact Assistant: plain-English answers about the Compact, in chat.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name, (module, attribute) in COMMANDS.items():
        if only is not None and name != only:
            continue
        loaded = importlib.import_module(module)
        command: Any = getattr(loaded, attribute)
        if isinstance(command, typer.Typer):
            built.add_typer(command, name=name)
        else:
            # A module's ``describe()`` gives help that depends on the installation (the
            # tour's length); the rest are the functions' docstrings.
            describe = getattr(loaded, "describe", None)
            built.command(name, help=describe() if describe is not None else None)(command)
    built.command("chat")(chat)
    built.command("start")(start)
    built.callback()(_root)
    return built


def version_line() -> str:
    """This release and the database schema it expects: what an administrator needs to match
    a database to a release (``db upgrade`` names the schema, so does a refusal)."""
    from importlib.metadata import PackageNotFoundError, version

    from bot import __version__
    from bot.storage.database import HEAD_REVISION

    try:
        release = version("compact-assistant")
    except PackageNotFoundError:  # running from a checkout that was never installed
        release = __version__
    return f"compact-bot {release} (database schema {HEAD_REVISION})"


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(version_line())
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the release and its database schema version, then exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """The Compact Assistant: plain-English answers about the Compact, in chat."""


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole command, built on first use."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def chat(kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None) -> None:
    """Chat with the assistant in this terminal."""
    import getpass

    from bot.cli.chat import run_chat
    from bot.cli.markup import Screen
    from bot.runtime import build_runtime

    runtime = build_runtime(settings_from(kb, db, local_kb))
    console = Screen()
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


def start(kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None) -> None:
    """Start the assistant: the chat bot for Slack and Teams, whichever have credentials set,
    else the console chat."""
    from bot.cli.serve import configured_channels, run_server

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
    command = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        build_app(command if command in {*COMMANDS, "chat", "start"} else None)()
    except CompactError as exc:
        from bot.cli.markup import Screen, markup

        Screen(stderr=True).print(
            markup("[red]Error:[/red] {}", exc), highlight=False, soft_wrap=True
        )
        sys.exit(1)
