"""The match index: built once per knowledge-base load, searched once per question."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from bot.knowledge.model import KnowledgeBase
from bot.matching.analyzer import Analyzer, Canonicaliser


@dataclass(frozen=True, slots=True)
class Hit:
    """The best-scoring phrasing of one entry for a question."""

    entry_id: str
    score: float
    phrasing: str


@dataclass(frozen=True, slots=True)
class _Phrasing:
    entry_id: str
    text: str
    terms: frozenset[str]
    weight: float


class MatchIndex:
    """Scores each phrasing by IDF-weighted overlap (a soft Dice coefficient) with the question.

    Unknown words in the question count against a match, so a question that shares one word
    with an entry but is about something else scores low.
    """

    def __init__(
        self, analyzer: Analyzer, phrasings: list[_Phrasing], idf: dict[str, float]
    ) -> None:
        self._analyzer = analyzer
        self._phrasings = phrasings
        self._idf = idf
        self._unknown_weight = max(idf.values(), default=1.0)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for position, phrasing in enumerate(phrasings):
            for term in phrasing.terms:
                self._postings[term].append(position)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> MatchIndex:
        groups = [term.spellings for term in kb.glossary] + list(kb.synonym_groups)
        analyzer = Analyzer(Canonicaliser(groups))
        analyzer.learn(p for entry in kb.entries for p in entry.phrasings)
        raw = [
            (entry.id, text, frozenset(analyzer.terms(text)))
            for entry in kb.entries
            for text in entry.phrasings
        ]
        terms_of_entry: dict[str, set[str]] = defaultdict(set)
        for eid, _, terms in raw:
            terms_of_entry[eid] |= terms
        entries_with = Counter(t for terms in terms_of_entry.values() for t in terms)
        total = max(len(kb.entries), 1)
        idf = {term: math.log(1 + total / count) for term, count in entries_with.items()}
        phrasings = [
            _Phrasing(eid, text, terms, sum(idf[t] for t in terms)) for eid, text, terms in raw
        ]
        return cls(analyzer, phrasings, idf)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        terms = set(self._analyzer.terms(text, repair=True))
        if not terms:
            return []
        query_weight = sum(self._idf.get(t, self._unknown_weight) for t in terms)
        shared: dict[int, float] = defaultdict(float)
        for term in terms:
            for position in self._postings.get(term, ()):
                shared[position] += self._idf[term]
        best: dict[str, Hit] = {}
        for position, overlap in shared.items():
            phrasing = self._phrasings[position]
            score = 2 * overlap / (query_weight + phrasing.weight)
            current = best.get(phrasing.entry_id)
            if current is None or score > current.score:
                best[phrasing.entry_id] = Hit(phrasing.entry_id, min(score, 1.0), phrasing.text)
        return sorted(best.values(), key=lambda h: (-h.score, h.entry_id))[:limit]
