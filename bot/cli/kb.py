"""``compact-bot kb``: tools for the people who keep the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.markup import markup
from bot.cli.options import KbOption, settings_from
from bot.errors import KnowledgeBaseError
from bot.knowledge.interchange import convert, export_text, read_rows, write_files
from bot.knowledge.lint import Finding, lint
from bot.knowledge.loader import load_knowledge

kb_app = typer.Typer(help="Check and maintain the knowledge base.", no_args_is_help=True)


@kb_app.command("check")
def check(
    kb: KbOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Validate and lint every knowledge file.

    Errors (the knowledge base cannot be used) exit 1. Warnings (readability, answer length,
    undefined acronyms, colliding or duplicate phrasings, overdue reviews, missing sources)
    are printed, and exit 1 only with --strict.
    """
    path = settings_from(kb, None).knowledge_path()
    try:
        knowledge = load_knowledge(path)
    except KnowledgeBaseError as exc:
        _report_errors(exc, output)
        raise typer.Exit(1) from None
    findings = lint(knowledge)
    if output == "json":
        print(json.dumps({"errors": [], "warnings": [_as_dict(f) for f in findings]}, indent=2))
    else:
        console = Console()
        for finding in findings:
            console.print(
                markup("[yellow]warning[/yellow] {}", finding), highlight=False, soft_wrap=True
            )
        status = "[green]OK[/green]" if not findings else "[yellow]OK with warnings[/yellow]"
        console.print(
            status
            + markup(
                " {}: {} entries ({} glossary terms) in {} topics; {} warning(s)",
                path,
                len(knowledge),
                len(knowledge.glossary),
                len(knowledge.topics()),
                len(findings),
            ),
            highlight=False,
            soft_wrap=True,
        )
    if strict and findings:
        raise typer.Exit(1)


def _report_errors(exc: KnowledgeBaseError, output: str) -> None:
    if output == "json":
        errors = [
            {"file": p.file, "line": p.line, "entry_id": p.entry_id, "message": p.message}
            for p in exc.problems
        ]
        print(json.dumps({"errors": errors, "warnings": []}, indent=2))
        return
    err = Console(stderr=True)
    for problem in exc.problems:
        err.print(markup("[red]error[/red] {}", problem), highlight=False, soft_wrap=True)
    err.print(f"{len(exc.problems)} error(s); the knowledge base was not loaded")


def _as_dict(finding: Finding) -> dict[str, object]:
    return {
        "severity": str(finding.severity),
        "code": finding.code,
        "file": finding.file,
        "line": finding.line,
        "entry_id": finding.entry_id,
        "message": finding.message,
    }


@kb_app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="A .csv or .json file of questions and answers.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write YAML topic files into.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Convert a spreadsheet of FAQs into knowledge files, one per topic.

    CSV columns: id, question, answer, alternates, topic (alternates separated by |).
    Bad rows are listed with their row numbers and skipped; nothing is written unless the
    rest converts.
    """
    console = Console(stderr=True)
    rows = list(read_rows(source))
    with Progress(
        TextColumn("Converting"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=len(rows) < 500,
    ) as bar:
        task = bar.add_task("rows", total=len(rows))
        result = convert(rows, progress=lambda: bar.advance(task))
    for problem in result.problems:
        console.print(
            markup("[yellow]skipped[/yellow] {}: {}", source, problem),
            highlight=False,
            soft_wrap=True,
        )
    if not result.entries:
        console.print(markup("[red]Nothing to import:[/red] no usable rows in {}.", source))
        raise typer.Exit(1)
    written = write_files(result, out, force=force)
    skipped = f"; skipped {len(result.problems)} row(s)" if result.problems else ""
    Console().print(
        markup(
            "[green]Imported[/green] {} entries into {} file(s) in {}{}. "
            "Next: compact-bot kb check --kb {}",
            len(result.entries),
            len(written),
            out,
            skipped,
            out,
        ),
        highlight=False,
    )


@kb_app.command("export")
def export_command(
    out: Annotated[
        str, typer.Option("--out", help="File to write, or - for standard output.")
    ] = "-",
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    kb: KbOption = None,
) -> None:
    """Write the knowledge base as CSV or JSON (the same columns kb import reads)."""
    if fmt not in {"csv", "json"}:
        raise typer.BadParameter(f"use csv or json, not {fmt!r}", param_hint="--format")
    knowledge = load_knowledge(settings_from(kb, None).knowledge_path())
    text = export_text(knowledge, fmt)
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
        Console(stderr=True).print(
            f"Wrote {len(knowledge)} entries to {out}", highlight=False, markup=False
        )
