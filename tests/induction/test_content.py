"""induction.yml: the bundled tour is sound, and a bad one is rejected with file, line and step,
while the last good one keeps serving."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import KnowledgeBaseError
from bot.induction.loader import MAX_STEP_WORDS
from bot.knowledge.readability import word_count
from bot.settings import bundled_knowledge

from .conftest import Run

LOCAL_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "local_compact"

EVERY_TOPIC = (
    "what the compact was", "where things stand today", "campaign", "funding", "buying",
    "consultation", "volunteering", "equality", "sector commits", "go wrong", "local compact",
)  # fmt: skip


def test_the_bundled_tour_covers_the_issue_and_links_every_fact(
    bundled_store: KnowledgeStore,
) -> None:
    tour = bundled_store.current.tour
    kb = bundled_store.current.kb
    assert tour is not None
    assert 8 <= len(tour.steps) <= 12
    assert 5 <= len(tour.quiz) <= 8
    titles = " | ".join(s.title.casefold() for s in tour.steps)
    for topic in EVERY_TOPIC:
        assert topic in titles, topic
    for step in tour.steps:
        assert word_count(step.text) <= MAX_STEP_WORDS
        assert step.entries
        assert all(e in kb for e in step.entries)
        assert all(kb[e].sources for e in step.entries), step.id  # linked entries are sourced
    assert [s.local_contacts for s in tour.steps] == [False] * (len(tour.steps) - 1) + [True]
    covenant = tour.steps[1]
    assert "Civil Society Covenant" in covenant.text
    assert "July 2025" in covenant.text
    for question in tour.quiz:
        assert 1 <= question.correct <= len(question.options)
        assert all(kb[e].sources for e in question.entries)
        assert tour.step_for(question) is not None, question.id


def _write_bad_tour(folder: Path) -> None:
    text = (folder / "induction.yml").read_text()
    text = text.replace(
        "entries: [compact-breach, local-disputes-procedure, ombudsman-complaint]",
        "entries: [compact-breach, no-such-entry]",
    )
    text = text.replace(
        "      - Two weeks\n", "      - text: Two weeks\n        correct: true\n", 1
    )  # the notice question now has two right answers
    text = text.replace(
        "      - text: The Civil Society Covenant\n        correct: true\n",
        "      - The Civil Society Covenant\n",
    )  # and this one has none
    long_step = " ".join(["Funding words here."] * 45)
    text = re.sub(
        r"(  - id: funding-terms\n    title: Funding terms\n    text: \|\n)(?:      .*\n|\n)+?(    entries:)",
        lambda m: f"{m.group(1)}      {long_step}\n{m.group(2)}",
        text,
    )
    (folder / "induction.yml").write_text(text)


def test_kb_check_names_file_line_and_step_for_each_problem(run: Run, kb_copy: Path) -> None:
    _write_bad_tour(kb_copy)
    result = run("kb", "check", "--kb", str(kb_copy))
    assert result.returncode == 1
    err = " ".join(result.stderr.split())
    assert re.search(
        r"induction\.yml:\d+: step 10 'when-things-go-wrong': links to entry 'no-such-entry', "
        r"which is not in the knowledge base",
        err,
    ), err
    assert re.search(
        r"induction\.yml:\d+: question 1 'notice-before-a-cut': exactly one option must be "
        r"marked 'correct: true'; 2 are \(1, 3\)",
        err,
    ), err
    assert re.search(
        r"induction\.yml:\d+: question 2 'what-succeeded-the-compact': exactly one option must "
        r"be marked 'correct: true'; none is",
        err,
    ), err
    assert re.search(r"induction\.yml:\d+: step 4 'funding-terms': has 135 words", err), err
    assert "4 errors; the knowledge base was not loaded" in err


def test_kb_check_reports_tour_problems_beside_entry_problems(run: Run, kb_copy: Path) -> None:
    (kb_copy / "induction.yml").write_text("title: T\nsteps: []\nquiz:\n  - just text\n")
    funding = kb_copy / "funding.yml"
    funding.write_text(funding.read_text().replace("  - id: funding-notice\n", "  - id: Bad Id\n"))
    result = run("kb", "check", "--kb", str(kb_copy), "--format", "json")
    assert result.returncode == 1
    assert "'steps' must be a list with at least one item" in result.stdout
    assert "question 1: must be a mapping" in result.stdout
    assert "must be lower-case words joined by hyphens" in result.stdout


def test_a_bad_tour_never_replaces_a_good_one_on_reload(kb_copy: Path) -> None:
    store = KnowledgeStore.open(kb_copy)
    good = store.current
    _write_bad_tour(kb_copy)
    with pytest.raises(KnowledgeBaseError) as caught:
        store.reload()
    assert any("no-such-entry" in str(p) for p in caught.value.problems)
    assert store.current is good
    assert good.tour is not None
    assert len(good.tour.steps) == 11


def test_the_tour_is_not_read_as_knowledge_entries(bundled_store: KnowledgeStore) -> None:
    assert not any(e.file.endswith("induction.yml") for e in bundled_store.current.kb.entries)


def test_kb_check_shows_the_tour_in_its_summary(run: Run) -> None:
    result = run("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "a tour of 11 steps and 8 quiz questions" in " ".join(result.stdout.split())


def test_a_question_must_name_a_step_that_covers_it(kb_copy: Path) -> None:
    path = kb_copy / "induction.yml"
    text = path.read_text()
    text = text.replace("    step: funding-terms\n", "    step: no-such-step\n", 1)
    text = text.replace("    step: consultation\n", "    step: volunteering\n", 1)
    path.write_text(text)
    with pytest.raises(KnowledgeBaseError) as caught:
        KnowledgeStore.open(kb_copy)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "question 1 'notice-before-a-cut': 'step' names no step ('no-such-step')" in m
        for m in messages
    ), messages
    assert any(
        "question 6 'consultation-benchmark': shares no entry with step 7 'volunteering'" in m
        for m in messages
    ), messages


def test_a_local_layer_may_bring_its_own_tour(tmp_path: Path) -> None:
    local = tmp_path / "local"
    shutil.copytree(LOCAL_FIXTURE, local)
    national = bundled_knowledge() / "induction.yml"
    (local / "induction.yml").write_text(
        national.read_text().replace(
            "title: The Compact and the Covenant, in eleven steps",
            "title: The Preston Compact, in eleven steps",
        )
    )
    store = KnowledgeStore.open(bundled_knowledge(), local=local)
    assert store.current.tour is not None
    assert store.current.tour.title == "The Preston Compact, in eleven steps"
    assert not any(e.file.endswith("induction.yml") for e in store.current.kb.entries)
    without = KnowledgeStore.open(bundled_knowledge(), local=LOCAL_FIXTURE)
    assert without.current.tour is not None
    assert without.current.tour.title == "The Compact and the Covenant, in eleven steps"
