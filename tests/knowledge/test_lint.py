"""Each lint rule fires on a small fixture, and stays quiet on a clean one."""

from __future__ import annotations

from datetime import date

from bot.knowledge.lint import (
    Severity,
    answer_length,
    colliding_phrasings,
    duplicate_phrasings,
    lint,
    missing_metadata,
    near_duplicate_answers,
    readability,
    review_dates,
    source_quality,
    standing,
    undefined_acronyms,
)
from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase, Source, Status

TODAY = date(2026, 11, 24)
SOURCE = (Source("Compact Voice", "https://example.org"),)


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


def test_near_duplicate_answers_are_flagged() -> None:
    kb = KnowledgeBase(
        (
            entry("a", "Q1?", "Give three months notice."),
            entry("b", "Q2?", "Give three months' notice."),
        )
    )
    assert codes(near_duplicate_answers, kb) == ["duplicate-answer"]
    assert codes(near_duplicate_answers, CLEAN) == []


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
