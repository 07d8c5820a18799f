"""``compact-bot kb``: tools for the people who keep the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.options import KbOption, settings_from
from bot.errors import KnowledgeBaseError, Problem
from bot.induction.content import Tour
from bot.induction.lint import lint_tour
from bot.induction.loader import induction_file, load_tour
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
    """Validate and lint every knowledge file, and the induction tour (induction.yml).

    Errors (the knowledge base cannot be used) exit 1. Warnings (readability, answer length,
    undefined acronyms, colliding or duplicate phrasings, overdue reviews, missing sources,
    long tour steps) are printed, and exit 1 only with --strict.
    """
    path = settings_from(kb, None).knowledge_path()
    problems: list[Problem] = []
    try:
        knowledge = load_knowledge(path)
    except KnowledgeBaseError as exc:
        problems += exc.problems
        knowledge = None
    tour_file = induction_file(path)
    tour: Tour | None = None
    if tour_file is not None:
        try:  # checked even when the entries failed, so every problem is listed at once
            tour = load_tour(tour_file, knowledge)
        except KnowledgeBaseError as exc:
            problems += exc.problems
    if problems or knowledge is None:
        _report_errors(KnowledgeBaseError(problems), output)
        raise typer.Exit(1) from None
    findings = lint(knowledge) + (lint_tour(tour) if tour is not None else [])
    if output == "json":
        print(json.dumps({"errors": [], "warnings": [_as_dict(f) for f in findings]}, indent=2))
    else:
        console = Console()
        for finding in findings:
            console.print(f"[yellow]warning[/yellow] {finding}", highlight=False, soft_wrap=True)
        status = "[green]OK[/green]" if not findings else "[yellow]OK with warnings[/yellow]"
        console.print(
            f"{status} {path}: {len(knowledge)} entries ({len(knowledge.glossary)} glossary terms) "
            f"in {len(knowledge.topics())} topics"
            + (
                f"; a tour of {len(tour.steps)} steps and {len(tour.quiz)} quiz questions"
                if tour
                else ""
            )
            + f"; {len(findings)} warning(s)",
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
        err.print(f"[red]error[/red] {problem}", highlight=False, soft_wrap=True)
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
            f"[yellow]skipped[/yellow] {source}: {problem}", highlight=False, soft_wrap=True
        )
    if not result.entries:
        console.print(f"[red]Nothing to import:[/red] no usable rows in {source}.")
        raise typer.Exit(1)
    written = write_files(result, out, force=force)
    Console().print(
        f"[green]Imported[/green] {len(result.entries)} entries into {len(written)} file(s) in {out}"
        f"{f'; skipped {len(result.problems)} row(s)' if result.problems else ''}. "
        f"Next: compact-bot kb check --kb {out}",
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
        Console(stderr=True).print(f"Wrote {len(knowledge)} entries to {out}", highlight=False)
