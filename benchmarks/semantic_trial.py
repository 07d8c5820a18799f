"""Semantic matching on three sets: which ranking, which thresholds, and do the thresholds hold
their precision on a set they were not chosen on?

The sets:
- ``eval``: the Compact evaluation set (tests/eval/, in scope and out of scope) on the
  bundled knowledge base;
- ``stackfaq``: StackFAQ, title only (every rephrasing asked against the thread titles);
- ``leave-alternates-out``: every alternate of the bundled knowledge base asked against the
  knowledge base without it (fold ``j`` drops each entry's ``j``-th alternate).

StackFAQ and leave-alternates-out also carry questions that must not be answered: the other
set's questions (off the subject), and entries' own wordings asked against the knowledge base
without that entry (on the subject, with no answer: the "notice period if I resign" kind).

Two more sets choose nothing and only measure: the Python FAQ and the Debian FAQ of
benchmarks/data (imported with ``kb import``; the Debian queries were written blind, and those
it does not answer must not be answered).

The rankers: the lexical matcher (its shipped thresholds), the embedding model alone ranking
every phrasing, the old semantic re-ranker (0.7 cosine + 0.3 lexical over the embedding's top
40 phrasings, its old thresholds), and the fusion of ``bot.matching.semantic`` at several
embedding weights; the same fusion with each entry's answer embedded too ("+answers"); and
other ways of fusing tried for issue 20 (``ALTERNATIVES``, ranking only); and the fusion with
the agreement rule (``bot.matching.semantic.Agreement``: the fused top hit answered outright
when the lexical index is sure of the same entry), whose three constants are chosen with the
weight and thresholds by the same cross-validation. The fused rankers are the semantic
matcher's own search (``fused_search``: judged by the lexical rules, as in the assistant), and
every grid honours ``contested`` as ``decide`` does. Answer thresholds
(answer, margin) are chosen by cross-validation: for each set, the weight and thresholds
that answer most on the *other two* sets while keeping answer precision there at or above
``--train-precision``, then measured on the held-out set. The final row fits them on all
three sets. Needs the semantic extra:

    .venv/bin/pip install torch==2.13.0 && .venv/bin/pip install -e '.[semantic]'
    .venv/bin/python benchmarks/semantic_trial.py            # about five minutes on 2 cores
    .venv/bin/python benchmarks/semantic_trial.py --quick    # every fourth fold only
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sets as benchmark_sets
import stackfaq
from sets import BenchSet

from bot.core.smalltalk import recognise, strip_greeting
from bot.evaluation.eval_set import default_eval_folder, load_eval_set
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.matching.embeddings import EmbeddingCache, EmbeddingModel, load_model
from bot.matching.fusion import EMBEDDING_WEIGHT, entry_cosines
from bot.matching.index import Hit, MatchIndex
from bot.matching.policy import Decision, Thresholds, decide
from bot.matching.semantic import (
    AGREEMENT,
    LEXICAL_DEPTH,
    Agreement,
    SemanticIndex,
    fused_search,
)
from bot.settings import bundled_knowledge, load_settings

WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
# Out-of-scope questions added to StackFAQ and leave-alternates-out: each set's negatives are
# the other domain's questions, so thresholds learn to refuse on every set, not only on eval.
OUT_OF_SCOPE_SAMPLE = 300
# And near-domain ones: each entry left out in turn (in folds), some of its wordings asked.
LEFT_OUT_FOLDS, LEFT_OUT_WORDINGS = 8, 3
ANSWERS = np.round(np.arange(0.30, 1.001, 0.01), 3)
MARGINS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25)
# The agreement rule's grid (bot.matching.semantic.Agreement): the lexical top hit's confidence
# (None: no agreement rule, plain fusion), its lead over its own runner-up, and the fused lead.
AGREEMENT_LEXICAL = (None, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
AGREEMENT_LEXICAL_MARGINS = (0.0, 0.025, 0.05, 0.1, 0.15, 0.2)
AGREEMENT_FUSED_MARGINS = (0.0, 0.025, 0.05, 0.075, 0.1, 0.125)
OLD_THRESHOLDS = Thresholds(
    answer=0.65, margin=0.15, subject_answer=0.75, subject_margin=0.0, clarify=0.45
)


@dataclass(frozen=True)
class Space:
    """A knowledge base as the rankers see it: entry ids, phrasings (entry by entry), and
    each entry's answer vector (for the answer-side alternative)."""

    ids: list[str]
    texts: list[str]
    starts: npt.NDArray[np.intp]
    vectors: npt.NDArray[np.float32]
    answers: npt.NDArray[np.float32]


@dataclass(frozen=True)
class Query:
    text: str
    expect: frozenset[str] | None  # the entries that answer it; None: out of scope
    space: Space
    lexical: list[Hit] | None  # None: small talk, which never reaches the matcher
    cosines: npt.NDArray[np.float32]  # against every phrasing of the space
    answer_cosines: npt.NDArray[np.float32]  # against every entry's answer
    # The lexical index of the space (its rules judge the fused top hit, as in the assistant).
    index: MatchIndex | None = None


def space_of(
    kb: KnowledgeBase, vectors: npt.NDArray[np.float32], answers: npt.NDArray[np.float32]
) -> Space:
    return Space(
        [e.id for e in kb.entries],
        [p for e in kb.entries for p in e.phrasings],
        np.cumsum([0, *(len(e.phrasings) for e in kb.entries)])[:-1],
        vectors,
        answers,
    )


def encode_kb(model: EmbeddingModel, kb: KnowledgeBase, cache: EmbeddingCache) -> Space:
    """The phrasings' vectors, and each entry's answer (the model reads its first 256 word
    pieces; an entry without an answer text stands in with its question)."""
    return space_of(
        kb,
        cache.vectors(model, [p for e in kb.entries for p in e.phrasings]),
        cache.vectors(model, [e.answer.strip() or e.question for e in kb.entries]),
    )


def entry_rows(full: Space, kb: KnowledgeBase) -> list[int]:
    """Where each entry of ``kb`` (a part of ``full``'s knowledge base) sits in ``full``."""
    row = {entry_id: n for n, entry_id in enumerate(full.ids)}
    return [row[e.id] for e in kb.entries]


def queries_of(
    space: Space,
    index: MatchIndex,
    asked: Sequence[tuple[str, str | frozenset[str] | None]],
    vectors: npt.NDArray[np.float32],
) -> list[Query]:
    return [
        Query(
            text,
            frozenset({expect}) if isinstance(expect, str) else expect,
            space,
            None
            if recognise(text) is not None
            else index.search(strip_greeting(text), LEXICAL_DEPTH),
            space.vectors @ vector,
            space.answers @ vector,
            index,
        )
        for (text, expect), vector in zip(asked, vectors, strict=True)
    ]


def eval_set(model: EmbeddingModel, cache: EmbeddingCache) -> list[Query]:
    kb = load_knowledge(bundled_knowledge())
    cases = load_eval_set(default_eval_folder(), kb)
    asked = [(c.question, c.expect) for c in cases]
    vectors = model.encode([strip_greeting(q) or q for q, _ in asked])
    return queries_of(encode_kb(model, kb, cache), MatchIndex.build(kb), asked, vectors)


def stackfaq_set(model: EmbeddingModel, cache: EmbeddingCache, bench: BenchSet) -> list[Query]:
    """StackFAQ's rephrasings against its titles, and (out of scope) a sample of the Compact
    knowledge base's alternates."""
    setting = bench.parts[0]  # title only, imported with kb import
    compact = load_knowledge(bundled_knowledge())
    strangers = [a for e in compact.entries for a in e.alternates]
    asked: list[tuple[str, str | frozenset[str] | None]] = list(setting.queries)
    asked += [(q, None) for q in random.Random(1).sample(strangers, OUT_OF_SCOPE_SAMPLE)]
    vectors = model.encode([strip_greeting(q) or q for q, _ in asked])
    space = encode_kb(model, setting.kb, cache)
    found = queries_of(space, MatchIndex.build(setting.kb), asked, vectors)
    by_text = dict(zip((q for q, _ in asked), vectors, strict=True))
    wordings: dict[str, list[str]] = {}
    for query, expected in setting.queries:
        for entry_id in expected:
            wordings.setdefault(entry_id, []).append(query)
    return found + entries_left_out(setting.kb, space, wordings, by_text.__getitem__)


def leave_alternates_out(
    model: EmbeddingModel, cache: EmbeddingCache, stackfaq_set: BenchSet, every: int = 1
) -> list[Query]:
    """Fold j drops every entry's j-th alternate and asks each dropped one; and (out of
    scope) a sample of StackFAQ's rephrasings against the whole knowledge base."""
    kb = load_knowledge(bundled_knowledge())
    full = encode_kb(model, kb, cache)
    strangers = [q for q, _ in stackfaq_set.parts[0].queries]
    outside: list[tuple[str, str | frozenset[str] | None]] = [
        (q, None) for q in random.Random(1).sample(strangers, OUT_OF_SCOPE_SAMPLE)
    ]
    found = queries_of(full, MatchIndex.build(kb), outside, model.encode([q for q, _ in outside]))
    row = {(e.id, p): n for n, (e, p) in enumerate((e, p) for e in kb.entries for p in e.phrasings)}
    owner = {a: e.id for e in kb.entries for a in e.alternates}
    folds = max(len(e.alternates) for e in kb.entries)
    for fold in range(0, folds, every):
        entries = tuple(
            dataclasses.replace(e, alternates=e.alternates[:fold] + e.alternates[fold + 1 :])
            for e in kb.entries
        )
        asked = [(e.alternates[fold], e.id) for e in kb.entries if len(e.alternates) > fold]
        smaller = dataclasses.replace(kb, entries=entries)
        kept = [row[(e.id, p)] for e in entries for p in e.phrasings]
        space = space_of(smaller, full.vectors[kept], full.answers[entry_rows(full, smaller)])
        vectors = full.vectors[[row[(expect, text)] for text, expect in asked]]
        found += queries_of(space, MatchIndex.build(smaller), asked, vectors)
    wordings = {e.id: list(e.alternates) for e in kb.entries}
    return found + entries_left_out(
        kb, full, wordings, lambda text: full.vectors[row[(owner[text], text)]]
    )


def entries_left_out(
    kb: KnowledgeBase,
    full: Space,
    wordings: dict[str, list[str]],
    vector_of: Callable[[str], npt.NDArray[np.float32]],
) -> list[Query]:
    """Near-domain questions that must not be answered: entries are dropped, a few folds at a
    time, and some of each dropped entry's own wordings asked against what is left."""
    ids = [e.id for e in kb.entries]
    random.Random(2).shuffle(ids)
    row = {(e.id, p): n for n, (e, p) in enumerate((e, p) for e in kb.entries for p in e.phrasings)}
    found: list[Query] = []
    for fold in range(LEFT_OUT_FOLDS):
        dropped = set(ids[fold::LEFT_OUT_FOLDS])
        smaller = dataclasses.replace(
            kb, entries=tuple(e for e in kb.entries if e.id not in dropped)
        )
        kept = [row[(e.id, p)] for e in smaller.entries for p in e.phrasings]
        space = space_of(smaller, full.vectors[kept], full.answers[entry_rows(full, smaller)])
        picker = random.Random(fold)
        asked: list[tuple[str, str | None]] = [
            (text, None)
            for entry_id in sorted(dropped)
            for text in picker.sample(
                wordings[entry_id], min(LEFT_OUT_WORDINGS, len(wordings[entry_id]))
            )
        ]
        vectors = np.stack([vector_of(text) for text, _ in asked])
        found += queries_of(space, MatchIndex.build(smaller), asked, vectors)
    return found


def held_out_set(model: EmbeddingModel, cache: EmbeddingCache, bench: BenchSet) -> list[Query]:
    """A FAQ set used for no choice at all: its queries, and those no FAQ answers."""
    part = bench.parts[0]
    asked: list[tuple[str, str | frozenset[str] | None]] = [
        *part.queries,
        *((q, None) for q in part.unanswerable),
    ]
    vectors = model.encode([strip_greeting(q) or q for q, _ in asked])
    return queries_of(encode_kb(model, part.kb, cache), MatchIndex.build(part.kb), asked, vectors)


def build_sets(
    model: EmbeddingModel, cache: EmbeddingCache, stackfaq_path: Path, quick: bool
) -> tuple[dict[str, list[Query]], dict[str, list[Query]]]:
    """The three sets the weight and thresholds are chosen on (by cross-validation), and the
    two held-out FAQ sets of benchmarks/data, which only measure the result."""
    title_only = stackfaq.load(stackfaq_path)[0]
    tuning = {
        "eval": eval_set(model, cache),
        "stackfaq": stackfaq_set(model, cache, title_only),
        "leave-alternates-out": leave_alternates_out(model, cache, title_only, 4 if quick else 1),
    }
    held_out = {
        "python-faq": held_out_set(model, cache, benchmark_sets.python_faq()),
        "debian-faq": held_out_set(model, cache, benchmark_sets.debian_faq()),
    }
    return tuning, held_out


# --- the rankers: each turns a query into its top five hits -------------------------------

Ranker = Callable[[Query], list[Hit]]


def lexical(query: Query) -> list[Hit]:
    return (query.lexical or [])[:5]


def embedding_only(query: Query) -> list[Hit]:
    if query.lexical is None:
        return []
    best, closest = entry_cosines(query.cosines, query.space.starts)
    order = np.argsort(-best, kind="stable")[:5]
    return [
        Hit(query.space.ids[n], float(best[n]), query.space.texts[int(closest[n])]) for n in order
    ]


def old_rerank(query: Query) -> list[Hit]:
    """The semantic extra before fusion: the embedding's top 40 phrasings, each entry scored
    0.7 cosine + 0.3 lexical confidence (lexical top 20)."""
    if query.lexical is None:
        return []
    lexical_score = {h.entry_id: h.score for h in query.lexical}
    exact = {h.entry_id for h in query.lexical if h.exact}
    names_subject = bool(query.lexical and query.lexical[0].names_subject)
    owners = np.repeat(
        np.arange(len(query.space.ids)), np.diff([*query.space.starts, len(query.space.texts)])
    )
    best: dict[int, float] = {}
    for position in np.argsort(-query.cosines)[:40].tolist():
        best.setdefault(int(owners[position]), float(query.cosines[position]))
    hits = [
        Hit(
            query.space.ids[e],
            round(
                max(0.0, min(1.0, 0.7 * c + 0.3 * lexical_score.get(query.space.ids[e], 0.0))), 6
            ),
            "",
            names_subject,
            query.space.ids[e] in exact,
        )
        for e, c in best.items()
    ]
    return sorted(hits, key=lambda h: (-h.score, h.entry_id))[:5]


def fusion(weight: float, agreement: Agreement | None = None) -> Ranker:
    """The semantic matcher's own search (``fused_search``): fused, judged by the lexical
    rules, and (with ``agreement``) the top hit marked when the two rankings agree."""

    def rank(query: Query) -> list[Hit]:
        if query.lexical is None:
            return []
        space = query.space
        assert query.index is not None
        return fused_search(
            query.index,
            strip_greeting(query.text),
            space.ids,
            space.texts,
            space.starts,
            query.cosines,
            weight,
            5,
            agreement,
            # The confidence order, as the semantic matcher asks its lexical side (``lexical``
            # holds the default matcher's own order, static vectors included).
            query.index.lexical_search(strip_greeting(query.text), LEXICAL_DEPTH),
            answer_cosines=query.answer_cosines,
        )

    return rank


# --- alternatives tried for issue 20 (none ships): each scores every entry from its closest
# phrasing's cosine ``c``, its answer's cosine ``a``, and the lexical side's confidence ``l``
# (0 where it does not list the entry) and place ``r`` (LEXICAL_DEPTH where it does not).
# "+ answers": an entry's embedding score is the better of its closest phrasing and its answer
# (for FAQs imported title only). "near the top": the lexical confidence counts only for
# entries whose cosine is within 0.1 of the best one. "tops agree": it counts only when the
# lexical top hit's cosine is within 0.05 of the best. "rank" and "min-max": the lexical side
# as its place in the list, or its confidences stretched to 0..1 over the entries it lists.

Sides = tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.intp]
]


def sides(query: Query) -> Sides:
    best, _ = entry_cosines(query.cosines, query.space.starts)
    position = {entry_id: n for n, entry_id in enumerate(query.space.ids)}
    confidence = np.zeros(len(best))
    place = np.full(len(best), LEXICAL_DEPTH, dtype=np.intp)
    for rank, hit in enumerate(query.lexical or []):
        confidence[position[hit.entry_id]] = hit.score
        place[position[hit.entry_id]] = rank
    return best.astype(np.float64), query.answer_cosines.astype(np.float64), confidence, place


def scored(score: Callable[[Sides], npt.NDArray[np.float64]]) -> Ranker:
    """The top five entries by ``score`` (clipped to 0..1), the knowledge base's own wording
    leading as in ``fused_hits``."""

    def rank(query: Query) -> list[Hit]:
        if query.lexical is None:
            return []
        values = np.clip(score(sides(query)), 0.0, 1.0)
        position = {entry_id: n for n, entry_id in enumerate(query.space.ids)}
        exact = {position[h.entry_id] for h in query.lexical if h.exact}
        names_subject = bool(query.lexical and query.lexical[0].names_subject)
        order = sorted(
            {*np.argsort(-values, kind="stable")[:5].tolist(), *exact},
            key=lambda n: (-values[n], n),
        )
        top = float(values[order[0]])
        order = [n for n in order if n in exact] + [n for n in order if n not in exact]
        return [
            Hit(
                query.space.ids[n],
                round(top if n in exact else float(values[n]), 6),
                "",
                names_subject,
                n in exact,
            )
            for n in order[:5]
        ]

    return rank


def near_top(c: npt.NDArray[np.float64], within: float) -> npt.NDArray[np.bool_]:
    return c >= c.max() - within


def min_max(lexical: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    listed = lexical > 0
    if not listed.any():
        return lexical
    low, high = lexical[listed].min(), lexical[listed].max()
    return np.where(listed, (lexical - low) / (high - low) if high > low else 1.0, 0.0)


ALTERNATIVES: dict[str, Ranker] = {
    "MiniLM only + answers": scored(lambda s: np.maximum(s[0], s[1])),
    "c + 0.1l near the top": scored(lambda s: s[0] + 0.1 * s[2] * near_top(s[0], 0.1)),
    "c + 0.2l near the top": scored(lambda s: s[0] + 0.2 * s[2] * near_top(s[0], 0.1)),
    "0.8c + 0.2l, tops agree": scored(
        lambda s: 0.8 * s[0] + 0.2 * s[2] * bool(near_top(s[0], 0.05)[np.argmax(s[2])])
    ),
    "0.9c + 0.1/(1 + rank)": scored(
        lambda s: 0.9 * s[0] + 0.1 * np.where(s[3] < LEXICAL_DEPTH, 1 / (1 + s[3]), 0.0)
    ),
    "0.8c + 0.2 min-max l": scored(lambda s: 0.8 * s[0] + 0.2 * min_max(s[2])),
    "0.9c + 0.1 min-max l": scored(lambda s: 0.9 * s[0] + 0.1 * min_max(s[2])),
}


def rrf(query: Query, k: int = 60) -> list[Hit]:
    """Reciprocal rank fusion (k = 60), for its ranking only: its scores are not confidences."""
    if query.lexical is None:
        return []
    best, _ = entry_cosines(query.cosines, query.space.starts)
    score = {
        query.space.ids[n]: 1 / (k + r + 1) for r, n in enumerate(np.argsort(-best)[:100].tolist())
    }
    for r, h in enumerate(query.lexical):
        score[h.entry_id] = score.get(h.entry_id, 0.0) + 1 / (k + r + 1)
    ranked = sorted(score.items(), key=lambda item: -item[1])[:5]
    return [Hit(e, s, "") for e, s in ranked]


# --- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    """Per query: top score, runner-up score, top right, the exact-wording rule fires, the top
    hit is contested; and for the agreement rule: the lexical top hit is the top hit and not
    contested, its confidence and its lead over its runner-up."""

    top: npt.NDArray[np.float64]
    second: npt.NDArray[np.float64]
    right: npt.NDArray[np.bool_]
    exact: npt.NDArray[np.bool_]
    in_scope: npt.NDArray[np.bool_]
    contested: npt.NDArray[np.bool_]
    same: npt.NDArray[np.bool_]
    lexical: npt.NDArray[np.float64]
    lexical_lead: npt.NDArray[np.float64]

    @classmethod
    def of(cls, queries: Sequence[Query], ranked: Sequence[list[Hit]]) -> Outcomes:
        def lexical_of(q: Query) -> list[Hit]:
            return q.lexical or []

        return cls(
            np.array([h[0].score if h else 0.0 for h in ranked]),
            np.array([h[1].score if len(h) > 1 else 0.0 for h in ranked]),
            np.array(
                [
                    bool(h) and q.expect is not None and h[0].entry_id in q.expect
                    for q, h in zip(queries, ranked, strict=True)
                ]
            ),
            np.array(
                [
                    bool(h) and (h[0].agreed or (h[0].exact and not any(x.exact for x in h[1:])))
                    for h in ranked
                ]
            ),
            np.array([q.expect is not None for q in queries]),
            np.array([bool(h) and h[0].contested for h in ranked]),
            np.array(
                [
                    bool(h)
                    and bool(lexical_of(q))
                    and lexical_of(q)[0].entry_id == h[0].entry_id
                    and not lexical_of(q)[0].contested
                    for q, h in zip(queries, ranked, strict=True)
                ]
            ),
            np.array([lexical_of(q)[0].score if lexical_of(q) else 0.0 for q in queries]),
            np.array(
                [
                    lexical_of(q)[0].score
                    - (lexical_of(q)[1].score if len(lexical_of(q)) > 1 else 0)
                    if lexical_of(q)
                    else 0.0
                    for q in queries
                ]
            ),
        )

    def hit1(self) -> float:
        return float(self.right[self.in_scope].mean())

    def grid(self, clarify: float = 0.3) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Answer rate and answer precision for every (answer, margin) of the grid."""
        a = ANSWERS[:, None, None]
        m = np.asarray(MARGINS)[None, :, None]
        top, lead = self.top[None, None, :], (self.top - self.second)[None, None, :]
        answered = (top >= np.minimum(a, clarify)) & (
            ((top >= a) & (lead >= m - 1e-9) & ~self.contested) | self.exact
        )
        count = answered.sum(axis=2)
        right = (answered & self.right).sum(axis=2)
        rate = count / len(self.top)
        precision = np.where(count > 0, right / np.maximum(count, 1), 1.0)
        return rate, precision

    def agreement_grid(
        self, clarify: float = 0.3
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Answer rate and precision with the agreement rule (``agree``) beside the fused
        thresholds: axes answer, margin, then the rule's lexical confidence, lexical margin and
        fused margin (``AGREEMENT_*``). Only for rankers whose top hit is not yet marked."""
        a = ANSWERS[:, None, None]
        m = np.asarray(MARGINS)[None, :, None]
        top, lead = self.top[None, None, :], (self.top - self.second)[None, None, :]
        gate = self.top >= clarify  # ANSWERS start at 0.30, so min(answer, clarify) = clarify
        base = gate & (((top >= a) & (lead >= m - 1e-9) & ~self.contested) | self.exact)
        base_count, base_right = base.sum(axis=2), (base & self.right).sum(axis=2)
        shape = (
            len(ANSWERS),
            len(MARGINS),
            len(AGREEMENT_LEXICAL),
            len(AGREEMENT_LEXICAL_MARGINS),
            len(AGREEMENT_FUSED_MARGINS),
        )
        rate, precision = np.zeros(shape), np.zeros(shape)
        candidates = gate & self.same & ~self.contested & ~self.exact
        fused_lead = self.top - self.second
        for i, lexical in enumerate(AGREEMENT_LEXICAL):
            for j, lexical_margin in enumerate(AGREEMENT_LEXICAL_MARGINS):
                for k, fused_margin in enumerate(AGREEMENT_FUSED_MARGINS):
                    extra = np.flatnonzero(
                        candidates
                        & (self.lexical >= (2.0 if lexical is None else lexical))
                        & (self.lexical_lead >= lexical_margin - 1e-9)
                        & (fused_lead >= fused_margin - 1e-9)
                    )
                    added = len(extra) - base[:, :, extra].sum(axis=2)
                    right_extra = extra[self.right[extra]]
                    added_right = len(right_extra) - base[:, :, right_extra].sum(axis=2)
                    count, right = base_count + added, base_right + added_right
                    rate[:, :, i, j, k] = count / len(self.top)
                    precision[:, :, i, j, k] = np.where(
                        count > 0, right / np.maximum(count, 1), 1.0
                    )
        return rate, precision


def with_thresholds(
    queries: Sequence[Query], ranked: Sequence[list[Hit]], thresholds: Thresholds
) -> tuple[float, float]:
    """Answer rate and precision through the real policy (``decide``)."""
    answered = right = 0
    for query, hits in zip(queries, ranked, strict=True):
        decision, chosen = decide(hits, thresholds)
        if decision is Decision.ANSWER:
            answered += 1
            right += chosen[0].entry_id in (query.expect or ())
    return answered / len(queries), right / answered if answered else 1.0


def choose(
    grids: dict[float, list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]],
    target: float,
) -> tuple[float, float, float] | None:
    """The (weight, answer, margin) answering most on average over the given sets while each
    keeps precision at or above ``target``; ties go to the stricter thresholds."""
    best: tuple[float, float, float, float] | None = None
    for weight, per_set in grids.items():
        rate = np.mean([r for r, _ in per_set], axis=0)
        allowed = np.all([p >= target for _, p in per_set], axis=0)
        if not allowed.any():
            continue
        scored = np.where(allowed, rate, -1.0)
        i, j = np.unravel_index(np.argmax(scored), scored.shape)
        if best is None or scored[i, j] > best[0] + 1e-12:
            best = (float(scored[i, j]), weight, float(ANSWERS[i]), float(MARGINS[j]))
    return None if best is None else best[1:]


Grid = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def choose_cell(
    grids: Sequence[Sequence[Grid]], target: float
) -> tuple[int, tuple[int, ...]] | None:
    """Like ``choose``, for grids of any shape: (member, cell) answering most on average over
    the sets, each at precision ``target`` or more; ties go to the first member and cell."""
    best: tuple[float, int, tuple[int, ...]] | None = None
    for member, per_set in enumerate(grids):
        rate = np.mean([r for r, _ in per_set], axis=0)
        allowed = np.all([p >= target for _, p in per_set], axis=0)
        if not allowed.any():
            continue
        scored = np.where(allowed, rate, -1.0)
        cell = tuple(int(i) for i in np.unravel_index(np.argmax(scored), scored.shape))
        if best is None or scored[cell] > best[0] + 1e-12:
            best = (float(scored[cell]), member, cell)
    return None if best is None else best[1:]


def agreement_of(cell: tuple[int, ...]) -> tuple[Thresholds, Agreement | None]:
    """The thresholds and agreement rule of an ``agreement_grid`` cell."""
    i, j, k, lm, fm = cell
    a, m = float(ANSWERS[i]), MARGINS[j]
    thresholds = Thresholds(
        answer=a, margin=m, subject_answer=a, subject_margin=m, clarify=min(a, 0.3)
    )
    lexical = AGREEMENT_LEXICAL[k]
    if lexical is None:
        return thresholds, None
    return thresholds, Agreement(
        lexical, AGREEMENT_LEXICAL_MARGINS[lm], AGREEMENT_FUSED_MARGINS[fm]
    )


def describe(weight: float, thresholds: Thresholds, agreement: Agreement | None) -> str:
    rule = (
        "no agreement"
        if agreement is None
        else f"agree lex {agreement.lexical}/{agreement.lexical_margin} fused {agreement.fused_margin}"
    )
    return f"w {weight} a{thresholds.answer:.2f} m{thresholds.margin} {rule}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="every fourth fold of the leave-alternates-out set"
    )
    parser.add_argument("--stackfaq", type=Path, default=stackfaq.DEFAULT_PATH)
    parser.add_argument("--reuse", action="store_true", help="the sets saved by the last run")
    # 0.97 on the training sets let one held-out set fall to 0.93; 0.98 holds all >= 0.95.
    parser.add_argument("--train-precision", type=float, default=0.98)
    parser.add_argument("--model", default="", help="COMPACT_SEMANTIC_MODEL (default: packaged)")
    args = parser.parse_args()
    started = time.perf_counter()
    model = load_model(args.model)
    cache = EmbeddingCache(Path(tempfile.gettempdir()) / "compact-semantic-trial")
    saved = Path(tempfile.gettempdir()) / f"compact-semantic-trial-sets-{model.key}.pickle"
    if args.reuse and saved.exists():
        sets, held_out = pickle.loads(saved.read_bytes())
    else:
        sets, held_out = build_sets(model, cache, args.stackfaq, args.quick)
        saved.write_bytes(pickle.dumps((sets, held_out)))
    every = {**sets, **held_out}
    print(
        f"model {model.name}; sets built in {time.perf_counter() - started:.0f} s: "
        + ", ".join(
            f"{n} {len(q)} queries ({sum(x.expect is None for x in q)} out of scope)"
            for n, q in every.items()
        )
    )

    rankers: dict[str, Ranker] = {
        "lexical": lexical,
        "embedding only": embedding_only,
        "old re-rank": old_rerank,
    }
    rankers |= {f"fusion w={w}": fusion(w) for w in WEIGHTS}
    rankers |= {
        f"+answers w={w}": scored(lambda s, w=w: w * np.maximum(s[0], s[1]) + (1 - w) * s[2])
        for w in WEIGHTS
    }
    rankers |= ALTERNATIVES
    ranked = {
        name: {s: [rank(q) for q in qs] for s, qs in every.items()}
        for name, rank in rankers.items()
    }
    outcomes = {
        name: {s: Outcomes.of(every[s], r) for s, r in per.items()} for name, per in ranked.items()
    }
    rrf_hit1 = {s: Outcomes.of(qs, [rrf(q) for q in qs]).hit1() for s, qs in every.items()}

    print("\nhit@1 (in-scope queries)")
    print(f"{'ranker':24}" + "".join(f"{s:>22}" for s in every))
    for name in rankers:
        print(f"{name:24}" + "".join(f"{outcomes[name][s].hit1():22.3f}" for s in every))
    print(f"{'RRF (k=60), rank only':24}" + "".join(f"{rrf_hit1[s]:22.3f}" for s in every))

    print("\nshipped thresholds through decide(): answer rate / answer precision")
    semantic_thresholds = load_settings(matcher="semantic").thresholds()
    ranked["fusion + agreement (shipped)"] = {
        s: [fusion(EMBEDDING_WEIGHT, AGREEMENT)(q) for q in qs] for s, qs in every.items()
    }
    shipped = {
        "lexical": ("lexical", Thresholds()),
        "old re-rank": ("old re-rank", OLD_THRESHOLDS),
        "fusion, thresholds only": (f"fusion w={EMBEDDING_WEIGHT}", semantic_thresholds),
        "fusion + agreement (shipped)": ("fusion + agreement (shipped)", semantic_thresholds),
    }
    print(f"{'':28}" + "".join(f"{s:>22}" for s in every))
    for label, (name, thresholds) in shipped.items():
        cells = [with_thresholds(every[s], ranked[name][s], thresholds) for s in every]
        print(f"{label:28}" + "".join(f"{r:12.3f} / {p:.3f}" for r, p in cells))

    target = args.train_precision
    print(
        f"\ncross-validated: thresholds chosen on the other two sets (precision >= {target} on each), measured on the held-out one"
    )
    families = {
        "lexical": ["lexical"],
        "embedding only": ["embedding only"],
        "old re-rank": ["old re-rank"],
        "fusion": [f"fusion w={w}" for w in WEIGHTS],
        "fusion + answers": [f"+answers w={w}" for w in WEIGHTS],
    }
    grids = {name: {s: o.grid() for s, o in per.items()} for name, per in outcomes.items()}
    for family, members in families.items():
        cells = []
        for held in sets:
            chosen = choose(
                {i: [grids[m][s] for s in sets if s != held] for i, m in enumerate(members)}, target
            )
            if chosen is None:
                cells.append(("none", 0.0, 1.0))
                continue
            member, a, m = chosen
            rate, precision = grids[members[int(member)]][held]
            i, j = int(np.argmin(np.abs(ANSWERS - a))), MARGINS.index(m)
            label = f"{members[int(member)].split('=')[-1] if family.startswith('fusion') else ''} a{a:.2f} m{m}"
            cells.append((label.strip(), float(rate[i, j]), float(precision[i, j])))
        print(f"{family:16}" + "".join(f"  {lab:>16} {r:.3f} / {p:.3f}" for lab, r, p in cells))
    fused = [f"fusion w={w}" for w in WEIGHTS]
    agreement_grids = {
        name: {s: outcomes[name][s].agreement_grid() for s in every} for name in fused
    }
    print("fusion + agreement (answer, margin; lexical confidence / margin and fused margin):")
    for held in sets:
        found = choose_cell(
            [[agreement_grids[n][s] for s in sets if s != held] for n in fused], target
        )
        if found is None:
            print(f"  {held}: no setting reaches the target")
            continue
        member, cell = found
        rate, precision = agreement_grids[fused[member]][held]
        print(
            f"  {held:22} {describe(WEIGHTS[member], *agreement_of(cell)):52}"
            f" {rate[cell]:.3f} / {precision[cell]:.3f}"
        )

    print(
        f"\nfitted on the three sets (precision >= {target} on each): in-sample on them, "
        "held out on the Python and Debian FAQs"
    )
    for family, members in families.items():
        chosen = choose({i: [grids[m][s] for s in sets] for i, m in enumerate(members)}, target)
        if chosen is None:
            print(f"{family:16} no thresholds reach the target")
            continue
        member, a, m = chosen
        name = members[int(member)]
        thresholds = Thresholds(
            answer=a, margin=m, subject_answer=a, subject_margin=m, clarify=min(a, 0.3)
        )
        cells = [with_thresholds(every[s], ranked[name][s], thresholds) for s in every]
        print(
            f"{name:16} answer {a:.2f} margin {m}:"
            + "".join(f"  {r:.3f} / {p:.3f}" for r, p in cells)
        )
    found = choose_cell([[agreement_grids[n][s] for s in sets] for n in fused], target)
    if found is None:
        print("fusion + agreement: no setting reaches the target")
    else:
        member, cell = found
        weight = WEIGHTS[member]
        thresholds, agreement = agreement_of(cell)
        cells = [
            with_thresholds(every[s], [fusion(weight, agreement)(q) for q in every[s]], thresholds)
            for s in every
        ]
        print(
            f"fusion + agreement, {describe(weight, thresholds, agreement)}:"
            + "".join(f"  {r:.3f} / {p:.3f}" for r, p in cells)
        )

    print("\nlatency per question (eval set, ms): lexical index vs fused semantic index, same run")
    kb = load_knowledge(bundled_knowledge())
    lexical_index = MatchIndex.build(kb)
    semantic_index = SemanticIndex.build(kb, model, cache_dir=cache.folder, lexical=lexical_index)
    for name, index in (("lexical", lexical_index), ("fused", semantic_index)):
        times = []
        for query in sets["eval"]:
            began = time.perf_counter()
            index.search(query.text, 5)
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        print(
            f"{name:10} p50 {statistics.median(times):6.2f}  p99 {times[int(0.99 * len(times))]:6.2f}"
        )
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
