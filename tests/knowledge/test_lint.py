"""Each lint rule fires on a small fixture, and stays quiet on a clean one."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.knowledge.lint import (
    COLLISION_SCORE,
    NEAR_DUPLICATE_ANSWER,
    Finding,
    Severity,
    answer_length,
    colliding_phrasings,
    duplicate_phrasings,
    lint,
    missing_metadata,
    near_duplicate_answers,
    placeholders,
    readability,
    review_dates,
    source_quality,
    standing,
    undefined_acronyms,
)
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase, Source, Status
from bot.matching.index import MatchConfig, MatchIndex
from bot.matching.text import words
from bot.settings import bundled_knowledge

TODAY = date(2026, 11, 24)
SOURCE = (Source("The Compact", "https://www.gov.uk/government/publications/the-compact"),)


def entry(
    entry_id: str,
    question: str,
    answer: str = "Give at least three months' notice.",
    **extra: object,
) -> Entry:
    fields: dict[str, object] = {
        "sources": SOURCE,
        "applies_to": ("national-compact-2010",),
        "status": Status.LOCAL_ONLY,
        "binds_now": "The Civil Society Covenant succeeded the national Compact in July 2025; "
        "this applies where your local Compact adopts it.",
        "owner": "Review group",
        "reviewed": date(2026, 6, 1),
        "file": "knowledge/test.yml",
        "line": 3,
    }
    fields.update(extra)
    return Entry(id=entry_id, topic="Test", question=question, answer=answer, **fields)  # type: ignore[arg-type]


CLEAN = KnowledgeBase(
    (
        entry(
            "notice", "How much notice before ending a grant?", alternates=("grant ending notice",)
        ),
        entry(
            "consult",
            "How long should a consultation run?",
            "Twelve weeks is the usual time.",
            alternates=("consultation length",),
        ),
    )
)


def codes(rule, kb: KnowledgeBase) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in rule(kb, TODAY)]


def test_a_clean_knowledge_base_has_no_findings() -> None:
    assert lint(CLEAN, today=TODAY) == []


def test_a_drafts_placeholder_answer_is_an_error() -> None:
    placeholder = "TODO: write the answer in plain English, key fact first."
    kb = KnowledgeBase((entry("a", "Who pays?", placeholder), entry("b", "Who signs?")))
    assert codes(missing_metadata, kb) == ["unwritten"]
    [finding] = [f for f in lint(kb, today=TODAY) if f.code == "unwritten"]
    assert finding.severity is Severity.ERROR
    assert finding.entry_id == "a"


def test_hard_reading_is_flagged() -> None:
    hard = "Notwithstanding organisational considerations, commissioners' institutional responsibilities necessitate comprehensive consultation methodologies."
    assert codes(readability, KnowledgeBase((entry("hard", "Q?", hard),))) == ["readability"]
    assert codes(readability, CLEAN) == []


def test_long_answers_are_flagged() -> None:
    long_answer = "Give notice. " * 70
    assert codes(answer_length, KnowledgeBase((entry("long", "Q?", long_answer),))) == ["too-long"]
    assert codes(answer_length, CLEAN) == []


def test_acronyms_need_a_glossary_term() -> None:
    kb = KnowledgeBase(
        (entry("a", "What does the LGO do?", "The LGO and the NHS and the VCS."),),
        glossary=(GlossaryTerm("voluntary sector", "m", acronyms=("VCS",)),),
    )
    [finding] = undefined_acronyms(kb, TODAY)
    assert "uses LGO but the glossary does not define it" in finding.message
    defined = KnowledgeBase(
        kb.entries,
        glossary=(*kb.glossary, GlossaryTerm("Local Government Ombudsman", "m", acronyms=("LGO",))),
    )
    assert codes(undefined_acronyms, defined) == []


def test_overdue_and_missing_reviews_are_flagged() -> None:
    stale = entry("stale", "Q?", reviewed=date(2024, 1, 1), review_every=12)
    unowned = entry("unowned", "R?", owner="", reviewed=None)
    found = [(f.entry_id, f.code) for f in review_dates(KnowledgeBase((stale, unowned)), TODAY)]
    assert found == [("stale", "stale"), ("unowned", "no-owner"), ("unowned", "no-review-date")]
    assert codes(review_dates, CLEAN) == []


def test_missing_sources_and_scope_are_flagged() -> None:
    bare = entry("bare", "Q?", sources=(), applies_to=())
    assert codes(missing_metadata, KnowledgeBase((bare,))) == ["no-source", "no-applies-to"]
    assert codes(missing_metadata, CLEAN) == []


def test_the_same_wording_in_two_entries_is_flagged() -> None:
    kb = KnowledgeBase(
        (entry("a", "Grant notice?"), entry("b", "What else?", alternates=("grant notice",)))
    )
    [finding] = duplicate_phrasings(kb, TODAY)
    assert finding.entry_id == "b"
    assert "also in 'a'" in finding.message
    assert codes(duplicate_phrasings, CLEAN) == []


def test_an_alternate_closer_to_another_entry_is_a_collision() -> None:
    kb = KnowledgeBase(
        (
            entry(
                "notice",
                "How much notice before ending a grant?",
                alternates=("notice period for grants",),
            ),
            entry(
                "consult",
                "How long should a consultation run?",
                alternates=("consultation length", "how much notice before ending a grant"),
            ),
        )
    )
    [finding] = colliding_phrasings(kb, TODAY)
    assert finding.entry_id == "consult"
    assert "closer to 'notice'" in finding.message
    assert codes(colliding_phrasings, CLEAN) == []


def test_an_alternate_its_own_entry_already_says_in_full_is_not_a_collision() -> None:
    # "what is the covenant" has one content word. A rival's "covenant and compact" shares it
    # with only a common word besides, so by word overlap alone it is closer to the rival than
    # to "What is the Civil Society Covenant?"; but that wording of its own entry holds every
    # content word it has, so it belongs where it is.
    topics = ["funding", "grants", "volunteers", "disputes", "equality", "procurement", "audits"]
    others = tuple(entry(t, f"What does the Compact say about {t}?") for t in topics)
    covenant = entry(
        "covenant", "What is the Civil Society Covenant?", alternates=("what is the covenant",)
    )
    difference = entry(
        "difference",
        "How is the Covenant different from the Compact?",
        alternates=("covenant and compact",),
    )
    kb = KnowledgeBase((covenant, difference, *others))
    assert codes(colliding_phrasings, kb) == []
    # The same alternate in an entry with no wording that holds "covenant" is a collision.
    stray = entry("funding", "What does the Compact say about funding?", alternates=("covenant",))
    kb = KnowledgeBase((covenant, difference, stray, *others[1:]))
    [finding] = colliding_phrasings(kb, TODAY)
    assert finding.entry_id == "funding"


def every_phrasing_collisions(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """The collision rule as it was: every phrasing of the alternate's own entry and of every
    candidate the index names is compared, whatever the index found closest (candidates by
    confidence alone, as the lint takes them)."""
    index = MatchIndex.build(kb, MatchConfig(static_weight=0.0))
    for own_entry in kb.entries:
        for alternate in own_entry.alternates:
            others = [p for p in own_entry.phrasings if p != alternate]
            terms = index.wording(alternate).terms
            own = max((index.similarity(alternate, p) for p in others), default=0.0)
            if terms and any(terms <= index.wording(p).terms for p in others):
                own = 1.0  # its own entry already holds every content word it has
            for hit in index.search(alternate, limit=4):
                if hit.entry_id == own_entry.id:
                    continue
                rival = kb[hit.entry_id]
                closest = max(rival.phrasings, key=lambda p: index.similarity(alternate, p))
                score = index.similarity(alternate, closest)
                if score >= COLLISION_SCORE and score > own:
                    yield (
                        own_entry.id,
                        f"alternate {alternate!r} is closer to '{rival.id}' ({closest!r}) than "
                        "to its own entry's other wordings; reword it or move it",
                    )
                    break


def moved_alternates(kb: KnowledgeBase, seed: int, moves: int) -> KnowledgeBase:
    """``kb`` with copies of some entries' wordings (some with a word left out) added to other
    entries as alternates: the mistakes the collision rule is there to catch."""
    rng = random.Random(seed)
    entries = list(kb.entries)
    for _ in range(moves):
        source, target = rng.sample(range(len(entries)), 2)
        words = rng.choice(entries[source].phrasings).split()
        if len(words) > 3 and rng.random() < 0.5:
            del words[rng.randrange(len(words))]
        alternates = (*entries[target].alternates, " ".join(words))
        entries[target] = dataclasses.replace(entries[target], alternates=alternates)
    return dataclasses.replace(kb, entries=tuple(entries))


def found(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.entry_id or "", f.message) for f in findings]


def test_collisions_found_through_the_index_candidates_are_those_of_comparing_every_phrasing() -> (
    None
):
    # The bundled knowledge base, every wording as it is, plus 60 wordings copied into the
    # wrong entries: the collisions must be exactly those the all-phrasings rule finds.
    bundled = load_knowledge(bundled_knowledge())
    assert list(colliding_phrasings(bundled, TODAY)) == []
    kb = moved_alternates(bundled, seed=1, moves=60)
    expected = list(every_phrasing_collisions(kb))
    assert len(expected) > 50  # the moved wordings do collide
    assert found(list(colliding_phrasings(kb, TODAY))) == expected


def test_the_collision_rule_follows_the_index_similarity_when_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rule analyses each wording once through the index; were the index's similarity to
    # change, the rule must follow it, having no copy of its own.
    kb = KnowledgeBase(
        (
            entry("notice", "How much notice before ending a grant?"),
            entry(
                "consult",
                "How long should a consultation run?",
                alternates=("consultation length", "how much notice before ending a grant"),
            ),
        )
    )
    assert codes(colliding_phrasings, kb) == ["collision"]
    original = MatchIndex.similarity_of
    monkeypatch.setattr(
        MatchIndex,
        "similarity_of",
        lambda self, a, b: original(self, a, b) * COLLISION_SCORE * 0.9,
    )
    assert codes(colliding_phrasings, kb) == []


def test_near_duplicate_answers_are_flagged() -> None:
    kb = KnowledgeBase(
        (
            entry("a", "Q1?", "Give three months notice."),
            entry("b", "Q2?", "Give three months' notice."),
        )
    )
    assert codes(near_duplicate_answers, kb) == ["duplicate-answer"]
    assert codes(near_duplicate_answers, CLEAN) == []


def _all_pairs(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """What the duplicate-answer rule finds, by scoring every pair of answers: the reference
    the bucketed rule must agree with."""
    answers = [" ".join(sorted(words(e.answer))) for e in kb.entries]
    matrix = process.cdist(answers, answers, scorer=fuzz.ratio, dtype=np.uint8)
    close = np.nonzero(np.triu(matrix >= NEAR_DUPLICATE_ANSWER, k=1))
    return [(kb.entries[int(i)].id, kb.entries[int(j)].id) for i, j in zip(*close, strict=True)]


def _found(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(f.message.split("'")[1], f.entry_id or "") for f in near_duplicate_answers(kb, TODAY)]


def _varied(kb: KnowledgeBase, seed: int) -> KnowledgeBase:
    """The bundled answers with copies that drop, swap, pluralise or reword a few words
    each, and copies with every word pluralised (no word left in common)."""
    chance = random.Random(seed)
    vocabulary = sorted({w for e in kb.entries for w in words(e.answer)})
    made = list(kb.entries)
    for n, original in enumerate(kb.entries):
        said = original.answer.split()
        for copy in range(2):
            changed = [
                w + "s"
                if chance.random() < 0.04
                else chance.choice(vocabulary)
                if chance.random() < 0.03
                else w
                for w in said
            ]
            if chance.random() < 0.5 and changed:
                changed.pop(chance.randrange(len(changed)))
            made.append(entry(f"v{n}-{copy}", f"Q{n}-{copy}?", " ".join(changed) or "x"))
        if n % 4 == 0:
            made.append(entry(f"p{n}", f"P{n}?", " ".join(w + "s" for w in said)))
    return KnowledgeBase(tuple(made))


def test_duplicate_answers_found_by_buckets_are_those_every_pair_finds() -> None:
    bundled = load_knowledge(bundled_knowledge())
    assert _found(bundled) == _all_pairs(bundled) == []
    for seed in (1, 2):
        varied = _varied(bundled, seed)
        expected = _all_pairs(varied)
        assert len(expected) > 100
        assert _found(varied) == expected


def test_duplicate_answers_in_5000_entries_do_not_score_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chance = random.Random(7)
    bundled = load_knowledge(bundled_knowledge())
    vocabulary = sorted({w for e in bundled.entries for w in words(e.answer)})
    answers = [" ".join(chance.choices(vocabulary, k=chance.randint(30, 90))) for _ in range(4_950)]
    answers += [answers[n] + " also" for n in range(0, 4_950, 99)]  # 50 near-duplicates
    kb = KnowledgeBase(tuple(entry(f"e{n}", f"Q{n}?", a) for n, a in enumerate(answers)))
    scored: list[int] = []
    real = process.cpdist

    def counting(first: list[str], second: list[str], **options: object) -> object:
        scored.append(len(first))
        return real(first, second, **options)  # type: ignore[call-overload]

    monkeypatch.setattr(process, "cpdist", counting)  # the module the rule calls
    found = _found(kb)
    assert sorted(found) == sorted(
        (f"e{n}", f"e{4_950 + k}") for k, n in enumerate(range(0, 4_950, 99))
    )
    all_pairs = len(answers) * (len(answers) - 1) // 2
    assert sum(scored) < all_pairs // 20  # about 2.5% for words drawn at random


def test_an_answer_resting_on_the_national_compact_must_say_who_it_binds_now() -> None:
    silent = entry("silent", "Q?", binds_now="")
    covenant = entry("covenant", "R?", binds_now="", applies_to=("civil-society-covenant-2025",))
    undated = entry("undated", "S?", status=None)
    findings = [
        (f.entry_id, f.code, f.severity)
        for f in standing(KnowledgeBase((silent, covenant, undated)), TODAY)
    ]
    assert findings == [
        ("silent", "no-binds-now", Severity.ERROR),
        ("undated", "no-status", Severity.WARNING),
    ]
    long_line = entry("long", "T?", binds_now="word " * 60)
    assert codes(standing, KnowledgeBase((long_line,))) == ["binds-now-long"]
    assert codes(standing, CLEAN) == []


def test_mirror_sources_must_be_marked_archived_and_cannot_stand_alone_for_current_answers() -> (
    None
):
    mirror = Source(
        "Key Compact principles", "https://docsbay.net/doc/935142/key-compact-principles-for"
    )
    closed = Source("Compact Voice", "http://www.compactvoice.org.uk/about-compact", archived=True)
    unmarked = entry("unmarked", "Q?", sources=(mirror,))
    only_archived = entry("only-archived", "R?", sources=(closed,), status=Status.CURRENT)
    history = entry("history", "S?", sources=(closed,), status=Status.HISTORICAL)
    kb = KnowledgeBase((unmarked, only_archived, history))
    findings = [(f.entry_id, f.code) for f in source_quality(kb, TODAY)]
    assert findings == [("unmarked", "weak-source"), ("only-archived", "archived-only")]
    assert "docsbay.net" in next(iter(source_quality(kb, TODAY))).message
    assert codes(source_quality, CLEAN) == []


TEMPLATE = bundled_knowledge() / "local-template" / "local.yml"


def filled_in_template(folder: Path) -> Path:
    """The local template with its example entries switched on, as its comments say, but
    nothing in brackets replaced."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    rulers = [n for n, line in enumerate(lines) if line.startswith("# ---")]
    examples = [
        line.removeprefix("#").removeprefix(" ") for line in lines[rulers[0] + 1 : rulers[1]]
    ]
    kept = [line for line in lines[: rulers[0]] if line != "entries: []"]
    folder.mkdir()
    (folder / "local.yml").write_text("\n".join(kept + examples) + "\n", encoding="utf-8")
    return folder


def test_a_local_layer_still_holding_the_template_s_placeholders_is_warned_about(
    tmp_path: Path,
) -> None:
    kb = load_knowledge(bundled_knowledge(), local=filled_in_template(tmp_path / "local"))
    findings = [f for f in lint(kb, today=TODAY) if f.code == "placeholder"]
    assert {f.entry_id for f in findings} == {"funding-notice", "our-compact-new-question"}
    assert all(f.severity is Severity.WARNING for f in findings)
    said = "\n".join(f.message for f in findings)
    for what in ("question", "answer", "alternate", "source 1 title", "source 1 section"):
        assert f"{what} still holds the template's placeholder '[" in said.replace('"[', "'["), what
    assert "source 1 links to example.org, an example address" in said


def test_brackets_that_are_not_placeholders_and_real_links_are_not_flagged() -> None:
    kb = KnowledgeBase(
        (
            entry(
                "cited",
                "What did Hajrula decide?",
                "See [the Compact](https://www.gov.uk/compact); the court wrote [sic] once.",
                sources=(
                    Source(
                        "Hajrula v London Councils [2011] EWHC 448 (Admin)", "https://www.gov.uk/x"
                    ),
                ),
            ),
            entry(
                "example",
                "[What is the notice period?]",
                sources=(Source("Our Compact", "https://www.example.com/compact"),),
            ),
        )
    )
    assert [(f.entry_id, f.message.split(" ")[0]) for f in placeholders(kb, TODAY)] == [
        ("example", "question"),
        ("example", "source"),
    ]


def test_the_bundled_knowledge_base_holds_no_placeholders() -> None:
    assert list(placeholders(load_knowledge(bundled_knowledge()), TODAY)) == []
