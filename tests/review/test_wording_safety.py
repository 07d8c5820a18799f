"""Wordings that are markup or formulas (an HTML tag, a leading = + - @, a control character)
are typed as probes or pasted; they never become an entry's live wording unnoticed, and the
notes the review tools write never carry the server's own paths."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.core.assistant import Assistant
from bot.core.replies import Clarify
from bot.knowledge.loader import load_knowledge

from ..conftest import Run
from .conftest import EXPENSES, Ask

SCRIPT = "<script>alert(1)</script> can volunteers claim travel expenses?"
FORMULA = "=cmd()|calc volunteers claim travel expenses"


def gaps(run: Run, database_url: str, kb: Path, *args: str):  # type: ignore[no-untyped-def]
    return run("gaps", *args, "--db", database_url, "--kb", str(kb))


def seed(ask: Ask) -> None:
    for n, text in enumerate([*EXPENSES, SCRIPT, FORMULA]):
        ask(text, user=f"U{n}", days_ago=n)


def theme_of(run: Run, database_url: str, kb: Path) -> str:
    """The theme the expenses questions, the probes among them, were grouped into."""
    shown = gaps(run, database_url, kb, "show", "1")
    assert shown.returncode == 0, shown.stderr
    assert SCRIPT in shown.stdout, shown.stdout
    assert FORMULA in shown.stdout, shown.stdout
    return "1"


def test_link_leaves_markup_and_formulas_out_and_names_them(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    seed(ask)
    theme = theme_of(run, database_url, kb_copy)
    linked = gaps(run, database_url, kb_copy, "link", theme, "volunteering-code")
    assert linked.returncode == 0, linked.stderr
    alternates = load_knowledge(kb_copy)["volunteering-code"].alternates
    assert set(EXPENSES) <= set(alternates)
    assert SCRIPT not in alternates
    assert FORMULA not in alternates
    assert SCRIPT not in linked.stdout
    assert FORMULA not in linked.stdout
    said = " ".join(linked.stderr.split())
    assert f"Left {SCRIPT!r} out of volunteering-code: it holds the markup '<script>'" in said
    assert f"Left {FORMULA!r} out of volunteering-code: it starts with '='" in said
    checked = run("kb", "check", "--kb", str(kb_copy))
    assert "[markup]" not in checked.stdout + checked.stderr


def test_link_of_one_markup_wording_is_refused_and_changes_nothing(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    seed(ask)
    before = (kb_copy / "volunteering.yml").read_text()
    for wording, reason in [
        ("<b>volunteer mileage rates</b>", "'<b>'"),
        ("@here volunteer mileage rates", "'@'"),
        ("+volunteer mileage rates", "'+'"),
        ("volunteer\x1b[31m mileage rates", "U+001B"),
    ]:
        refused = gaps(run, database_url, kb_copy, "link", wording, "volunteering-code")
        assert refused.returncode == 1, (wording, refused.stdout)
        said = " ".join(refused.stderr.split())
        assert "Nothing was linked" in said, said
        assert "is not plain text" in said, said
        assert reason in said
        assert "Traceback" not in refused.stderr
    assert (kb_copy / "volunteering.yml").read_text() == before


def test_promote_leaves_markup_out_of_the_draft_and_notes_no_server_path(
    run: Run, ask: Ask, database_url: str, kb_copy: Path
) -> None:
    seed(ask)
    theme = theme_of(run, database_url, kb_copy)
    promoted = gaps(run, database_url, kb_copy, "promote", theme)
    assert promoted.returncode == 0, promoted.stderr
    [draft] = (kb_copy / "drafts").glob("*.yml")
    entry = yaml.safe_load(draft.read_text())["entries"][0]
    assert {entry["question"], *entry["alternates"]} == set(EXPENSES)
    said = " ".join(promoted.stderr.split())
    assert f"Left {SCRIPT!r} out of the draft" in said
    assert f"Left {FORMULA!r} out of the draft" in said
    # The operator is told where the file is; the theme's note, which the digest posts to
    # Slack and Teams, names the draft in the knowledge folder, not the server's path.
    assert str(draft) in " ".join(promoted.stdout.split())
    shown = gaps(run, database_url, kb_copy, "show", theme)
    assert f"note: Draft written to drafts/{draft.name} in the knowledge folder" in shown.stdout
    for command in (("show", theme), ("digest", "--since", "30d"), ("report", "--since", "30d")):
        out = gaps(run, database_url, kb_copy, *command)
        assert out.returncode == 0, out.stderr
        assert str(kb_copy) not in out.stdout, command


def test_kb_check_warns_about_a_phrasing_with_markup_or_a_formula(run: Run, kb_copy: Path) -> None:
    path = kb_copy / "volunteering.yml"
    text = path.read_text()
    assert "  - id: volunteering-code\n" in text
    data = yaml.safe_load(text)
    [entry] = [e for e in data["entries"] if e["id"] == "volunteering-code"]
    entry["alternates"] = [*entry.get("alternates", []), SCRIPT, FORMULA, "-1+1 mileage"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    checked = run("kb", "check", "--kb", str(kb_copy))
    out = " ".join((checked.stdout + checked.stderr).split())
    assert f"phrasing {SCRIPT!r} is not plain text (it holds the markup '<script>')" in out
    assert f"phrasing {FORMULA!r} is not plain text (it starts with '='" in out
    assert "phrasing '-1+1 mileage' is not plain text (it starts with '-'" in out
    assert out.count("[markup]") == 3
    strict = run("kb", "check", "--strict", "--kb", str(kb_copy))
    assert strict.returncode == 1


def test_a_markup_wording_is_never_suggested(
    run: Run, ask: Ask, assistant: Assistant, database_url: str, kb_copy: Path
) -> None:
    for text, user in (("consultation", "U1"), ("<i>consultation</i>", "U2")):
        clarify = ask(text, user=user)
        assert isinstance(clarify, Clarify), text
        assistant.choose(
            clarify.question, clarify.options[0].entry.id, interaction_id=clarify.interaction_id
        )
    listed = gaps(run, database_url, kb_copy, "suggestions")
    assert listed.returncode == 0, listed.stderr
    assert "consultation" in listed.stdout
    assert "<i>" not in listed.stdout
