"""The tester's findings on the console chat, the tour, ``kb check``, ``kb import`` and
``teams package``, each through the command a user runs."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from .conftest import Run


def _entry_reviewed(folder: Path, reviewed: date) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "t.yml").write_text(
        "topic: Funding\nentries:\n  - id: notice\n"
        "    question: How much notice before ending a grant?\n"
        "    answer: Give three months' notice.\n"
        "    owner: Funding team\n    status: current\n"
        f"    reviewed: {reviewed.isoformat()}\n"
        "    sources:\n      - title: Guide\n        url: https://www.gov.uk/guide\n"
        "    applies_to: [law-and-guidance]\n",
        encoding="utf-8",
    )


def test_kb_check_warns_of_a_reviewed_date_in_the_future(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    _entry_reviewed(folder, date(2030, 1, 1) if date.today().year < 2030 else date(2999, 1, 1))
    plain = run("kb", "check", "--kb", str(folder))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "t.yml:3 entry 'notice': 'reviewed' is " in plain.stdout
    assert "a date still to come" in plain.stdout
    assert "[future-review-date]" in plain.stdout
    assert "0 errors, 1 warning" in plain.stdout
    strict = run("kb", "check", "--strict", "--kb", str(folder))
    assert strict.returncode == 1
    assert "FAILED (--strict fails on warnings)" in strict.stdout
    # --as-of in the past does not excuse it: the review cannot have happened yet.
    old = run("kb", "check", "--format", "json", "--as-of", "2020-01-01", "--kb", str(folder))
    assert [w["code"] for w in json.loads(old.stdout)["warnings"]] == ["future-review-date"]


def test_kb_check_allows_a_reviewed_date_a_clock_skew_ahead(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    _entry_reviewed(folder, date.today() + timedelta(days=2))
    assert run("kb", "check", "--strict", "--kb", str(folder)).returncode == 0
    _entry_reviewed(folder, date.today() + timedelta(days=3))
    late = run("kb", "check", "--strict", "--format", "json", "--kb", str(folder))
    assert late.returncode == 1
    assert [w["code"] for w in json.loads(late.stdout)["warnings"]] == ["future-review-date"]
