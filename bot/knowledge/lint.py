"""Lint the knowledge base: the problems that load fine but make answers worse.

Each rule is a small function from the knowledge base to findings. ``kb check`` prints them;
warnings never stop the assistant, errors do (those come from the loader).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.readability import reading_ease, word_count
from bot.matching.index import MatchIndex
from bot.matching.text import words

READING_EASE_FLOOR = 50.0
MAX_ANSWER_WORDS = 120
COLLISION_SCORE = 0.8  # weighted word overlap (Dice), 0-1
NEAR_DUPLICATE_ANSWER = 90
# Abbreviations every reader knows; anything else in capitals needs a glossary entry.
WELL_KNOWN = frozenset({"UK", "EU", "HR", "IT", "OK", "PDF", "FAQ", "URL", "CEO", "MP", "NHS"})
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
_ROMAN = re.compile(r"^[IVXLCDM]+$")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    code: str
    file: str
    line: int | None
    entry_id: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        who = f" entry '{self.entry_id}'" if self.entry_id else ""
        return f"{where}{who}: {self.message} [{self.code}]"


Rule = Callable[[KnowledgeBase, date], Iterator[Finding]]


def _warn(entry: Entry, code: str, message: str) -> Finding:
    return Finding(Severity.WARNING, code, entry.file, entry.line or None, entry.id, message)


def readability(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    for entry in kb.entries:
        score = reading_ease(entry.answer)
        if score < READING_EASE_FLOOR:
            yield _warn(
                entry,
                "readability",
                f"answer reads hard (Flesch reading ease {score:.0f}, aim for "
                f"{READING_EASE_FLOOR:.0f}+): use shorter sentences and everyday words",
            )


def answer_length(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    for entry in kb.entries:
        count = word_count(entry.answer)
        if count > MAX_ANSWER_WORDS:
            yield _warn(
                entry, "too-long", f"answer has {count} words; keep it to about {MAX_ANSWER_WORDS}"
            )


def undefined_acronyms(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    defined = {a.upper() for term in kb.glossary for a in term.acronyms} | WELL_KNOWN
    for entry in kb.entries:
        text = " ".join((entry.answer, *entry.phrasings))
        found = {m.group(1) for m in _ACRONYM.finditer(text)}
        missing = sorted(a for a in found - defined if not _ROMAN.match(a))
        if missing:
            yield _warn(
                entry,
                "acronym",
                f"uses {', '.join(missing)} but the glossary does not define "
                f"{'it' if len(missing) == 1 else 'them'}; add a glossary term or spell it out",
            )


def review_dates(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    for entry in kb.entries:
        if not entry.owner:
            yield _warn(entry, "no-owner", "has no owner; name who keeps this answer right")
        due = entry.review_due
        if due is None:
            yield _warn(entry, "no-review-date", "has no 'reviewed' date")
        elif due < today:
            yield _warn(
                entry,
                "stale",
                f"review was due {due.isoformat()} (reviewed {entry.reviewed}, every "
                f"{entry.review_every} months): check it and update 'reviewed'",
            )


def missing_metadata(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    for entry in kb.entries:
        if not entry.sources:
            yield _warn(entry, "no-source", "cites no sources; add where its facts come from")
        if not entry.applies_to:
            yield _warn(entry, "no-applies-to", "does not say what it applies to ('applies_to')")


def _key(text: str) -> str:
    return " ".join(words(text))


def duplicate_phrasings(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """The same wording (ignoring case and punctuation) in two entries: only one can win."""
    owners: dict[str, Entry] = {}
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            key = _key(phrasing)
            other = owners.setdefault(key, entry) if key else entry
            if other is not entry:
                yield _warn(
                    entry,
                    "duplicate",
                    f"phrasing {phrasing!r} is also in '{other.id}' ({other.file}:{other.line}); "
                    "keep it in one entry",
                )


def colliding_phrasings(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """An alternate that reads more like another entry's wording than its own entry's other
    wordings, judged by the matcher's own weighted word overlap (leave-one-out)."""
    index = MatchIndex.build(kb)
    for entry in kb.entries:
        for alternate in entry.alternates:
            own = max(
                (index.similarity(alternate, p) for p in entry.phrasings if p != alternate),
                default=0.0,
            )
            for hit in index.search(alternate, limit=4):
                if hit.entry_id == entry.id:
                    continue
                rival = kb[hit.entry_id]
                closest = max(rival.phrasings, key=lambda p: index.similarity(alternate, p))
                score = index.similarity(alternate, closest)
                if score >= COLLISION_SCORE and score > own:
                    yield _warn(
                        entry,
                        "collision",
                        f"alternate {alternate!r} is closer to '{rival.id}' ({closest!r}) than to "
                        "its own entry's other wordings; reword it or move it",
                    )
                    break


def near_duplicate_answers(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    answers = [" ".join(words(e.answer)) for e in kb.entries]
    if len(answers) < 2:
        return
    matrix = process.cdist(
        answers, answers, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1
    )
    for i, j in zip(*np.nonzero(np.triu(matrix >= NEAR_DUPLICATE_ANSWER, k=1)), strict=True):
        first, second = kb.entries[int(i)], kb.entries[int(j)]
        yield _warn(
            second,
            "duplicate-answer",
            f"answer is nearly the same as '{first.id}' ({first.file}:{first.line}); merge them",
        )


RULES: tuple[Rule, ...] = (
    readability,
    answer_length,
    undefined_acronyms,
    review_dates,
    missing_metadata,
    duplicate_phrasings,
    colliding_phrasings,
    near_duplicate_answers,
)


def lint(kb: KnowledgeBase, *, today: date | None = None) -> list[Finding]:
    """Every finding, ordered by file and line."""
    day = today or date.today()
    findings = [finding for rule in RULES for finding in rule(kb, day)]
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.code))
