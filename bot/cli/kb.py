"""``compact-bot kb``: tools for the people who keep the knowledge base."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.markup import markup
from bot.cli.options import KbOption, LocalKbOption, settings_from
from bot.errors import KnowledgeBaseError, Problem
from bot.induction.content import Tour
from bot.induction.lint import lint_tour
from bot.induction.loader import induction_file, load_tour
from bot.knowledge.interchange import convert, export_text, read_rows, write_files
from bot.knowledge.lint import Finding, Severity, lint
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

kb_app = typer.Typer(help="Check and maintain the knowledge base.", no_args_is_help=True)


@kb_app.command("check")
def check(
    kb: KbOption = None,
    local_kb: LocalKbOption = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail on warnings too, such as overdue review dates."),
    ] = False,
    output: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Judge review dates as of this day (YYYY-MM-DD), e.g. your next meeting.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate and lint every knowledge file, your local layer's with them, and the induction
    tour (induction.yml).

    Errors exit 1: a file the assistant cannot use, or an answer resting on the national
    Compact that does not say who it binds now. Warnings (overdue reviews, mirror sources
    not marked archived, readability, answer length, undefined acronyms, colliding or
    duplicate phrasings, missing sources or status, long tour steps) are printed, and exit 1
    only with --strict, for the review group's own checks.
    """
    settings = settings_from(kb, None, local_kb)
    path = settings.knowledge_path()
    problems: list[Problem] = []
    knowledge: KnowledgeBase | None = None
    try:
        knowledge = load_knowledge(
            path, local=settings.local_kb, settings=settings.answer_settings()
        )
    except KnowledgeBaseError as exc:
        problems += exc.problems
    tour_file = induction_file(path, settings.local_kb)
    tour: Tour | None = None
    if tour_file is not None:
        try:  # checked even when the entries failed, so every problem is listed at once
            tour = load_tour(tour_file, knowledge)
        except KnowledgeBaseError as exc:
            problems += exc.problems
    if problems or knowledge is None:
        _report_errors(KnowledgeBaseError(problems), output)
        raise typer.Exit(1) from None
    findings = lint(knowledge, today=as_of.date() if as_of else None)
    findings += lint_tour(tour) if tour is not None else []
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if output == "json":
        print(
            json.dumps(
                {
                    "errors": [_as_dict(f) for f in errors],
                    "warnings": [_as_dict(f) for f in warnings],
                },
                indent=2,
            )
        )
    else:
        _print_findings(knowledge, path, errors, warnings, tour)
    if errors or (strict and warnings):
        raise typer.Exit(1)


def _print_findings(
    knowledge: KnowledgeBase,
    path: Path,
    errors: list[Finding],
    warnings: list[Finding],
    tour: Tour | None,
) -> None:
    console = Console()
    for finding in errors:
        console.print(markup("[red]error[/red] {}", finding), highlight=False, soft_wrap=True)
    for finding in warnings:
        console.print(
            markup("[yellow]warning[/yellow] {}", finding), highlight=False, soft_wrap=True
        )
    if errors:
        status = "[red]FAILED[/red]"
    else:
        status = "[green]OK[/green]" if not warnings else "[yellow]OK with warnings[/yellow]"
    local = f" with local layer {knowledge.local_root}" if knowledge.local_root else ""
    tour_size = (
        f"; a tour of {len(tour.steps)} steps and {len(tour.quiz)} quiz questions" if tour else ""
    )
    console.print(
        status
        + markup(
            " {}{}: {} entries ({} glossary terms) in {} topics{}; {} error(s), {} warning(s)",
            path,
            local,
            len(knowledge),
            len(knowledge.glossary),
            len(knowledge.topics()),
            tour_size,
            len(errors),
            len(warnings),
        ),
        highlight=False,
        soft_wrap=True,
    )


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
    source: Annotated[
        Path, typer.Argument(help="A .csv, .tsv or .json file of questions and answers.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write YAML topic files into.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Convert a spreadsheet of FAQs into knowledge files, one per topic.

    CSV columns: id, question, answer, alternates, topic (alternates separated by |;
    only question and answer are required; commas, semicolons or tabs between columns).
    JSON: a list of objects with those keys. Bad rows are listed with their row numbers and
    skipped; ids not in the form lower-case-words-with-hyphens are converted and listed;
    nothing is written unless the rest converts.
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
    for note in result.notes:
        console.print(
            markup("[cyan]note[/cyan] {}: {}", source, note), highlight=False, soft_wrap=True
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
    local_kb: LocalKbOption = None,
) -> None:
    """Write the knowledge base as CSV or JSON (the same columns kb import reads)."""
    if fmt not in {"csv", "json"}:
        raise typer.BadParameter(f"use csv or json, not {fmt!r}", param_hint="--format")
    settings = settings_from(kb, None, local_kb)
    knowledge = load_knowledge(settings.knowledge_path(), local=settings.local_kb)
    text = export_text(knowledge, fmt)
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
        Console(stderr=True).print(
            f"Wrote {len(knowledge)} entries to {out}", highlight=False, markup=False
        )
