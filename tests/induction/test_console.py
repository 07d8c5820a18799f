"""The tour as a new starter takes it in a terminal: the real ``compact-bot tour`` process,
its standard input typed by the test; then the managers' report shows the completion."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from ..cli.interactive import Conversation
from ..outages import hung_server
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
    # Stopped after the quiz: finished, nothing to carry on with.
    assert "You have finished the tour." in out
    assert "You can carry on where you left off" not in out

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
    stopped = tour(run, db, ["n", "n", "q"])
    assert "You can carry on where you left off: type tour." in stopped
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


def test_with_a_hung_database_the_tour_waits_no_longer_than_an_answer(tmp_path: Path) -> None:
    """A server that accepts connections and never answers: the chat gives up on it within
    COMPACT_DB_BUDGET_MS at start, and from then on neither answers nor the tour wait for it
    (before, the tour waited out the driver's five-second connection timeout and printed a
    raw log line in the middle of the chat)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "COMPACT_DB_BUDGET_MS": "300"}
    with hung_server() as port:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/x"
        chat = Conversation("chat", "--db", url, env={"COMPACT_DB_BUDGET_MS": "300"})
        chat.until("Type help, topics, tour")
        answered, _ = chat.until("helpful?", "how long should a consultation last")
        chat.until("could not be recorded", "n")
        toured, _ = chat.until("Step 1 of 11", "tour")
        stepped, shown = chat.until("Step 2 of 11", "n")
        stopped, said = chat.until("Back to your questions", "q")
        status, err = chat.end("quit")
        assert status == 0, err
        assert max(toured, stepped, stopped) < 2 + answered, (toured, stepped, stopped, answered)
        assert toured < 4.5  # well short of the five-second connection timeout
        assert "can't reach the database just now" in shown  # the tour's own one line
        assert "was not saved" in said
        # The start-up line about the log, and nothing about the tour: no second, raw line.
        assert err.count("questions are not being logged") == 1, err
        assert "induction" not in err, err
        assert len(err.splitlines()) == 1, err

        started = time.monotonic()
        tour = subprocess.run(
            [sys.executable, "-m", "bot", "tour", "--db", url],
            input="n\nq\n",
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        hung = time.monotonic() - started
    started = time.monotonic()
    control = subprocess.run(
        [sys.executable, "-m", "bot", "tour", "--db", f"sqlite:///{tmp_path / 'tour.db'}"],
        input="n\nq\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    working = time.monotonic() - started
    assert tour.returncode == 0, tour.stderr
    assert control.returncode == 0, control.stderr
    assert "Step 2 of 11" in tour.stdout
    assert tour.stdout.count("can't reach the database just now") == 1
    assert tour.stderr == ""  # the tour's first view says it; no log line besides
    assert hung < working + 2.5, (hung, working)  # it waited 5 s and more before


def test_the_local_contacts_show_as_the_administrator_typed_them(run: Run, tmp_path: Path) -> None:
    """COMPACT_CHAMPIONS_CONTACT and COMPACT_LOCAL_COMPACT_NAME are free text: no tag, entity
    or markdown in them is read as markup ("# z" was a heading, "*x*" italics)."""
    contact = "Jo Bloggs & co <jo@example.org>\n<script>x</script> &amp;\n# Room 4\n*Fridays*"
    out = tour(
        run,
        f"sqlite:///{tmp_path / 'tour.db'}",
        [*["n"] * (STEPS - 1), "q"],
        COMPACT_CHAMPIONS_CONTACT=contact,
        COMPACT_LOCAL_COMPACT_NAME="*Preston* <b>Compact</b>",
    )
    assert "Step 11 of 11" in out
    lines = [line.strip() for line in out.splitlines()]
    assert "• Your local Compact: *Preston* <b>Compact</b>" in lines
    assert "• Your Compact Champions: Jo Bloggs & co <jo@example.org>" in lines
    assert "<script>x</script> &amp;" in lines
    assert "# Room 4" in lines
    assert "*Fridays*" in lines


def test_keys_that_move_on_help_and_numbers_that_do_not_fit_say_what_to_type(
    run: Run, tmp_path: Path
) -> None:
    """n and Enter move on from "my progress" as from a step (docs/induction.md); help lists
    the keys on any screen; a number a screen does not take names the ones it does; and
    stopping after the quiz says the tour is finished, not that there is more to carry on."""
    db = f"sqlite:///{tmp_path / 'tour.db'}"
    wrong = ["1"] * len(RIGHT)  # one right answer (question 2), seven wrong
    keys = ["p", "n", "p", "", "help", *[""] * STEPS, "9", *wrong, "11", "x", "q"]
    out = tour(run, db, keys)
    screens = out.split("tour> ")
    assert "Your induction progress" in screens[1]
    assert screens[2].startswith("Step 1 of 11")  # n on "my progress": resume
    assert "Your induction progress" in screens[3]
    assert screens[4].startswith("Step 1 of 11")  # Enter on "my progress": resume
    assert screens[5].startswith("Keys in the tour:")  # help
    assert "n or Enter  next step" in screens[5]
    assert "q           stop" in screens[5]
    assert "Type one of the keys" not in out.split("Your result")[0]
    assert "Quiz question 1 of 8" in screens[16]
    assert screens[17].startswith("Type the number of your answer, from 1 to 4.")  # "9"
    assert "Your result: 1 out of 8" in screens[25]
    assert screens[26].startswith(  # "11": not a step worth another look
        "Type 2, 3, 4, 6, 7 or 10 to look at a step again, or one of the keys shown in brackets."
    )
    assert screens[27].startswith("Type one of the keys shown in brackets, help for what")
    finished = " ".join(screens[28].split())
    assert "You have finished the tour. Type tour to look at it again" in finished
    assert "carry on where you left off" not in finished
    # Carrying on in the chat shows the result, as the message says.
    chat = run("chat", "--db", db, stdin="tour\nq\nquit\n")
    assert "Your result: 1 out of 8" in chat.stdout
    assert "You have finished the tour." in " ".join(chat.stdout.split())


def test_help_counts_the_steps_of_the_tour_it_runs(run: Run, kb_copy: Path, tmp_path: Path) -> None:
    bundled = " ".join(run("--help").stdout.split())
    assert "tour Take the induction tour for new starters: 11 short steps" in bundled
    assert "then a quiz of 8 questions" in " ".join(run("tour", "--help").stdout.split())
    # One step more in this installation's induction.yml: help says twelve.
    path = kb_copy / "induction.yml"
    content = yaml.safe_load(path.read_text())
    extra = {k: v for k, v in content["steps"][0].items() if k != "local_contacts"}
    content["steps"].append({**extra, "id": "one-more-step", "title": "One more step"})
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))
    longer = run("tour", "--help", env={"COMPACT_KB": str(kb_copy)}).stdout
    assert "12 short steps" in " ".join(longer.split())
    taken = run(
        "tour",
        "--db",
        f"sqlite:///{tmp_path / 't.db'}",
        stdin="q\n",
        env={"COMPACT_KB": str(kb_copy)},
    )
    assert "Step 1 of 12" in taken.stdout
    # No tour to count: help still works, without a number.
    empty = tmp_path / "empty-kb"
    empty.mkdir()
    (empty / "faq.yml").write_text(
        "topic: Test\nentries:\n  - id: alpha\n    question: What is alpha?\n"
        "    answer: Alpha is a test answer.\n"
    )
    plain = run("tour", "--help", env={"COMPACT_KB": str(empty)})
    assert plain.returncode == 0, plain.stderr
    assert "new starters: short steps on the Compact" in " ".join(plain.stdout.split())
