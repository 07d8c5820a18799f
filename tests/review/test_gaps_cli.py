"""The review group's commands, run as a user would, on a seeded log (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
import yaml

from bot.core.assistant import Assistant
from bot.core.replies import Clarify
from bot.knowledge.atomic import current_umask
from bot.knowledge.loader import load_knowledge
from bot.review.themes import ThemeService

from ..conftest import Run
from .conftest import EXPENSES, PARKING, Ask


def seed(ask: Ask, assistant: Assistant) -> None:
    for n, text in enumerate(EXPENSES):
        ask(text, user=f"U{n}", days_ago=n * 3)
    for text in PARKING:
        ask(text, user="U9", days_ago=10)
    for _ in range(3):
        ask("how much notice must we give before ending a grant?", user="U5", days_ago=2)
    answer = ask("can we pay a grant in advance?", user="U6")
    assistant.feedback(
        answer.question, answer.interaction_id, helpful=False, entry_id="payment-in-advance"
    )


def gaps(run: Run, database_url: str, kb: Path, *args: str):  # type: ignore[no-untyped-def]
    return run("gaps", *args, "--db", database_url, "--kb", str(kb))


def test_list_show_and_triage(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    listed = gaps(run, database_url, kb_copy, "list", "--since", "1y")
    assert listed.returncode == 0, listed.stderr
    assert "travel expenses" in listed.stdout
    shown = gaps(run, database_url, kb_copy, "show", "1")
    assert "4 questions from 4 people" in shown.stdout
    assert "can volunteers claim travel expenses" in shown.stdout
    triaged = gaps(
        run, database_url, kb_copy, "triage", "1", "--status", "in_review", "--note", "Ask HR"
    )
    assert triaged.returncode == 0, triaged.stderr
    assert "Theme 1 is now in_review" in triaged.stdout
    assert "note: Ask HR" in gaps(run, database_url, kb_copy, "show", "1").stdout


def test_bad_input_is_a_clear_error(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    unknown = gaps(run, database_url, kb_copy, "show", "404")
    assert unknown.returncode == 1
    assert "There is no theme '404'" in unknown.stderr
    period = gaps(run, database_url, kb_copy, "report", "--since", "last month")
    assert period.returncode == 1
    assert "'last month' is not a period" in period.stderr
    status = gaps(run, database_url, kb_copy, "triage", "1", "--status", "done")
    assert status.returncode == 2
    assert "is not a status" in status.stderr
    ignore = gaps(run, database_url, kb_copy, "triage", "1", "--status", "ignored")
    assert ignore.returncode == 2
    assert "say why" in ignore.stderr


def test_theme_and_suggestion_ids_no_row_can_have_are_a_clear_error(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    # Beyond what the database stores (it raised OverflowError), and digits int() refuses.
    seed(ask, assistant)
    huge = "99999999999999999999"
    many = "1" * 5000  # more digits than int() reads
    for args in (
        ["show", many],
        ["show", huge],
        ["triage", huge, "--status", "in_review"],
        ["promote", huge],
        ["link", huge, "funding-notice"],
        ["suggestions", "accept", huge],
        ["suggestions", "reject", huge],
    ):
        result = gaps(run, database_url, kb_copy, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        said = result.stderr.replace("\n", "")
        assert "There is no theme '" in said or f"There is no suggestion {huge}" in said
    superscript = gaps(run, database_url, kb_copy, "show", "²")
    assert superscript.returncode == 1
    assert "'²' is not a theme id" in superscript.stderr
    assert "Traceback" not in superscript.stderr


def test_reports_in_three_formats_without_user_ids(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path, tmp_path: Path
) -> None:
    seed(ask, assistant)
    md = gaps(run, database_url, kb_copy, "report", "--since", "30d", "--format", "md")
    assert md.returncode == 0, md.stderr
    assert "## Top themes" in md.stdout
    assert "Theme 1: " in md.stdout
    assert "payment-in-advance (1)" in md.stdout, "the not-helpful answer is listed"
    assert "Funding: 4" in md.stdout, "topics asked about"
    rows = list(
        csv.DictReader(
            io.StringIO(gaps(run, database_url, kb_copy, "report", "--format", "csv").stdout)
        )
    )
    assert {"theme", "week", "not_helpful", "topic"} <= {r["section"] for r in rows}
    assert any(
        r["section"] == "theme" and r["measure"] == "questions" and r["value"] == "4" for r in rows
    )
    page = tmp_path / "report.html"
    html = gaps(run, database_url, kb_copy, "report", "--format", "html", "--out", str(page))
    assert html.returncode == 0, html.stderr
    text = page.read_text()
    assert text.startswith("<!doctype html>")
    assert "<svg" in text
    assert "http" not in text.split("</style>")[0], "no external stylesheet or script"
    assert "<script" not in text
    assert "<link" not in text
    for report in (md.stdout, text):
        for user in ("U0", "U1", "U5", "U9"):
            assert f"{user} " not in report
            assert f">{user}<" not in report


def test_promote_writes_a_draft_and_refuses_answered_themes(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    promoted = gaps(run, database_url, kb_copy, "promote", "1")
    assert promoted.returncode == 0, promoted.stderr
    [draft] = (kb_copy / "drafts").glob("*.yml")
    entry = yaml.safe_load(draft.read_text())["entries"][0]
    assert set(entry["alternates"]) | {entry["question"]} == set(EXPENSES)
    assert "in_review" in gaps(run, database_url, kb_copy, "show", "1").stdout
    # Moved into a topic file unfinished, the draft fails kb check: nothing in it says it
    # was checked, and its answer is still the placeholder.
    unfinished = kb_copy / "unfinished.yml"
    unfinished.write_text(draft.read_text())
    check = run("kb", "check", "--kb", str(kb_copy))
    assert check.returncode == 1
    assert "'reviewed' must be a date" in check.stdout + check.stderr
    unfinished.unlink()
    gaps(
        run,
        database_url,
        kb_copy,
        "triage",
        "1",
        "--status",
        "answered",
        "--entry",
        "volunteering-code",
    )
    refused = gaps(run, database_url, kb_copy, "promote", "1")
    assert refused.returncode == 1
    assert "already answered" in refused.stderr


def test_link_adds_wordings_in_place_and_keeps_comments(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    before = (kb_copy / "volunteering.yml").read_text()
    linked = gaps(run, database_url, kb_copy, "link", "1", "volunteering-code")
    assert linked.returncode == 0, linked.stderr
    assert "Theme 1 marked answered" in linked.stdout
    after = (kb_copy / "volunteering.yml").read_text()
    assert after.splitlines()[0] == before.splitlines()[0], "the file's comment header survives"
    assert after.index("id: free-crb-checks") < after.index("id: volunteering-code"), "order kept"
    code = load_knowledge(kb_copy)["volunteering-code"]
    assert set(EXPENSES) <= set(code.alternates)
    one = gaps(run, database_url, kb_copy, "link", "volunteer mileage rates", "volunteering-code")
    assert one.returncode == 0, one.stderr
    assert "volunteer mileage rates" in load_knowledge(kb_copy)["volunteering-code"].alternates
    missing = gaps(run, database_url, kb_copy, "link", "2", "no-such-entry")
    assert missing.returncode == 1
    assert "There is no entry 'no-such-entry'" in missing.stderr


def test_suggestions_from_choices_and_rephrasing(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    clarify = ask("consultation", user="U1")
    assert isinstance(clarify, Clarify)
    chosen = clarify.options[0].entry.id
    assistant.choose(clarify.question, chosen, interaction_id=clarify.interaction_id)
    # Not answered outright (a did-you-mean), then asked again in other words and answered.
    assert isinstance(ask("grant finishes, notice?", user="U2", conversation="C2"), Clarify)
    ask("how much notice must we give before ending a grant?", user="U2", conversation="C2")
    listed = gaps(run, database_url, kb_copy, "suggestions")
    assert listed.returncode == 0, listed.stderr
    assert chosen in listed.stdout
    assert "grant finishes, notice?" in listed.stdout
    assert "funding-notice" in listed.stdout
    accepted = gaps(run, database_url, kb_copy, "suggestions", "accept", "1")
    assert accepted.returncode == 0, accepted.stderr
    assert "consultation" in load_knowledge(kb_copy)[chosen].alternates
    rejected = gaps(run, database_url, kb_copy, "suggestions", "reject", "2")
    assert rejected.returncode == 0, rejected.stderr
    again = gaps(run, database_url, kb_copy, "suggestions", "reject", "2")
    assert again.returncode == 1
    assert "already rejected" in again.stderr
    assert "No suggestions waiting" in gaps(run, database_url, kb_copy, "suggestions").stdout


def test_digest_lists_open_themes(
    run: Run, ask: Ask, assistant: Assistant, themes: ThemeService, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    digest = gaps(run, database_url, kb_copy, "digest", "--since", "30d")
    assert digest.returncode == 0, digest.stderr
    assert "**Theme 1** (4 questions, 4 people)" in digest.stdout
    assert "Examples:" in digest.stdout


def test_purge_enforces_retention(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    ask("an old question about parking", days_ago=400)
    ask("a recent question about parking", days_ago=5)
    purged = run("db", "purge", "--older-than", "365d", "--db", database_url)
    assert purged.returncode == 0, purged.stderr
    assert "Deleted 1 interaction older than" in purged.stdout
    assert "a recent question" in gaps(run, database_url, kb_copy, "report", "--since", "2y").stdout
    bad = run("db", "purge", "--older-than", "forever", "--db", database_url)
    assert bad.returncode == 1


def test_triage_answered_needs_an_entry_that_exists(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    bare = gaps(run, database_url, kb_copy, "triage", "1", "--status", "answered")
    assert bare.returncode == 2
    assert "--status answered needs the entry" in bare.stderr
    assert "--entry" in bare.stderr
    unknown = gaps(
        run, database_url, kb_copy, "triage", "1", "--status", "answered", "--entry", "no-such"
    )
    assert unknown.returncode == 1
    assert "Traceback" not in unknown.stderr
    assert "There is no entry 'no-such' in the knowledge base" in unknown.stderr
    assert "compact-bot gaps show THEME" in unknown.stderr  # how to find ids
    assert "status: new" in gaps(run, database_url, kb_copy, "show", "1").stdout, "unchanged"
    good = gaps(
        run,
        database_url,
        kb_copy,
        "triage",
        "1",
        "--status",
        "answered",
        "--entry",
        "volunteering-code",
    )
    assert good.returncode == 0, good.stderr
    assert "(entry volunteering-code)" in gaps(run, database_url, kb_copy, "show", "1").stdout


def test_one_question_from_one_person_reads_so(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    ask("parking permits for charity staff at the civic centre", user="U1")
    shown = gaps(run, database_url, kb_copy, "show", "1")
    assert "1 question from 1 person," in shown.stdout
    digest = gaps(run, database_url, kb_copy, "digest", "--since", "30d")
    assert "(1 question, 1 person)" in digest.stdout
    report = gaps(run, database_url, kb_copy, "report", "--since", "30d")
    assert "1 question from 1 person;" in report.stdout
    assert "1 questions" not in report.stdout + digest.stdout + shown.stdout


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_link_and_promote_leave_knowledge_files_readable(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    seed(ask, assistant)
    topic = kb_copy / "volunteering.yml"
    topic.chmod(0o664)
    linked = gaps(run, database_url, kb_copy, "link", "volunteer mileage", "volunteering-code")
    assert linked.returncode == 0, linked.stderr
    assert stat.S_IMODE(topic.stat().st_mode) == 0o664, "a rewritten file keeps its mode"
    promoted = gaps(run, database_url, kb_copy, "promote", "2")
    assert promoted.returncode == 0, promoted.stderr
    [draft] = (kb_copy / "drafts").glob("*.yml")
    assert stat.S_IMODE(draft.stat().st_mode) == 0o666 & ~current_umask()


def test_link_of_a_wording_without_words_is_refused_not_reported_as_already_there(
    run: Run, database_url: str, kb_copy: Path
) -> None:
    before = (kb_copy / "funding.yml").read_text()
    for empty in ("", "   ", "???", "—"):
        refused = gaps(run, database_url, kb_copy, "link", empty, "funding-notice")
        assert refused.returncode == 1, (empty, refused.stdout)
        said = " ".join(refused.stderr.split())
        assert "has no words to add as a wording" in said
        assert "already has" not in refused.stdout
        assert "Traceback" not in said
    assert (kb_copy / "funding.yml").read_text() == before


def test_a_question_typed_over_several_lines_shows_on_one_line_of_a_listing(
    run: Run, database_url: str, kb_copy: Path
) -> None:
    # Otherwise its second line reads as a line of the listing (a forged "Theme 2: ..."),
    # and U+202E would show its words backwards.
    typed = "zebra crossing paint\nTheme 2: nothing to see \u202ehere"
    assert run("ask", "--db", database_url, "--kb", str(kb_copy), typed).returncode == 0
    shown = gaps(run, database_url, kb_copy, "show", "1")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Theme 1: zebra crossing paint Theme 2: nothing to see here"
    assert "  - zebra crossing paint Theme 2: nothing to see here" in lines
    assert not any(line.startswith("Theme 2") for line in lines)
    assert "\u202e" not in shown.stdout
    listed = gaps(run, database_url, kb_copy, "list")
    assert "\u202e" not in listed.stdout
    assert not any(line.lstrip("│ ").startswith("Theme 2") for line in listed.stdout.splitlines())
