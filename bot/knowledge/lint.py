"""Lint the knowledge base: the problems that load fine but make answers worse.

Each rule is a small function from the knowledge base to findings. ``kb check`` prints them.
Warnings never stop the assistant. Lint errors (an answer resting on the national Compact
that does not say who it binds now) fail ``kb check`` but still load, so a knowledge base
already serving is not taken away; loader errors stop it loading at all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge.drafts import UNWRITTEN
from bot.knowledge.model import Entry, KnowledgeBase, Status
from bot.knowledge.readability import reading_ease, word_count
from bot.knowledge.sources import host_of, is_weak, on
from bot.knowledge.spreadsheet import FORMULA_STARTS
from bot.matching.index import MatchConfig, MatchIndex, Wording
from bot.matching.text import words

READING_EASE_FLOOR = 50.0
MAX_ANSWER_WORDS = 120
COLLISION_SCORE = 0.8  # weighted word overlap (Dice), 0-1
# A rival the index is this confident about is compared phrasing by phrasing even when the
# phrasing it found closest overlaps less: for "define CSO" it sets "define" aside and may
# pick "CSO?", while the rival also stores "define civil society organisation".
SCAN_CONFIDENCE = 0.7
MAX_BINDS_NOW_WORDS = 50  # "one plain sentence"
NEAR_DUPLICATE_ANSWER = 90
# How far ahead of today a 'reviewed' date may be before it is taken for a typo rather than
# a clock a day or two apart (an editor in another time zone, a server clock running slow).
REVIEWED_AHEAD = timedelta(days=2)
# The share of their distinct words two answers that near (above) must have in common for
# the lint to compare them: such answers share far more (see ``near_duplicate_pairs``).
SHARED_WORDS = 0.8
WORD_PREFIX = 4
# Abbreviations every reader knows; anything else in capitals needs a glossary entry.
WELL_KNOWN = frozenset(
    {"UK", "EU", "HR", "IT", "OK", "PDF", "FAQ", "URL", "CEO", "MP", "NHS", "GOV"}
)
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
# The local template's "fill this in" text: words in square brackets ("[The answer your local
# Compact gives.]"), never a Markdown link's text ("[the Compact](https://...)") nor a case
# citation's year ("[2011] EWHC 448"). And the domains reserved for examples (RFC 2606).
_PLACEHOLDER = re.compile(r"\[([^\[\]\n]*[A-Za-z][^\[\]\n]*\s[^\[\]\n]*)\](?!\()")
EXAMPLE_HOSTS = frozenset({"example.org", "example.com", "example.net"})
# Text that is markup or a formula where a wording is shown: an HTML tag or a chat link or
# mention ("<script>", "</b>", "<!channel>", "<@U123>"), or a spreadsheet formula's first
# character (a report exported to CSV and opened in Excel runs "=cmd()|calc").
_TAG = re.compile(r"<\s*[/!@#]?\s*[A-Za-z][^<>]*>")
# Controls (C0, DEL, C1) and the bidirectional overrides that make text read otherwise.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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


def _error(entry: Entry, code: str, message: str) -> Finding:
    return Finding(Severity.ERROR, code, entry.file, entry.line or None, entry.id, message)


def standing(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """Every entry says whether it is current; one resting on the national Compact says who
    it binds now, since the Civil Society Covenant succeeded that Compact in July 2025."""
    statuses = ", ".join(s.value for s in Status)
    for entry in kb.entries:
        if entry.status is None:
            yield _warn(entry, "no-status", f"has no 'status'; set one of: {statuses}")
        if entry.rests_on_national_compact and not entry.binds_now:
            yield _error(
                entry,
                "no-binds-now",
                "applies to the national Compact but has no 'binds_now' line: add one plain "
                "sentence on who it binds today, e.g. that the Civil Society Covenant succeeded "
                "the national Compact in July 2025 and it applies where a local Compact adopts it",
            )
        yield from _word_limit(
            entry, entry.binds_now, MAX_BINDS_NOW_WORDS, "binds-now-long", "'binds_now'"
        )


def source_quality(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """Mirrors and closed sites are marked as archived copies, and nothing current rests on
    archived copies alone."""
    for entry in kb.entries:
        for position, source in enumerate(entry.sources, start=1):
            if is_weak(source) and not source.archived:
                yield _warn(
                    entry,
                    "weak-source",
                    f"source {position} is on {host_of(source.url)}, a mirror or closed site: "
                    "cite a primary source beside it and mark this one 'archived: true'",
                )
        if (
            entry.status is Status.CURRENT
            and entry.sources
            and all(source.archived for source in entry.sources)
        ):
            yield _warn(
                entry,
                "archived-only",
                "is marked current but cites only archived copies; add a live source",
            )


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
        yield from _word_limit(entry, entry.answer, MAX_ANSWER_WORDS, "too-long", "answer")


def _word_limit(entry: Entry, text: str, limit: int, code: str, what: str) -> Iterator[Finding]:
    count = word_count(text)
    if count > limit:
        yield _warn(entry, code, f"{what} has {count} words; keep it to about {limit}")


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
    """Every entry has an owner and a review date that is neither overdue nor in the future.

    A 'reviewed' date in the future is a typo (2030 for 2026): users would read "checked
    January 2030" and the entry would not fall due for years, hiding it from the stale check.
    It is judged against the real clock as well as ``today``, since ``--as-of`` asks what will
    be due on another day, not when the review happened."""
    latest = max(today, date.today()) + REVIEWED_AHEAD
    for entry in kb.entries:
        if not entry.owner:
            yield _warn(entry, "no-owner", "has no owner; name who keeps this answer right")
        if entry.reviewed is not None and entry.reviewed > latest:
            yield _warn(
                entry,
                "future-review-date",
                f"'reviewed' is {entry.reviewed.isoformat()}, a date still to come: set it to "
                "the day the answer was last checked",
            )
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
        if entry.answer.lstrip().startswith(UNWRITTEN):
            yield _error(
                entry, "unwritten", "its answer is still the draft's placeholder; write it"
            )
        if not entry.sources:
            yield _warn(entry, "no-source", "cites no sources; add where its facts come from")
        if not entry.applies_to:
            yield _warn(entry, "no-applies-to", "does not say what it applies to ('applies_to')")


def placeholders(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """Text still as the local template has it, in brackets, and links to example domains:
    a layer copied from the template and not yet filled in must not go live unnoticed."""
    for entry in kb.entries:
        texts: list[tuple[str, str | None]] = [
            ("question", entry.question),
            ("answer", entry.answer),
        ]
        texts += [("alternate", alternate) for alternate in entry.alternates]
        for position, source in enumerate(entry.sources, start=1):
            texts += [(f"source {position} title", source.title)]
            texts += [(f"source {position} section", source.section)]
        for what, text in texts:
            found = _PLACEHOLDER.search(text or "")
            if found is not None:
                yield _warn(
                    entry,
                    "placeholder",
                    f"{what} still holds the template's placeholder {found.group(0)!r}: "
                    "replace it with your own wording",
                )
        for position, source in enumerate(entry.sources, start=1):
            if on(host_of(source.url), EXAMPLE_HOSTS):
                yield _warn(
                    entry,
                    "placeholder",
                    f"source {position} links to {host_of(source.url)}, an example address: "
                    "link to the real document",
                )


def unsafe_wording(text: str) -> str | None:
    """Why ``text`` is not fit to be one of an entry's wordings as it is, or None: it holds
    an HTML tag or chat markup, starts like a spreadsheet formula, or holds a control
    character. A person may well have typed it (as a probe, or pasted), but as a wording it
    would be shown to every reviewer and exported in every report."""
    tag = _TAG.search(text)
    if tag is not None:
        return f"it holds the markup {tag.group(0)!r}"
    stripped = text.strip()
    if stripped.startswith(FORMULA_STARTS):
        return f"it starts with {stripped[0]!r}, as a spreadsheet formula does"
    control = _CONTROL.search(text)
    if control is not None:
        return f"it holds the control character U+{ord(control.group()):04X}"
    return None


def markup_in_phrasings(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """A question or alternate with an HTML tag or chat markup in it, or starting like a
    spreadsheet formula: most likely a probe or a paste that gaps link took in, never a
    question people ask; in a CSV export, Excel would run it as a formula."""
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            reason = unsafe_wording(phrasing)
            if reason is not None:
                yield _warn(
                    entry,
                    "markup",
                    f"phrasing {phrasing!r} is not plain text ({reason}): reword it or delete it",
                )


def wording_key(text: str) -> str:
    """A wording as duplicates are compared: its words only, in any case and punctuation."""
    return " ".join(words(text))


def phrasing_owners(kb: KnowledgeBase) -> dict[str, str]:
    """The entry that holds each wording (by ``wording_key``; the first, where two do)."""
    owners: dict[str, str] = {}
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            if key := wording_key(phrasing):
                owners.setdefault(key, entry.id)
    return owners


def duplicate_phrasings(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """The same wording (ignoring case and punctuation) in two entries: only one can win."""
    owners: dict[str, Entry] = {}
    for entry in kb.entries:
        for phrasing in entry.phrasings:
            key = wording_key(phrasing)
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
        wordings, judged by the matcher's own weighted word overlap (leave-one-out).

        The index finds the candidates: the entries it would rank near the alternate, and in each
        the phrasing it finds closest. Only when one of those reaches ``COLLISION_SCORE`` are the
        alternate's own entry and that rival compared phrasing by phrasing, so the cost grows with
        the number of alternates, not with the square of the number of phrasings. On the bundled
    knowledge base, and on copies of it with alternates moved between entries, it finds what
    comparing every phrasing of each candidate finds (tests/knowledge/test_lint.py)."""
    # Collisions are about shared words, so the candidates come by confidence alone: the
    # static vectors' order is for questions, and building them would only cost time here.
    index = MatchIndex.build(kb, MatchConfig(static_weight=0.0))
    similarity = _Similarity(index)
    for entry in kb.entries:
        for alternate in entry.alternates:
            finding = _collision(index, similarity, kb, entry, alternate)
            if finding is not None:
                yield finding


def _own_closeness(similarity: _Similarity, entry: Entry, alternate: str) -> float:
    """How close ``alternate`` is to its own entry's other wordings: 1 when one of them holds
    every content word it has ("what is the covenant" beside "wot is the covenant"), since
    then its own entry already says all it says and a rival can only share it; otherwise the
    best overlap with any of them."""
    others = [p for p in entry.phrasings if p != alternate]
    terms = similarity.terms(alternate)
    if terms and any(terms <= similarity.terms(p) for p in others):
        return 1.0
    return max((similarity(alternate, p) for p in others), default=0.0)


class _Similarity:
    """``MatchIndex.similarity`` with each wording analysed once rather than on every call."""

    def __init__(self, index: MatchIndex) -> None:
        self._index = index
        self._wordings: dict[str, Wording] = {}

    def __call__(self, first: str, second: str) -> float:
        return self._index.similarity_of(self._of(first), self._of(second))

    def terms(self, text: str) -> frozenset[str]:
        """The content terms the similarity compares."""
        return self._of(text).terms

    def _of(self, text: str) -> Wording:
        found = self._wordings.get(text)
        if found is None:
            found = self._wordings[text] = self._index.wording(text)
        return found


def _collision(
    index: MatchIndex, similarity: _Similarity, kb: KnowledgeBase, entry: Entry, alternate: str
) -> Finding | None:
    own: float | None = None  # worked out only when a rival comes close
    for hit in index.search(alternate, limit=4):
        if hit.entry_id == entry.id:
            continue
        if hit.score < SCAN_CONFIDENCE and similarity(alternate, hit.phrasing) < COLLISION_SCORE:
            continue
        rival = kb[hit.entry_id]
        scored = [(similarity(alternate, p), p) for p in rival.phrasings]
        score, closest = max(scored, key=lambda pair: pair[0])  # the first of equals
        if score < COLLISION_SCORE:
            continue
        if own is None:
            own = _own_closeness(similarity, entry, alternate)
        if score > own:
            return _warn(
                entry,
                "collision",
                f"alternate {alternate!r} is closer to '{rival.id}' ({closest!r}) than to "
                "its own entry's other wordings; reword it or move it",
            )
    return None


def near_duplicate_answers(kb: KnowledgeBase, today: date) -> Iterator[Finding]:
    """Answers that read nearly the same (token-sort ratio of at least
    ``NEAR_DUPLICATE_ANSWER``): one should go, or the two be merged."""
    # Token-sort ratio, with each answer's words sorted once here rather than for every pair.
    answers = [" ".join(sorted(words(e.answer))) for e in kb.entries]
    for i, j in near_duplicate_pairs(answers):
        first, second = kb.entries[i], kb.entries[j]
        yield _warn(
            second,
            "duplicate-answer",
            f"answer is nearly the same as '{first.id}' ({first.file}:{first.line}); merge them",
        )


def near_duplicate_pairs(answers: Sequence[str]) -> list[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, in order, of answers (words sorted) whose ratio,
    rounded to a whole number as before, is at least ``NEAR_DUPLICATE_ANSWER``, without
    scoring all pairs, which grows with the square of the number of entries.

    Answers that are the same are bucketed by their text and paired without scoring. Between
    different texts only candidates are scored:

    - they share one of their rarer words, compared by their first ``WORD_PREFIX`` letters so
      that "grant" and "grants" count as one (prefix filtering: two answers with at least
      ``SHARED_WORDS`` of the larger one's distinct words in common share one among each
      one's rarest ``1 - SHARED_WORDS`` of them, plus one; answers this close share far more);
    - their lengths allow the ratio (at most twice the shorter over the sum of both);
    - their letters allow it: every letter one has more of than the other costs an edit.

    The last two only ever drop pairs that cannot reach the threshold."""
    buckets: dict[str, list[int]] = {}
    for index, answer in enumerate(answers):
        buckets.setdefault(answer, []).append(index)
    pairs = [(i, j) for same in buckets.values() for k, i in enumerate(same) for j in same[k + 1 :]]
    texts = list(buckets)
    for a, b in _close_texts(texts):
        pairs.extend((min(i, j), max(i, j)) for i in buckets[texts[a]] for j in buckets[texts[b]])
    return sorted(pairs)


def _close_texts(texts: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs of different texts that reach the threshold (see ``near_duplicate_pairs``)."""
    vocabularies = [{word[:WORD_PREFIX] for word in text.split()} for text in texts]
    frequency = Counter(word for vocabulary in vocabularies for word in vocabulary)
    postings: dict[str, list[int]] = {}
    for number, vocabulary in enumerate(vocabularies):
        rarest = sorted(vocabulary, key=lambda word: (frequency[word], word))
        keep = len(rarest) - math.ceil(SHARED_WORDS * len(rarest)) + 1
        for word in rarest[:keep]:
            postings.setdefault(word, []).append(number)
    count = len(texts)
    codes = [
        np.asarray(posting, dtype=np.int64)[a] * count + np.asarray(posting, dtype=np.int64)[b]
        for posting in postings.values()
        if len(posting) > 1
        for a, b in [np.triu_indices(len(posting), k=1)]
    ]
    if not codes:
        return []
    candidates = np.unique(np.concatenate(codes))
    first, second = candidates // count, candidates % count
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    total = lengths[first] + lengths[second]
    # A rounded ratio of 90 may be 89.5 before rounding: keep what could reach that.
    floor = (NEAR_DUPLICATE_ANSWER - 0.5) / 100
    keep_pair = 2 * np.minimum(lengths[first], lengths[second]) >= floor * total
    letters = sorted({c for text in texts for c in text})
    place = {c: n for n, c in enumerate(letters)}
    counts = np.zeros((count, len(letters)), dtype=np.int32)
    for number, text in enumerate(texts):
        for letter, times in Counter(text).items():
            counts[number, place[letter]] = times
    for start in range(0, len(candidates), 50_000):
        part = slice(start, start + 50_000)
        unmatched = np.abs(counts[first[part]] - counts[second[part]]).sum(axis=1)
        keep_pair[part] &= unmatched <= (1 - floor) * total[part]
    first, second = first[keep_pair], second[keep_pair]
    if not len(first):
        return []
    scores = process.cpdist(
        [texts[int(a)] for a in first],
        [texts[int(b)] for b in second],
        scorer=fuzz.ratio,
        dtype=np.uint8,
        workers=-1,
    )
    close = scores >= NEAR_DUPLICATE_ANSWER
    return list(zip(first[close].tolist(), second[close].tolist(), strict=True))


RULES: tuple[Rule, ...] = (
    standing,
    source_quality,
    readability,
    answer_length,
    undefined_acronyms,
    review_dates,
    missing_metadata,
    placeholders,
    markup_in_phrasings,
    duplicate_phrasings,
    colliding_phrasings,
    near_duplicate_answers,
)


def lint(kb: KnowledgeBase, *, today: date | None = None) -> list[Finding]:
    """Every finding, ordered by file and line."""
    day = today or date.today()
    findings = [finding for rule in RULES for finding in rule(kb, day)]
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.code))
