"""``compact-bot eval``: how well the knowledge base answers real staff questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.markup import Screen, markup
from bot.cli.options import KbOption, LocalKbOption, settings_from
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.evaluation.eval_set import (
    default_eval_folder,
    load_eval_set,
    local_eval_folder,
    require_questions,
)
from bot.evaluation.runner import MAX_CONFIDENT_WRONG, MIN_ACCURACY, EvalReport, evaluate
from bot.evaluation.sweep import best, sweep
from bot.runtime import open_store
from bot.words import counted


def eval_command(
    eval_set: Annotated[
        Path | None,
        typer.Option(
            "--set", help="Folder with in_scope.yml and out_of_scope.yml. Default: tests/eval."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    run_sweep: Annotated[
        bool,
        typer.Option("--sweep", help="Print accuracy and precision at each threshold setting."),
    ] = False,
    kb: KbOption = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Run the evaluation set and print accuracy, clarify rate, wrong answers and failures.

    With a local layer (--local-kb or COMPACT_LOCAL_KB) that has its own eval/ folder, its
    questions are scored too, together with the national ones.

    Exits 1 when accuracy is below 85% or more than 0.7% of questions get a confident wrong
    answer. Nothing is logged. Use --sweep to re-tune the thresholds (see docs/benchmarks.md).
    """
    settings = settings_from(kb, None, local_kb)
    store = open_store(settings, keeps_data=False)  # nothing is logged
    knowledge = store.current.kb
    folder = eval_set or default_eval_folder()
    cases = load_eval_set(folder, knowledge)
    local_folder = local_eval_folder(knowledge)
    local_cases = load_eval_set(local_folder, knowledge) if local_folder else []
    cases += local_cases
    require_questions(cases, folder)
    console = Screen()
    if local_folder and not as_json:
        console.print(
            markup(
                "Including {} from your local layer ({})",
                counted(len(local_cases), "question"),
                local_folder,
            ),
            highlight=False,
        )
    if run_sweep:
        _print_sweep(console, store, cases)
        return
    report = evaluate(Assistant(store=store, thresholds=settings.thresholds()), cases)
    if as_json:
        print(json.dumps({**_figures(report), "local_questions": len(local_cases)}, indent=2))
    else:
        _print_report(console, report)
    if not report.passes_gates:
        raise typer.Exit(1)


def _figures(report: EvalReport) -> dict[str, object]:
    return {
        "in_scope": len(report.in_scope),
        "out_of_scope": len(report.out_of_scope),
        "accuracy": round(report.accuracy, 4),
        "clarify_rate": round(report.clarify_rate, 4),
        "clarify_has_right_option": round(report.clarify_has_right_option, 4),
        "helped": round(report.helped, 4),
        "no_match_rate": round(report.no_match_rate, 4),
        "wrong_answer_rate": round(report.wrong_answer_rate, 4),
        "out_of_scope_answered": round(report.out_of_scope_answered, 4),
        "confident_wrong_rate": round(report.confident_wrong_rate, 4),
        "passes_gates": report.passes_gates,
        "failures": [
            {
                "where": r.case.where,
                "question": r.case.question,
                "expected": r.case.expect,
                "outcome": r.outcome,
                "entry_id": r.entry_id,
                "options": list(r.options),
            }
            for r in report.failures
        ],
    }


def _print_report(console: Console, report: EvalReport) -> None:
    console.print(
        f"{len(report.in_scope)} in-scope and "
        f"{counted(len(report.out_of_scope), 'out-of-scope question')}",
        highlight=False,
    )
    lines = [
        ("accuracy (right answer)", report.accuracy, f">= {MIN_ACCURACY:.1%}"),
        ("did you mean", report.clarify_rate, ""),
        ("  ...with the right option", report.clarify_has_right_option, ""),
        ("right answer or right option offered", report.helped, ""),
        ("I don't know yet", report.no_match_rate, ""),
        ("wrong answer (in scope)", report.wrong_answer_rate, ""),
        ("out-of-scope answered", report.out_of_scope_answered, ""),
        (
            "confident wrong, all questions",
            report.confident_wrong_rate,
            f"<= {MAX_CONFIDENT_WRONG:.1%}",
        ),
    ]
    table = Table("measure", "value", "gate")
    for name, value, gate in lines:
        table.add_row(name, f"{value:.1%}", gate)
    console.print(table)
    if report.failures:
        console.print(
            f"[bold]{counted(len(report.failures), 'question')} not answered as expected:[/bold]"
        )
        for r in report.failures:
            got = r.entry_id or (
                f"clarify {list(r.options)}" if r.outcome == "clarify" else r.outcome
            )
            want = r.case.expect or "(out of scope: no answer)"
            console.print(
                f"  {r.case.where}  {r.case.question!r}: want {want}, got {got}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
    verdict = "[green]PASS[/green]" if report.passes_gates else "[red]FAIL[/red]"
    console.print(
        f"{verdict}: gates are accuracy >= {MIN_ACCURACY:.0%} and confident wrong <= {MAX_CONFIDENT_WRONG:.1%}"
    )


def _print_sweep(console: Console, store: KnowledgeStore, cases: list) -> None:  # type: ignore[type-arg]
    rows = sweep(store.current.index, cases)
    table = Table(
        "answer",
        "margin",
        "subject answer",
        "subject margin",
        "clarify",
        "accuracy",
        "precision",
        "wrong (all)",
        "did you mean",
        "out-of-scope answered",
    )
    chosen = best(rows)
    shown = sorted(rows, key=lambda r: (-r.accuracy, r.confident_wrong))[:40]
    if chosen is not None and chosen not in shown:
        shown.append(chosen)
    for row in shown:
        t = row.thresholds
        mark = " *" if row is chosen else ""
        table.add_row(
            f"{t.answer:.2f}{mark}", f"{t.margin:.2f}", f"{t.subject_answer:.2f}", f"{t.subject_margin:.2f}",
            f"{t.clarify:.2f}", f"{row.accuracy:.1%}",
            f"{row.precision:.1%}", f"{row.confident_wrong:.1%}", f"{row.clarify:.1%}", f"{row.out_of_scope_answered:.1%}",
        )  # fmt: skip
    console.print(table)
    if chosen is None:
        console.print(
            f"[red]No setting keeps confident wrong answers within {MAX_CONFIDENT_WRONG:.1%} "
            "while answering no out-of-scope question.[/red]"
        )
        return
    t = chosen.thresholds
    console.print(
        f"Best within the {MAX_CONFIDENT_WRONG:.1%} wrong-answer gate, answering no "
        "out-of-scope question (*): "
        f"COMPACT_ANSWER_THRESHOLD={t.answer} COMPACT_MARGIN={t.margin} "
        f"COMPACT_SUBJECT_ANSWER_THRESHOLD={t.subject_answer} "
        f"COMPACT_SUBJECT_MARGIN={t.subject_margin} COMPACT_CLARIFY_THRESHOLD={t.clarify}",
        highlight=False,
    )
