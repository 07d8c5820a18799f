"""What people typed is data in every review output: never terminal markup, HTML, or a
spreadsheet formula. Purging removes every copy of a question's text, and several review
commands at once never trip over each other."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.chat.champion_desk import ChampionDesk
from bot.core.assistant import Assistant
from bot.core.replies import Clarify
from bot.storage.database import Database

from ..conftest import Run
from .conftest import NOW, Ask, Clock

MARKUP = "[/x] zebra crossing [link=https://evil.example]paint[/link] colours"


def gaps(run: Run, database_url: str, kb: Path, *args: str):  # type: ignore[no-untyped-def]
    return run("gaps", *args, "--db", database_url, "--kb", str(kb))


def test_gaps_list_and_show_print_markup_as_text(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    ask(MARKUP)
    for _ in range(2):  # it used to crash on every rerun
        listed = gaps(run, database_url, kb_copy, "list", "--since", "1y")
        assert listed.returncode == 0, listed.stderr
        assert "[/x] zebra crossing" in listed.stdout
        shown = gaps(run, database_url, kb_copy, "show", "1")
        assert shown.returncode == 0, shown.stderr
        assert f"Theme 1: {MARKUP}" in shown.stdout
        assert "\x1b]8;" not in shown.stdout  # no hidden terminal hyperlink


def test_reports_keep_questions_as_plain_text(
    run: Run, ask: Ask, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    hostile = [
        '<img src=x onerror="alert(1)"> zebra crossing paint',
        '=HYPERLINK("http://evil.example","zebra")',
        "+zebra crossing paint",
        "-zebra crossing paint",
        "@SUM(1+1) zebra",
        "\tzebra tab",
    ]
    for n, question in enumerate(hostile):
        ask(question, user=f"U{n}", days_ago=n)
    md = gaps(run, database_url, kb_copy, "report", "--since", "30d", "--out", "-")
    assert md.returncode == 0, md.stderr
    assert not (tmp_path / "-").exists()
    assert "## Top themes" in md.stdout  # --out - is standard output
    assert "<img" not in md.stdout
    assert "&lt;img src=x" in md.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(gaps(run, database_url, kb_copy, "report", "--format", "csv").stdout)
        )
    )
    cells = [value for row in rows for value in row.values()]
    assert cells, "the report has rows"
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any(c.startswith("'=HYPERLINK(") for c in cells)


def test_three_gaps_commands_at_once_all_succeed(
    ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    subjects = ["parking", "zebra paint", "office plants", "canteen menus", "car park fees"]
    for n in range(60):
        ask(f"{subjects[n % 5]} question number {n} about the {n % 7} annexe", user=f"U{n}")
    for n in range(5):
        clarify = ask("consultation", user=f"V{n}")
        assert isinstance(clarify, Clarify)
        assistant.choose(
            clarify.question, clarify.options[0].entry.id, interaction_id=clarify.interaction_id
        )
    env = {**os.environ, "NO_COLOR": "1"}
    commands = [["list", "--since", "1y"]] * 3 + [["suggestions"]] * 3
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "gaps",
                *args,
                "--db",
                database_url,
                "--kb",
                str(kb_copy),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for args in commands
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    for code, _out, err in results:
        assert code == 0, err
        assert "IntegrityError" not in err
    database = Database.connect(database_url)
    with database.session() as session:
        members = session.execute(text("SELECT count(*) FROM theme_members")).scalar_one()
        unanswered = session.execute(
            text("SELECT count(*) FROM interactions WHERE outcome = 'no_match'")
        ).scalar_one()
        sources = session.execute(text("SELECT count(*) FROM suggestion_sources")).scalar()
    database.dispose()
    assert members == unanswered  # each unanswered question in exactly one theme
    assert members > 40
    assert sources == 5


def dump(database_url: str) -> str:
    """Every value in every table, as text."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as connection:
            return "\n".join(connection.iterdump())
    database = Database.connect(database_url, migrate=False)
    try:
        with database.engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            return "\n".join(
                str(row[0])
                for table in tables
                for row in connection.execute(text(f'SELECT CAST(t AS text) FROM "{table}" AS t'))
            )
    finally:
        database.dispose()


def test_purge_removes_every_copy_of_old_questions(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path, clock: Clock
) -> None:
    # Two words no entry uses: a third would hold the answered rewording under the answer
    # threshold, and no suggestion would be made (it is the purge that is tested here).
    marker = "Xylophonist Khan"
    ask(f"zebra crossing paint colours for {marker}", user="U1", days_ago=400)
    ask(f"zebra crossing paint colour for {marker}", user="U2", days_ago=399)
    ask("zebra crossing paint colours", user="U3", days_ago=5)  # same theme, recent
    clarify = ask("consultation", user="U4", days_ago=400)
    assert isinstance(clarify, Clarify)
    clock.now = NOW.replace(year=NOW.year - 2)
    assistant.choose(
        clarify.question, clarify.options[0].entry.id, interaction_id=clarify.interaction_id
    )
    # Unanswered, then asked again in other words and answered: a suggested wording.
    ask(f"{marker}: grant finishes, notice?", user="U5", conversation="C9", days_ago=400)
    ask(
        f"how much notice must we give {marker} before ending a grant?",
        user="U5",
        conversation="C9",
        days_ago=400,
    )
    database = Database.connect(database_url)
    ChampionDesk(database, kb_copy, clock=lambda: NOW.replace(year=NOW.year - 2)).open(
        team_id="T1", asker="U6", question=f"{marker} asks about grants", interaction_id=None
    )
    database.dispose()
    suggested = gaps(run, database_url, kb_copy, "suggestions")  # themes too
    assert suggested.returncode == 0, suggested.stderr
    assert "xylophonist" in suggested.stdout.casefold()  # the rephrasing, suggested
    assert "xylophonist" in dump(database_url).casefold()

    purged = run("db", "purge", "--older-than", "365d", "--db", database_url)
    assert purged.returncode == 0, purged.stderr
    assert "xylophonist" not in dump(database_url).casefold()
    listed = gaps(run, database_url, kb_copy, "list", "--since", "2y")
    assert "zebra crossing paint colours" in listed.stdout  # the recent question's theme stays


def test_the_digest_prints_questions_as_text_not_markdown(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    ask("[zebra crossing paint](http://evil.example) <script>alert(1)</script>", user="U1")
    ask("# zebra crossing paint heading", user="U2")
    digest = gaps(run, database_url, kb_copy, "digest", "--since", "30d")
    assert digest.returncode == 0, digest.stderr
    assert "](http" not in digest.stdout.replace("\\](http", "")
    assert "\\[zebra crossing paint\\](http:\\/\\/evil.example)" in digest.stdout
    assert "<script>" not in digest.stdout
    assert "&lt;script&gt;" in digest.stdout
    assert "\n# zebra" not in digest.stdout
    assert '"\\# zebra crossing paint heading"' in digest.stdout


def test_gaps_list_shows_the_start_of_a_very_long_question(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    # A question may be 2,000 characters: whole, it took seventy lines of the table.
    long_question = "zebra crossing paint colours " + "and more words " * 130 + "the end"
    ask(long_question)
    ask("zebra crossing paint colours short", user="U2")
    listed = gaps(run, database_url, kb_copy, "list", "--since", "1y")
    assert listed.returncode == 0, listed.stderr
    assert "the end" not in listed.stdout
    assert "…" in listed.stdout
    assert len(listed.stdout.splitlines()) < 20, listed.stdout
    shown = gaps(run, database_url, kb_copy, "show", "1")
    assert "the end" in " ".join(shown.stdout.split())  # gaps show has it whole


def test_questions_in_other_scripts_reach_the_review_group_as_they_were_told(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    # The reply says "I've logged your question so the Compact review group can add an
    # answer"; with no words the matcher reads, such questions were in no theme at all.
    others = ["中文问题", "كيف أحصل على منحة", "помогите с грантом"]
    for n, question in enumerate(others):
        ask(question, user=f"U{n}")
    ask("?", user="U9")  # no words in any script: still in no theme
    listed = gaps(run, database_url, kb_copy, "list", "--since", "1y")
    assert listed.returncode == 0, listed.stderr
    for question in others:
        assert question in listed.stdout
    shown = gaps(run, database_url, kb_copy, "show", "1")
    assert "keywords: none" in shown.stdout
    report = gaps(run, database_url, kb_copy, "report", "--since", "1y", "--format", "csv")
    labels = [row[3] for row in csv.reader(io.StringIO(report.stdout)) if row[2] == "label"]
    assert sorted(labels) == sorted(others)


def test_reports_and_the_digest_drop_the_controls_that_reverse_text(
    run: Run, ask: Ask, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    # U+202E shows what follows backwards: "zebra \u202eyap ot si" reads "zebra is to pay".
    ask("zebra crossing \u202etniap\u202c colours \u2067isolated\u2069", user="U1")
    for fmt in ("md", "html"):
        out = tmp_path / f"report.{fmt}"
        made = gaps(run, database_url, kb_copy, "report", "--format", fmt, "--out", str(out))
        assert made.returncode == 0, made.stderr
        written = out.read_text()
        assert "zebra crossing tniap colours isolated" in written
        assert not any(
            c in written for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        )
    digest = gaps(run, database_url, kb_copy, "digest", "--since", "30d")
    assert digest.returncode == 0, digest.stderr
    assert "zebra crossing tniap colours isolated" in digest.stdout
    assert "\u202e" not in digest.stdout
