"""The match index: built once per knowledge-base load, searched once per question.

Ranking is BM25 over three fields of each entry: its best single phrasing, all its phrasings
together, and (weakly) its answer. The score reported for each hit is a confidence in 0..1:
how much of the question's informative wording the entry explains (see ``_confidence``).
Words the knowledge base has never seen count against a match, so "notice period if I
resign" does not ride on the word "notice". Each hit also says whether the question names the
knowledge base's subject (a ``subject`` word such as "Compact", or a glossary term): such a
question is about the Compact even when its wording is new, so the policy may answer it on a
lower score (see ``Thresholds``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bot.knowledge.model import KnowledgeBase
from bot.matching.analyzer import Analyzer, Canonicaliser
from bot.matching.bm25 import BM25Field, Scores
from bot.matching.stems import stem

PHRASING_WEIGHT = 1.0
ALL_PHRASINGS_WEIGHT = 0.5
ANSWER_WEIGHT = 0.5
RERANK_DEPTH = 20
DICE_WEIGHT, COVERAGE_WEIGHT, RECALL_WEIGHT = 0.4, 0.4, 0.2
# A word the knowledge base has never used is strong evidence the question is about
# something else, so it weighs more than the rarest known word.
UNKNOWN_WORD_FACTOR = 1.5
# Words that, beside a single glossary term, ask what the term means ("CSO meaning?").
DEFINITION_WORDS = frozenset(
    stem(w)
    for w in [
        "mean",
        "meaning",
        "means",
        "stand",
        "stands",
        "define",
        "definition",
        "explain",
        "term",
        "acronym",
    ]
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One entry's standing for a question: its confidence and its closest phrasing, whether
    the question names the knowledge base's subject (the same for all its hits), and whether
    it says exactly what that phrasing says (the same words once normalised)."""

    entry_id: str
    score: float
    phrasing: str
    names_subject: bool = False
    exact: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    phrasings: tuple[str, ...]
    terms: tuple[frozenset[str], ...]
    vocabulary: frozenset[str]
    term_weights: tuple[float, ...] = ()  # each phrasing's total term weight, for Dice


class MatchIndex:
    def __init__(
        self,
        analyzer: Analyzer,
        entries: list[_Entry],
        owners: NDArray[np.int32],
        fields: tuple[BM25Field, BM25Field, BM25Field],
        weights: dict[str, float],
        definitions: dict[str, int] | None = None,
        subject_terms: frozenset[str] = frozenset(),
    ) -> None:
        self._analyzer = analyzer
        self._entries = entries
        self._owners = owners
        self._phrasing_field, self._all_field, self._answer_field = fields
        self._weights = weights
        self._unknown_weight = UNKNOWN_WORD_FACTOR * max(weights.values(), default=1.0)
        self._definitions = definitions or {}
        self._subject_terms = subject_terms
        # Every phrasing's total term weight, in the phrasing field's order (entry by entry),
        # and where each entry's phrasings start in it.
        phrasing_weights = np.asarray([w for e in entries for w in e.term_weights])
        self._phrasing_weights = np.where(phrasing_weights > 0, phrasing_weights, 1.0)
        self._starts = np.cumsum([0, *(len(e.phrasings) for e in entries)])

    @classmethod
    def build(cls, kb: KnowledgeBase) -> MatchIndex:
        groups = [term.spellings for term in kb.glossary] + list(kb.synonym_groups)
        analyzer = Analyzer(Canonicaliser(groups))
        analyzer.learn(p for entry in kb.entries for p in entry.phrasings)
        entries: list[_Entry] = []
        phrasing_docs: list[list[str]] = []
        owners: list[int] = []
        for number, entry in enumerate(kb.entries):
            terms = [analyzer.terms(text) for text in entry.phrasings]
            phrasing_docs += terms
            owners += [number] * len(terms)
            sets = tuple(frozenset(t) for t in terms)
            entries.append(_Entry(entry.id, entry.phrasings, sets, frozenset().union(*sets)))
        fields = (
            BM25Field(phrasing_docs),
            BM25Field([[t for doc in e.terms for t in doc] for e in entries]),
            BM25Field([analyzer.terms(entry.answer) for entry in kb.entries]),
        )
        # Confidence weights come from how many entries use a term, not how many phrasings:
        # an entry repeating its own key word across alternates should not make it common.
        used_by = Counter(t for e in entries for t in e.vocabulary)
        total = max(len(entries), 1)
        weights = {t: math.log(1 + total / n) for t, n in used_by.items()}
        entries = [
            replace(e, term_weights=tuple(sum(weights[t] for t in terms) for terms in e.terms))
            for e in entries
        ]
        # A question that is just a glossary term ("CSOs?", "what's the VCFS") asks for its
        # meaning, so it goes to the term's glossary entry rather than to an entry that
        # merely mentions the term.
        position = {entry.id: number for number, entry in enumerate(kb.entries)}
        definitions = {
            only: position[term.entry_id]
            for term in kb.glossary
            if term.entry_id in position and len(canonical := analyzer.terms(term.term)) == 1
            for only in canonical
        }
        # Glossary terms and the declared subject words mark a question as about the Compact;
        # each glossary spelling analyses to the one canonical term of its group.
        subject_terms = frozenset(
            term
            for wording in (*kb.subject, *(s for g in kb.glossary for s in g.spellings))
            for term in analyzer.terms(wording)
        )
        return cls(
            analyzer,
            entries,
            np.asarray(owners, dtype=np.int32),
            fields,
            weights,
            definitions,
            subject_terms,
        )

    def __len__(self) -> int:
        return len(self._entries)

    def similarity(self, first: str, second: str) -> float:
        """IDF-weighted Dice overlap of two wordings' terms, 0 to 1 (used by ``kb check``)."""
        a = set(self._analyzer.terms(first))
        b = set(self._analyzer.terms(second))
        if not a or not b:
            return 0.0
        weight = self._weights.get
        unknown = self._unknown_weight
        shared = sum(weight(t, unknown) for t in a & b)
        return (
            2 * shared / (sum(weight(t, unknown) for t in a) + sum(weight(t, unknown) for t in b))
        )

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        terms = list(dict.fromkeys(self._analyzer.terms(text, repair=True)))
        if not terms or not self._entries:
            return []
        ranking = self._rank(terms)
        order = np.argsort(-ranking)[:RERANK_DEPTH]
        order = order[ranking[order] > 0]
        if not len(order):
            return []
        defined = self._defined_term(terms)
        if defined is not None:
            order = np.concatenate(([defined], order[order != defined]))
            ranking[defined] = max(ranking)
            # "mean", "stand for" only say a definition is wanted; they are not evidence
            # against the glossary entry.
            terms = [t for t in terms if t not in DEFINITION_WORDS]
        top = float(ranking[order[0]])
        names_subject = not self._subject_terms.isdisjoint(terms)
        query = _Query.of(terms, self._weights, self._unknown_weight)
        closeness = self._closeness(query)
        # Entries that store exactly the question's wording come first; the rest keep their
        # BM25 order, which weighs the answers too.
        is_exact = np.array([query.terms in self._entries[int(p)].terms for p in order])
        if is_exact.any():
            order = np.concatenate((order[is_exact], order[~is_exact]))
        hits: list[Hit] = []
        ceiling = 1.0
        for position in order[:limit]:
            entry = self._entries[int(position)]
            exact = query.terms in entry.terms
            covered = query.covered(entry.vocabulary)
            confidence, phrasing = self._confidence(closeness, covered, int(position))
            # Scores never rise down the list, and a runner-up is discounted by how far behind
            # it ranks, so "top score minus next score" reads as a lead.
            standing = 1.0 if exact else float(ranking[position]) / top
            score = min(ceiling, confidence * standing)
            ceiling = score
            hits.append(Hit(entry.id, round(score, 6), phrasing, names_subject, exact))
        return hits

    def _defined_term(self, terms: list[str]) -> int | None:
        content = [t for t in terms if t not in DEFINITION_WORDS]
        return self._definitions.get(content[0]) if len(content) == 1 else None

    def _rank(self, terms: list[str]) -> Scores:
        best_phrasing = np.zeros(len(self._entries), dtype=np.float32)
        np.maximum.at(best_phrasing, self._owners, self._phrasing_field.scores(terms))
        ranking: Scores = (
            PHRASING_WEIGHT * best_phrasing
            + ALL_PHRASINGS_WEIGHT * self._all_field.scores(terms)
            + ANSWER_WEIGHT * self._answer_field.scores(terms)
        )
        return ranking

    def _closeness(self, query: _Query) -> NDArray[np.float64]:
        """For every phrasing, how closely it matches the question: its IDF-weighted Dice
        overlap with the question, plus the share of the phrasing the question covers."""
        shared = np.zeros(len(self._phrasing_weights))
        for term, weight in query.weights.items():
            holders = self._phrasing_field.containing(term)
            if holders is not None:
                shared[holders] += weight
        dice = 2 * shared / (query.weight + self._phrasing_weights)
        recall = shared / self._phrasing_weights
        closeness: NDArray[np.float64] = DICE_WEIGHT * dice + RECALL_WEIGHT * recall
        return closeness

    def _confidence(
        self, closeness: NDArray[np.float64], covered: float, position: int
    ) -> tuple[float, str]:
        """Blend three views of how well an entry explains the question: the Dice overlap with
        its closest phrasing, the share of that phrasing the question covers (both in
        ``closeness``), and the share of the question's weight the entry covers anywhere
        (``covered``). The weights were chosen on the evaluation set (``compact-bot eval
        --sweep``; see docs/benchmarks.md)."""
        entry = self._entries[position]
        own = closeness[self._starts[position] : self._starts[position + 1]]
        closest = int(np.argmax(own))
        best = float(own[closest])
        return min(1.0, best + COVERAGE_WEIGHT * covered), entry.phrasings[closest]


@dataclass(frozen=True, slots=True)
class _Query:
    terms: frozenset[str]
    weights: dict[str, float]  # each term's weight; unknown words weigh the most
    weight: float

    @classmethod
    def of(cls, terms: list[str], known: dict[str, float], unknown: float) -> _Query:
        weights = {t: known.get(t, unknown) for t in terms}
        return cls(frozenset(terms), weights, sum(weights.values()))

    def covered(self, vocabulary: frozenset[str]) -> float:
        """The share of the question's weight that ``vocabulary`` contains."""
        return sum(self.weights[t] for t in self.terms & vocabulary) / self.weight
