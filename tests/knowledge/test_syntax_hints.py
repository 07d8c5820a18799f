"""A YAML syntax error in a knowledge file says how to fix the common slips (indentation, a
colon in a value), and names its entry in ``kb check --format json`` as in the message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.knowledge import yaml_source
from bot.settings import bundled_knowledge
from tests.conftest import Run


@pytest.fixture(params=["libyaml", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both YAML readers: libyaml's, and the Python one used when that one fails."""
    if request.param == "python":
        monkeypatch.setattr(yaml_source, "_read_fast", lambda text: None)
    return str(request.param)


def funding_with(tmp_path: Path, edit: str, line_text: str) -> tuple[Path, int]:
    """A copy of the bundled knowledge base with one line of funding.yml's entry
    'funding-cut-steps' rewritten by ``edit``: "indent" adds two spaces, "colon" puts a
    colon and a space into its value. Returns the folder and the (1-based) line."""
    folder = tmp_path / "kb"
    shutil.copytree(bundled_knowledge(), folder)
    funding = folder / "funding.yml"
    lines = funding.read_text(encoding="utf-8").splitlines()
    start = lines.index("  - id: funding-cut-steps")
    number = next(n for n in range(start, len(lines)) if lines[n].startswith(line_text))
    if edit == "indent":
        lines[number] = "  " + lines[number]
    else:
        lines[number] = lines[number] + " Note: read this first"
    funding.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, number + 1


def test_an_indentation_slip_says_what_to_check_and_names_the_entry(
    run: Run, tmp_path: Path
) -> None:
    folder, line = funding_with(tmp_path, "indent", "    question: ")
    checked = run("kb", "check", "--kb", str(folder))
    assert checked.returncode == 1
    [error] = [row for row in checked.stderr.splitlines() if row.startswith("error")]
    assert f"funding.yml:{line}: YAML syntax error: mapping values are not allowed here" in error
    assert f"check the indentation of line {line} and the line before" in error
    assert "keys of one entry line up" in error
    assert error.endswith("(in entry 'funding-cut-steps')")
    as_json = run("kb", "check", "--format", "json", "--kb", str(folder))
    assert as_json.returncode == 1
    [problem] = json.loads(as_json.stdout)["errors"]
    assert problem["file"].endswith("funding.yml")
    assert problem["line"] == line
    assert problem["entry_id"] == "funding-cut-steps"
    assert "check the indentation" in problem["message"]


def test_a_colon_in_a_value_says_to_quote_it(run: Run, tmp_path: Path) -> None:
    folder, line = funding_with(tmp_path, "colon", "    question: ")
    as_json = run("kb", "check", "--format", "json", "--kb", str(folder))
    assert as_json.returncode == 1
    [problem] = json.loads(as_json.stdout)["errors"]
    assert problem["line"] == line
    assert problem["entry_id"] == "funding-cut-steps"
    assert "must be in quotes" in problem["message"]
    assert "indentation" not in problem["message"]


@pytest.mark.parametrize(
    ("broken", "hint"),
    [
        ("  - id: one\n    question: Q?\n      answer: A.\n", "check the indentation of line 5"),
        ("  - id: one\n    question: Q?\n   answer: A.\n", "check the indentation of line 5"),
        ("  - id: one\n    question: Q?\n    answer: Why: this.\n", "must be in quotes"),
    ],
)
def test_both_readers_give_the_hint_and_the_entry(
    tmp_path: Path, reader: str, broken: str, hint: str
) -> None:
    path = tmp_path / "t.yml"
    path.write_text("topic: T\nentries:\n" + broken)
    text = path.read_text()
    _, [problem] = yaml_source.read_yaml(path, "t.yml")
    assert problem.entry_id == "one", text
    assert hint in problem.message
    assert str(problem).startswith(f"t.yml:{problem.line}: YAML syntax error"), str(problem)
    assert str(problem).endswith("(in entry 'one')")
