"""The local layer and an answer's standing, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge

from .conftest import Run

LOCAL = Path(__file__).resolve().parents[1] / "fixtures" / "local_compact"
NOTICE = "how much notice must we give before ending or reducing a grant?"


def test_ask_json_carries_who_an_answer_binds_now_and_when_it_was_checked(run: Run) -> None:
    result = run("ask", "--json", "--no-log", NOTICE)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["entry_id"] == "funding-notice"
    assert reply["status"] == "local-only"
    assert "Civil Society Covenant succeeded" in reply["binds_now"]
    assert {"id": "national-compact-2010", "label": "Renewed national Compact (2010)"} in reply[
        "applies_to"
    ]
    assert reply["reviewed"] == "2026-12-05"
    assert reply["local_compact"] is None
    assert any(s["archived"] for s in reply["sources"])
    assert any(s["url"].startswith("https://www.gov.uk/") for s in reply["sources"])
    nothing = json.loads(run("ask", "--json", "--no-log", "zebra crossings").stdout)
    assert nothing["binds_now"] is None
    assert nothing["applies_to"] == []


def test_the_console_shows_the_binds_now_line_beside_applies_to_and_the_review_date(
    run: Run,
) -> None:
    out = run("ask", "--no-log", NOTICE).stdout
    assert "Who this binds now: The three-month rule comes from the national Compact" in out
    assert "checked December 2026" in out
    assert "Applies to: Renewed national Compact (2010)" in out
    assert "(archived copy)" in out


def test_a_local_layer_answers_first_and_offers_the_national_answer(run: Run) -> None:
    env = {"COMPACT_LOCAL_KB": str(LOCAL), "COMPACT_LOCAL_COMPACT_NAME": "Exampleshire Compact"}
    reply = json.loads(run("ask", "--json", "--no-log", NOTICE, env=env).stdout)
    assert "four months" in reply["answer"]
    assert reply["local_compact"] == "Your local Compact (Exampleshire Compact)"
    chat = run("chat", "--local-kb", str(LOCAL), stdin=f"{NOTICE}\nr1\nquit\n", env=env)
    assert chat.returncode == 0, chat.stderr
    out = chat.stdout
    assert "Your local Compact (Exampleshire Compact)" in out
    assert "r1. What the national Compact said: How much notice" in out
    after_r1 = out.split("r1. What the national Compact said")[1]
    assert "three months" in after_r1, "r1 shows the national answer"


def test_kb_check_and_eval_cover_the_local_layer(run: Run, tmp_path: Path) -> None:
    check = run("kb", "check", "--local-kb", str(LOCAL), "--as-of", "2026-12-05")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "with local layer" in check.stdout
    merged = load_knowledge(bundled_knowledge(), local=LOCAL)
    assert f"{len(merged.entries)} entries" in check.stdout
    assert len(merged.entries) > len(load_knowledge(bundled_knowledge()).entries)
    figures = json.loads(run("eval", "--json", "--local-kb", str(LOCAL)).stdout)
    assert figures["local_questions"] == 2
    assert not [f for f in figures["failures"] if "local_compact" in f["where"]]


def test_kb_check_fails_without_a_binds_now_line_and_warns_on_overdue_reviews(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    entry = (
        "  - id: {id}\n    question: {q}\n    answer: Give notice.\n    owner: Review group\n"
        "    status: local-only\n    sources: [{{title: A source}}]\n"
        "    applies_to: [national-compact-2010]\n    reviewed: {reviewed}\n{extra}"
    )
    binds = "    binds_now: The Covenant succeeded the national Compact in July 2025.\n"
    (folder / "t.yml").write_text(
        "topic: T\nentries:\n"
        + entry.format(id="old", q="Old question?", reviewed="2020-01-01", extra=binds)
    )
    plain = run("kb", "check", "--kb", str(folder))
    assert plain.returncode == 0, "an overdue review never fails on its own"
    assert "review was due 2021-01-01" in plain.stdout
    assert run("kb", "check", "--strict", "--kb", str(folder)).returncode == 1
    (folder / "u.yml").write_text(
        "topic: U\nentries:\n"
        + entry.format(id="silent", q="Silent question?", reviewed="2026-12-01", extra="")
    )
    failing = run("kb", "check", "--kb", str(folder), "--format", "json")
    assert failing.returncode == 1
    [error] = json.loads(failing.stdout)["errors"]
    assert (error["entry_id"], error["code"]) == ("silent", "no-binds-now")


def test_an_answer_completed_from_settings_shows_the_champions_contact(run: Run) -> None:
    question = "who is the compact lead for our organisation"
    unset = json.loads(run("ask", "--json", "--no-log", question).stdout)
    assert unset["entry_id"] == "who-is-our-champion"
    assert "Ask your Compact review group" in " ".join(unset["answer"].split())
    env = {"COMPACT_CHAMPIONS_CONTACT": "Sam Patel, Compact lead: sam.patel@example.org"}
    configured = json.loads(run("ask", "--json", "--no-log", question, env=env).stdout)
    assert configured["answer"].endswith("Sam Patel, Compact lead: sam.patel@example.org")
