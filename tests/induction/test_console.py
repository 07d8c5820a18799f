"""The tour as a new starter takes it in a terminal: the real ``compact-bot tour`` process,
its standard input typed by the test; then the managers' report shows the completion."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Run

STEPS, QUESTIONS = 11, 7
RIGHT = ["3", "1", "2", "3", "3", "2", "3", "3"]  # the quiz's right options, in order


def tour(run: Run, db: str, keys: list[str], **env: str) -> str:
    result = run("tour", "--db", db, stdin="\n".join(keys) + "\n", env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_new_starter_takes_the_tour_and_quiz_and_the_report_shows_it(
    run: Run, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'tour.db'}"
    keys = ["n", "m", "c", "b", "x", *[""] * STEPS, *RIGHT[:7], "1", "p", "q"]
    out = tour(run, db, keys, COMPACT_LOCAL_COMPACT_NAME="Preston Compact")
    assert "Step 1 of 11: What the Compact was" in out
    assert "Welcome. This short tour explains the Compact" in out
    assert "[m] Tell me more  [n] Next  [p] My progress  [q] Quit" in out
    assert "[b] Back  [m] Tell me more  [n] Next" in out
    assert "More on step 2 of 11: Where things stand today" in out
    assert "Is the Compact still in force?" in out  # an entry the step links to, in full
    assert "Source: NCVO" in out
    assert "Type one of the keys shown in brackets" in out  # after the stray "x"
    assert "Civil Society Covenant" in out
    assert "Your local Compact: Preston Compact" in out
    assert "Your Compact Champions: not named in this assistant yet" in out
    assert "[n] Start the quiz" in out
    assert "Quiz question 1 of 8" in out
    assert "• 3. At least three months" in out
    assert out.count("Right.") == 7
    assert "Not quite. The answer is: Raise it calmly with the body concerned." in out
    assert "Your result: 7 out of 8" in out
    assert "Step 10: When things go wrong" in out  # worth another look
    assert "Quiz score: 7 out of 8." in out  # "p": my progress
    assert "You can carry on where you left off" in out

    report = run("induction", "report", "--db", db)
    assert report.returncode == 0, report.stderr
    text = " ".join(report.stdout.split())
    assert "Started: 1 (by 1 person)" in text
    assert "Completed: 1" in text
    assert "Average quiz score: 7.0 of 8 (88%)" in text
    assert "0% (0 of 1) 8. A partner seems to have broken the Compact" in text
    assert "100% (1 of 1) 1. Under the Compact, how much notice" in text
    csv = run("induction", "report", "--db", db, "--format", "csv").stdout
    assert "summary," in csv
    assert "question,first-step-in-a-dispute,share_right,0.000" in csv
    page = tmp_path / "induction.html"
    html = run("induction", "report", "--db", db, "--format", "html", "--out", str(page))
    assert html.returncode == 0, html.stderr
    content = page.read_text()
    assert "<h2>Induction</h2>" in content
    assert not re.search(r"<(script|link|img)\b|src=|href=", content)  # self-contained
    gaps = run("gaps", "report", "--db", db, "--format", "html").stdout
    assert "<h2>Induction</h2>" in gaps
    assert "7.0 of 8 (88%)" in gaps


def test_stop_and_resume_later_here_or_in_the_chat(run: Run, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tour.db'}"
    tour(run, db, ["n", "n", "q"])
    resumed = tour(run, db, ["q"])
    assert "Welcome back. You are carrying on where you left off." in resumed
    assert "Step 3 of 11: Independence and the right to campaign" in resumed
    assert "Step 1 of 11" not in resumed
    chat = run("chat", "--db", db, stdin="my progress\nq\ntour\nn\nq\nquit\n")
    assert chat.returncode == 0, chat.stderr
    assert "You have seen 3 of 11 steps. Now: Step 3 of 11." in chat.stdout
    assert "Step 4 of 11: Funding terms" in chat.stdout
    assert "Back to your questions" in chat.stdout
    restart = tour(run, db, ["r", "q"])
    assert "Starting again from step 1" in restart
    assert "Step 1 of 11: What the Compact was" in restart


def test_with_the_database_down_the_tour_still_runs(run: Run) -> None:
    out = tour(
        run,
        "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        [*[""] * STEPS, *RIGHT, "q"],
    )
    assert out.count("can't reach the database just now") == 1
    assert "Step 1 of 11" in out
    assert "Your result: 8 out of 8" in out
    assert "You answered every question correctly." in out


def test_tour_help_explains_the_keys(run: Run) -> None:
    result = run("tour", "--help")
    assert result.returncode == 0
    assert "n (or Enter) next, b back, m tell me more" in " ".join(result.stdout.split())
    report_help = run("induction", "report", "--help")
    assert "--since" in report_help.stdout
    assert "--format" in report_help.stdout


def test_stopping_a_tour_that_is_not_saved_promises_no_carrying_on(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()  # a database that cannot be opened
    db = f"sqlite:///{folder}"
    for out in (
        tour(run, db, ["n", "q"]),
        run("chat", "--db", db, stdin="tour\nn\nq\nquit\n").stdout,
    ):
        text = " ".join(out.split())
        assert "your progress in the tour won't be saved" in text
        assert "You can carry on where you left off" not in text
        assert "Your progress in the tour was not saved" in text


def test_quitting_where_there_is_no_tour_promises_no_carrying_on(run: Run, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "faq.yml").write_text(
        "topic: Test\nentries:\n  - id: alpha\n    question: What is alpha?\n"
        "    answer: Alpha is a test answer.\n"
    )
    result = run("tour", "--kb", str(kb), "--db", f"sqlite:///{tmp_path / 'log.db'}", stdin="q\n")
    assert result.returncode == 0, result.stderr
    assert "There is no induction tour in this knowledge base yet" in result.stdout
    assert "carry on" not in result.stdout
