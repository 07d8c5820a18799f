"""``compact-bot eval`` on a set it cannot score: one with no questions, or one written for
another knowledge base."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run

ONE_ENTRY = """\
topic: Parking
entries:
  - id: parking-permits
    question: How do staff get a parking permit?
    answer: |
      Ask facilities for a permit form.
    sources:
      - title: Staff handbook
        section: "3"
    applies_to: [local-compact]
    status: current
    owner: Facilities
    reviewed: 2026-11-01
"""


def test_a_set_with_no_questions_is_an_error(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "set"
    empty.mkdir()
    (empty / "in_scope.yml").write_text("cases: []\n")
    (empty / "out_of_scope.yml").write_text("cases: []\n")
    result = run("eval", "--set", str(empty))
    assert result.returncode == 1
    assert f"The evaluation set at {empty} has no questions" in result.stderr
    assert "0.0%" not in result.stdout
    assert "FAIL" not in result.stdout
    (empty / "out_of_scope.yml").write_text("cases:\n  - q: what is the weather like today\n")
    only_out = run("eval", "--set", str(empty))
    assert only_out.returncode == 1
    assert "no questions in in_scope.yml, only out-of-scope ones" in only_out.stderr


def test_the_bundled_set_on_another_knowledge_base_gives_a_hint(run: Run, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "parking.yml").write_text(ONE_ENTRY)
    result = run("eval", "--kb", str(kb))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "so the set was written for another one. Pass --set" in result.stderr
    assert len(result.stderr.splitlines()) <= 6, "a hint, not one line per question"
