"""The evaluation set run as a CI gate, plus the eval command's own behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.errors import EvalSetError
from bot.evaluation.eval_set import default_eval_folder, load_eval_set
from bot.evaluation.runner import MAX_CONFIDENT_WRONG, MIN_ACCURACY, evaluate
from bot.evaluation.sweep import SweepRow, best, sweep
from bot.knowledge.loader import load_knowledge
from bot.matching.policy import Thresholds
from bot.settings import bundled_knowledge

# Questions answered with the right entry or offered it in a "did you mean".
HELPED_FLOOR = 0.95


def test_the_bundled_knowledge_base_passes_the_quality_gates(bundled_store: KnowledgeStore) -> None:
    cases = load_eval_set(default_eval_folder(), bundled_store.current.kb)
    assert sum(c.in_scope for c in cases) >= 200
    assert sum(not c.in_scope for c in cases) >= 50
    report = evaluate(Assistant(store=bundled_store), cases)
    wrong = [f"{r.case.question!r} -> {r.entry_id}" for r in report.results if r.confidently_wrong]
    assert report.confident_wrong_rate <= MAX_CONFIDENT_WRONG, wrong
    assert report.out_of_scope_answered <= 0.02
    assert report.accuracy >= MIN_ACCURACY, [f.case.question for f in report.failures]
    assert report.helped >= HELPED_FLOOR


def test_eval_command_prints_figures_and_failures_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    figures = json.loads(result.stdout)
    assert {
        "accuracy",
        "clarify_rate",
        "wrong_answer_rate",
        "out_of_scope_answered",
        "failures",
    } <= figures.keys()
    assert figures["in_scope"] >= 200
    assert result.returncode == (0 if figures["passes_gates"] else 1)
    for failure in figures["failures"]:
        assert failure["where"].startswith(str(default_eval_folder()))


def test_eval_sweep_recommends_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "--sweep"],
        capture_output=True, text=True, timeout=300, check=False, env={"COLUMNS": "200", "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for variable in ("ANSWER_THRESHOLD", "MARGIN", "SUBJECT_ANSWER_THRESHOLD", "SUBJECT_MARGIN"):
        assert f"COMPACT_{variable}=" in result.stdout


def test_an_unknown_expected_id_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "in_scope.yml").write_text("cases:\n  - q: hello\n    expect: no-such-entry\n")
    (tmp_path / "out_of_scope.yml").write_text("cases:\n  - q: parking permits\n")
    with pytest.raises(
        EvalSetError, match=r"in_scope\.yml:2: 'expect' names unknown entry id 'no-such-entry'"
    ):
        load_eval_set(tmp_path, load_knowledge(bundled_knowledge()))


def test_the_sweep_never_recommends_a_setting_that_answers_a_trap() -> None:
    def row(accuracy: float, wrong: float, oos: float, margin: float) -> SweepRow:
        return SweepRow(
            Thresholds(answer=0.7, clarify=0.35, margin=margin), accuracy, 0.99, wrong, 0.2, oos
        )

    trap_answering = row(0.80, 0.007, 0.018, 0.05)
    too_wrong = row(0.85, 0.02, 0.0, 0.0)
    loose, strict = row(0.75, 0.007, 0.0, 0.1), row(0.75, 0.007, 0.0, 0.15)
    assert best([trap_answering, too_wrong, loose, strict]) is strict
    assert best([trap_answering, too_wrong]) is None
    assert best([trap_answering], max_out_of_scope=0.02) is trap_answering


def test_a_question_copied_from_the_knowledge_base_is_refused(tmp_path: Path) -> None:
    kb = load_knowledge(bundled_knowledge())
    stored = kb["funding-notice"].alternates[0]
    (tmp_path / "in_scope.yml").write_text(
        f'cases:\n  - q: "{stored.upper()}!"\n    expect: funding-notice\n'
    )
    (tmp_path / "out_of_scope.yml").write_text("cases:\n  - q: parking permits\n")
    with pytest.raises(EvalSetError, match=r"in_scope\.yml:2: .* is a copy of a wording of entry"):
        load_eval_set(tmp_path, kb)


def test_the_sweep_counts_what_a_real_run_at_the_same_setting_does(
    bundled_store: KnowledgeStore,
) -> None:
    """The sweep adds up subject and other questions separately; a full run through the
    assistant at its chosen setting, and at settings the sweep rejected, must agree."""
    cases = load_eval_set(default_eval_folder(), bundled_store.current.kb)
    rows = sweep(bundled_store.current.index, cases)
    chosen = best(rows)
    assert chosen is not None
    loosest = min(rows, key=lambda r: (r.thresholds.subject_answer, r.thresholds.answer))
    mixed = next(r for r in rows if r.thresholds.subject_answer > r.thresholds.answer + 0.2)
    for row in (chosen, loosest, mixed):
        report = evaluate(Assistant(store=bundled_store, thresholds=row.thresholds), cases)
        assert report.accuracy == pytest.approx(row.accuracy), row.thresholds
        assert report.confident_wrong_rate == pytest.approx(row.confident_wrong), row.thresholds
        assert report.clarify_rate == pytest.approx(row.clarify), row.thresholds
        assert report.out_of_scope_answered == pytest.approx(row.out_of_scope_answered)
