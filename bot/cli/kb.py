"""``compact-bot kb``: tools for the people who keep the knowledge base."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.options import KbOption, settings_from
from bot.errors import KnowledgeBaseError
from bot.knowledge.loader import load_knowledge

kb_app = typer.Typer(help="Check and maintain the knowledge base.", no_args_is_help=True)


@kb_app.command("check")
def check(kb: KbOption = None) -> None:
    """Validate every knowledge file. Lists every problem with file, line and entry; exits 1
    if there are any."""
    path = settings_from(kb, None).knowledge_path()
    console = Console()
    try:
        knowledge = load_knowledge(path)
    except KnowledgeBaseError as exc:
        err = Console(stderr=True)
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem}", highlight=False, soft_wrap=True)
        err.print(f"{len(exc.problems)} error(s) in {path}")
        raise typer.Exit(1) from None
    glossary = len(knowledge.glossary)
    console.print(
        f"[green]OK[/green] {path}: {len(knowledge)} entries "
        f"({glossary} glossary terms) in {len(knowledge.topics())} topics",
        highlight=False,
    )
