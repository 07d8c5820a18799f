"""The tester's findings on the console chat, the tour, ``kb check``, ``kb import`` and
``teams package``, each through the command a user runs."""

from __future__ import annotations

import datetime as dt
import json
import re
from datetime import date, timedelta
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from .conftest import Run
from .test_kb_import_formats import workbook


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


def logged_outcomes(url: str) -> set[str]:
    database = Database.connect(url)
    try:
        log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
        return {r.outcome for r in log.recent()}
    finally:
        database.dispose()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_topics_name_lists_every_question_of_that_topic_and_logs_nothing(
    run: Run, tmp_path: Path
) -> None:
    funding = next(t for t in load_knowledge(bundled_knowledge()).topics() if t.name == "Funding")
    assert len(funding.entries) > 3  # the listing shows three: the rest are the point
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = ["topics", "topics funding", "TOPIC: Fund.", "topics c", "topics parking", "quit"]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = _flat(result.stdout)
    # The listing shows three questions a topic, and says how to see the rest.
    assert f"Funding ({len(funding.entries)} questions)" in out
    assert "Type topics and a topic's name to see all its questions, like: topics " in out
    # "topics funding" and "TOPIC: Fund." (case, punctuation, a prefix) list every question.
    assert out.count(f"Funding: all {len(funding.entries)} questions") == 2
    for entry in funding.entries:
        assert out.count(f"- {_flat(entry.question)}") >= 2, entry.question
    # A name that fits several topics names them; one that fits none lists the topics.
    assert '"c" could be Civil Society Covenant, Codes of good practice, Commitments' in out
    assert 'No topic is called "parking". These are the topics I cover:' in out
    assert out.count("(13 questions)") >= 2  # the whole listing, once for "topics", once here
    assert "I don't know that yet" not in out
    # Commands, not questions: logged as small talk, so none becomes a gap for the review group.
    assert logged_outcomes(url) == {"smalltalk"}


def test_topics_name_after_an_answer_is_a_command_too(run: Run) -> None:
    """It replaces the answer as a new question would: a y afterwards has nothing to rate."""
    script = ["how much notice must we give before ending a grant?", "topics volunteering", "y"]
    out = _flat(run("chat", stdin="\n".join(script) + "\n").stdout)
    assert re.search(r"Volunteering: all \d+ questions - Are criminal record \(DBS\)", out)
    assert "Nothing to choose from just now." in out


def test_ask_topics_points_to_the_chat_for_the_rest(run: Run) -> None:
    """A one-off ask has no next line to type "topics funding" in: it says where to."""
    out = _flat(run("ask", "--no-log", "topics").stdout)
    assert "In compact-bot chat, type topics and a topic's name to see all its questions" in out


def test_tour_tell_me_more_keeps_source_addresses_whole(run: Run, tmp_path: Path) -> None:
    """In an 80-column terminal the addresses stay on one line each, as in chat answers,
    so they can be clicked."""
    keys = "n\nm\nq\n"  # step 2, then "Tell me more"
    result = run(
        "tour", "--db", f"sqlite:///{tmp_path / 't.db'}", stdin=keys, env={"COLUMNS": "80"}
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "More on step 2 of 11" in out
    more = out[out.index("More on step 2 of 11") :]
    shown = [e for e in load_knowledge(bundled_knowledge()).entries if e.question[:40] in more]
    urls = [s.url for e in shown for s in e.sources if s.url]
    assert any(len(url) > 80 for url in urls)  # wider than the terminal: wrapping would show
    lines = [line.strip() for line in more.splitlines()]
    for url in urls:
        assert url in lines, url  # whole, on a line of its own


TEAMS_BOT_ID = "3f2b6a10-9c4d-4e8f-a1b2-c3d4e5f60718"


def test_teams_package_says_what_a_bad_app_id_is_and_how_to_make_one(
    run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    bad_app = run(
        "teams", "package", "--app-id", "nope", "--domain", "bot.example.gov.uk",
        "--out", str(out), env={"TEAMS_CLIENT_ID": TEAMS_BOT_ID},
    )  # fmt: skip
    assert bad_app.returncode == 1
    said = _flat(bad_app.stderr)
    assert "COMPACT_TEAMS_APP_ID (or --app-id) must be a GUID" in said
    assert "(got 'nope')" in said
    assert "the Teams app's own id (the manifest's id" in said
    assert "not an Azure value" in said
    assert "Copy it from the Azure portal" not in said
    assert "Leave it unset for one derived from the bot id" in said
    assert 'python -c "import uuid; print(uuid.uuid4())"' in said
    assert not out.exists()
    # The bot id is Azure's: its message still sends you to the Azure portal.
    bad_bot = run(
        "teams", "package", "--domain", "bot.example.gov.uk", "--out", str(out),
        env={"TEAMS_CLIENT_ID": "nope", "COMPACT_TEAMS_APP_ID": ""},
    )  # fmt: skip
    assert bad_bot.returncode == 1
    assert "copy it from the Azure portal (your Azure Bot > Settings" in _flat(bad_bot.stderr)


def test_kb_import_shows_a_date_cell_as_the_date_not_midnight(run: Run, tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "dates.xlsx",
        {
            "FAQ": [
                ["Question", "Answer", "Topic"],
                ["When does the grant round close?", dt.datetime(2027, 1, 31), "Funding"],
                ["When is the panel?", dt.datetime(2027, 2, 3, 9, 30), "Funding"],
            ]
        },
    )
    out = tmp_path / "out"
    result = run("kb", "import", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = (out / "funding.yml").read_text(encoding="utf-8")
    assert "00:00:00" not in written
    answers = [e.answer for e in load_knowledge(out).entries]
    assert answers == ["2027-01-31", "2027-02-03 09:30:00"]  # a time of day is kept


def test_kb_import_says_why_a_question_or_answer_cell_is_empty(run: Run, tmp_path: Path) -> None:
    """The advice to save the file in Excel only for a cell that holds a formula (openpyxl
    saves formulas without their values, as any program that does not calculate them)."""
    source = workbook(
        tmp_path / "faqs.xlsx",
        {
            "FAQ": [
                ["Question", "Answer"],
                ["What is the Compact?", "An agreement."],  # row 2
                [None, "An answer with no question."],  # row 3: simply empty
                ["Who signs it?", "=B2"],  # row 4: a formula never calculated
                ["   ", "Spaces for a question."],  # row 5
                ['=IF(B2="","",B2)', "Its question is a formula."],  # row 6
            ]
        },
    )
    result = run("kb", "import", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    said = _flat(result.stderr)
    assert "row 3: has no question (its cell is empty)" in said
    assert "row 4: has no answer (its cell holds a formula with no saved value: open the" in said
    assert "row 5: has no question (its cell holds only spaces)" in said
    assert "row 6: has no question (its cell holds a formula with no saved value" in said
    assert said.count("holds a formula") == 2  # rows 4 and 6 only
    assert [e.question for e in load_knowledge(tmp_path / "out").entries] == [
        "What is the Compact?"
    ]


def test_kb_import_of_a_csv_adds_no_workbook_hint(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "faqs.csv"
    source.write_text("question,answer\nWhat is it?,\nWho?,Them.\n", encoding="utf-8")
    result = run("kb", "import", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    said = _flat(result.stderr)
    assert "row 2: has no answer" in said
    assert "has no answer (" not in said
