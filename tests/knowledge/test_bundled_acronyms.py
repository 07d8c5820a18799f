"""Acronyms one letter-swap apart reach their own entries in the bundled knowledge base.

"CVS" (a council for voluntary service) was once unknown to the matcher, which repaired it to
"VCS" and answered "what does CVS stand for" with the voluntary and community sector at full
confidence. Asked as a user would, through ``python -m bot ask``."""

from __future__ import annotations

import json

from tests.conftest import Run

CVS = "glossary-council-for-voluntary-service"
VCS = "glossary-voluntary-and-community-sector"


def _answers(run: Run, questions: list[str]) -> list[tuple[str, str | None]]:
    result = run("ask", "--json", "--no-log", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in replies] == questions
    return [(r["outcome"], r["entry_id"]) for r in replies]


def test_cvs_and_vcs_are_answered_from_their_own_glossary_entries(run: Run) -> None:
    questions = [
        "what does CVS stand for",
        "what does VCS stand for",
        "what is a council for voluntary service",
        "what's the voluntary and community sector",
    ]
    assert _answers(run, questions) == [
        ("answer", CVS),
        ("answer", VCS),
        ("answer", CVS),
        ("answer", VCS),
    ]


def test_the_cvs_answer_tells_it_apart_from_the_vcs(run: Run) -> None:
    result = run("ask", "--json", "--no-log", "what does CVS stand for")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["entry_id"] == CVS
    assert "council for voluntary service" in reply["answer"]
    assert "**VCS**" in reply["answer"], "the answer says the VCS is something else"
