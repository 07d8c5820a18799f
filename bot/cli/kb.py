"""``compact-bot kb``: tools for the people who keep the knowledge base."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.markup import Screen, markup
from bot.cli.options import KbOption, LocalKbOption, OutputFileError, settings_from, write_out
from bot.errors import KnowledgeBaseError, Problem
from bot.induction.content import Tour
from bot.induction.lint import lint_tour
from bot.induction.loader import induction_file, load_tour
from bot.knowledge.interchange import convert, export_text, read_rows, write_files
from bot.knowledge.lint import Finding, Severity, lint
from bot.knowledge.loader import load_knowledge, skipped_files
from bot.knowledge.model import KnowledgeBase
from bot.words import counted

kb_app = typer.Typer(
    rich_markup_mode="markdown", help="Check and maintain the knowledge base.", no_args_is_help=True
)


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@kb_app.command("check")
def check(
    kb: KbOption = None,
    local_kb: LocalKbOption = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail on warnings too, such as overdue review dates."),
    ] = False,
    output: Annotated[
        CheckFormat, typer.Option("--format", help="text or json", case_sensitive=False)
    ] = CheckFormat.TEXT,
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
    Compact that does not say who it binds now. Warnings (overdue or future review dates,
    mirror sources not marked archived, readability, answer length, undefined acronyms,
    colliding or duplicate phrasings, missing sources or status, long tour steps) are
    printed, and exit 1
    only with --strict (which fails on warnings), for the review group's own checks.
    """
    settings = settings_from(kb, None, local_kb)
    path = settings.knowledge_path()
    not_read = [
        Finding(Severity.WARNING, "not-read", p.file, None, None, p.message)
        for p in skipped_files(path, local=settings.local_kb)
    ]
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
        _report_errors(KnowledgeBaseError(problems), not_read, output)
        raise typer.Exit(1) from None
    findings = not_read + lint(knowledge, today=as_of.date() if as_of else None)
    findings += lint_tour(tour) if tour is not None else []
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if output is CheckFormat.JSON:
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
        _print_findings(knowledge, path, errors, warnings, tour, strict=strict)
    if errors or (strict and warnings):
        raise typer.Exit(1)


def _print_findings(
    knowledge: KnowledgeBase,
    path: Path,
    errors: list[Finding],
    warnings: list[Finding],
    tour: Tour | None,
    *,
    strict: bool = False,
) -> None:
    console = Screen()
    for finding in errors:
        console.print(markup("[red]error[/red] {}", finding), highlight=False, soft_wrap=True)
    for finding in warnings:
        console.print(
            markup("[yellow]warning[/yellow] {}", finding), highlight=False, soft_wrap=True
        )
    if errors:
        status = "[red]FAILED[/red]"
    elif warnings and strict:
        status = "[red]FAILED (--strict fails on warnings)[/red]"
    else:
        status = "[green]OK[/green]" if not warnings else "[yellow]OK with warnings[/yellow]"
    local = f" with local layer {knowledge.local_root}" if knowledge.local_root else ""
    tour_size = (
        f"; a tour of {counted(len(tour.steps), 'step')} and "
        f"{counted(len(tour.quiz), 'quiz question')}"
        if tour
        else ""
    )
    console.print(
        status
        + markup(
            " {}{}: {} ({}) in {}{}; {}, {}",
            path,
            local,
            counted(len(knowledge), "entry"),
            counted(len(knowledge.glossary), "glossary term"),
            counted(len(knowledge.topics()), "topic"),
            tour_size,
            counted(len(errors), "error"),
            counted(len(warnings), "warning"),
        ),
        highlight=False,
        soft_wrap=True,
    )


def _report_errors(exc: KnowledgeBaseError, warnings: list[Finding], output: CheckFormat) -> None:
    if output is CheckFormat.JSON:
        errors = [
            {"file": p.file, "line": p.line, "entry_id": p.entry_id, "message": p.message}
            for p in exc.problems
        ]
        print(json.dumps({"errors": errors, "warnings": [_as_dict(f) for f in warnings]}, indent=2))
        return
    err = Screen(stderr=True)
    for problem in exc.problems:
        err.print(markup("[red]error[/red] {}", problem), highlight=False, soft_wrap=True)
    for finding in warnings:  # a file not read may be why the others fail
        err.print(markup("[yellow]warning[/yellow] {}", finding), highlight=False, soft_wrap=True)
    err.print(f"{counted(len(exc.problems), 'error')}; the knowledge base was not loaded")


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
        Path, typer.Argument(help="A .csv, .tsv, .xlsx or .json file of questions and answers.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write YAML topic files into.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Convert a spreadsheet of FAQs into knowledge files, one per topic.

    CSV columns: id, question, answer, alternates, topic (alternates separated by |;
    only question and answer are required; commas, semicolons or tabs between columns).
    Other names read: Questions, Title, Query or Q (question); Response, Reply, Body or A
    (answer); Alternate questions, Alternatives, Paraphrases or Variations (alternates);
    Category, Section or Group (topic); QnaId, FAQ id or Key (id).
    Excel (.xlsx): every sheet with those columns (with several, a sheet's name is the
    topic of its rows that give none).
    JSON: a list of objects with those keys; a "questions" list is the question and its
    alternates (QnA Maker's export). Rows with the same id and answer become one entry.
    Bad rows are listed with their row numbers and skipped; ids not in the form
    lower-case-words-with-hyphens are converted and listed; nothing is written unless the
    rest converts.
    """
    if out.exists() and not out.is_dir():
        raise OutputFileError(
            f"Cannot import into {out}: it is a file, and --out takes a folder (one YAML file "
            f"is written per topic). Give a folder name, e.g. --out {out.with_suffix('')}-kb"
        )
    console = Screen(stderr=True)
    read = read_rows(source)
    with Progress(
        TextColumn("Converting"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=len(read.rows) < 500,
    ) as bar:
        task = bar.add_task("rows", total=len(read.rows))
        result = convert(read, progress=lambda: bar.advance(task))
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
    try:
        written = write_files(result, out, force=force)
    except OSError as exc:
        raise OutputFileError(
            f"Cannot write the knowledge files into {out}: {exc.strerror or exc}. "
            "Choose a folder you may write, or another --out."
        ) from exc
    skipped = f"; skipped {counted(len(result.problems), 'row')}" if result.problems else ""
    Screen().print(
        markup(
            "[green]Imported[/green] {} into {} in {}{}. Next: compact-bot kb check --kb {}",
            counted(len(result.entries), "entry"),
            counted(len(written), "file"),
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
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv or json", case_sensitive=False)
    ] = ExportFormat.CSV,
    kb: KbOption = None,
    local_kb: LocalKbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite --out if it already exists.")
    ] = False,
) -> None:
    """Write the knowledge base as CSV or JSON (the same columns kb import reads).

    The CSV starts with a UTF-8 byte order mark, so Excel shows £ and dashes as they are, and
    a cell a spreadsheet would run as a formula (starting with = + - or @) is written with a
    ' in front; kb import takes that ' off again, so the file imports back unchanged."""
    settings = settings_from(kb, None, local_kb)
    knowledge = load_knowledge(settings.knowledge_path(), local=settings.local_kb)
    text = export_text(knowledge, fmt.value)
    target = None if out == "-" else Path(out)
    write_out(
        text,
        target,
        example=f"knowledge.{fmt.value}",
        wrote=f"Wrote {counted(len(knowledge), 'entry')} to {out}",
        overwrite=force,
    )
