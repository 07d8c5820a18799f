"""Fuse the lexical ranking with sentence-embedding similarity over every entry.

The embedding side scores every entry of the knowledge base (its closest phrasing's cosine),
so an entry the lexical index does not rank at all can still win. The fused confidence is a
blend, ``EMBEDDING_WEIGHT * cosine + (1 - EMBEDDING_WEIGHT) * lexical``, where an entry the
lexical side does not list counts 0 there. A blend rather than reciprocal rank fusion: its
value still says how sure the match is (an out-of-scope question scores low on both sides), so
the answer policy's thresholds apply to it; ranks alone cannot tell "best of a bad lot" from
a real match. The weight and the thresholds were chosen by cross-validation across three sets
(benchmarks/semantic_trial.py; docs/benchmarks.md, "Semantic").

The order of the first place is decided by a second blend (``order_scores``): the better of an
entry's closest phrasing's cosine and its answer's cosine, plus ``ORDER_WEIGHT`` times its
lexical confidence scaled by the lexical side's top confidence, so the words count in full
only when the lexical side is sure of its own best. It ranks better than the fused score on
held-out FAQ sets (chosen leave-one-set-out over eight sets: benchmarks/semantic_sets.py;
docs/benchmarks.md, "Semantic"), but its value is on no calibrated scale, so it only orders:
when its first is not the fused first, that entry leads, scored by the fused blend and marked
contested (bot.matching.semantic.fused_search), so it gets "did you mean", never an answer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

EMBEDDING_WEIGHT = 0.8
# When the lexical index's top hit is the fused one, it is answered outright if the lexical
# confidence is at least AGREEMENT_LEXICAL, ahead of its runner-up by AGREEMENT_LEXICAL_MARGIN,
# and the fused lead is AGREEMENT_FUSED_MARGIN (bot.matching.semantic.Agreement). Chosen with
# the weight and the fused thresholds, by the same cross-validation.
AGREEMENT_LEXICAL = 0.85
AGREEMENT_LEXICAL_MARGIN = 0.15
AGREEMENT_FUSED_MARGIN = 0.025
# Entries whose cosine ranks this high are scored beside every lexical hit: enough that the
# fused top five never misses an entry a deeper list would have had.
EMBEDDING_DEPTH = 20
# The lexical confidence's weight in the order (``order_scores``).
ORDER_WEIGHT = 0.4


def entry_cosines(
    phrasing_cosines: npt.NDArray[np.float32], starts: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
    """Each entry's best phrasing cosine and that phrasing's position, from the cosines of all
    phrasings stored entry by entry (``starts``: where each entry's phrasings begin)."""
    best = np.maximum.reduceat(phrasing_cosines, starts)
    # The first phrasing of each entry that reaches its best (ties go to the earlier one).
    owner = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(phrasing_cosines))))
    at_best = np.flatnonzero(phrasing_cosines >= best[owner])
    first = np.full(len(starts), -1, dtype=np.intp)
    first[owner[at_best[::-1]]] = at_best[::-1]
    return best.astype(np.float32), first


def fuse(
    cosines: npt.NDArray[np.float32],
    lexical: Mapping[int, float],
    weight: float = EMBEDDING_WEIGHT,
    depth: int = EMBEDDING_DEPTH,
) -> list[tuple[int, float]]:
    """(entry position, fused score in 0..1), best first, for the entries either side ranks:
    the embedding side's top ``depth`` and every lexical hit (position: confidence)."""
    if not len(cosines):
        return []
    order = np.argsort(-cosines, kind="stable")[:depth].tolist()
    candidates = dict.fromkeys([*order, *lexical])
    scored = [
        (
            position,
            float(
                min(
                    1.0,
                    max(
                        0.0,
                        weight * float(cosines[position])
                        + (1 - weight) * lexical.get(position, 0.0),
                    ),
                )
            ),
        )
        for position in candidates
    ]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


def order_scores(
    cosines: npt.NDArray[np.float32],
    answer_cosines: npt.NDArray[np.float32] | None,
    lexical: Mapping[int, float],
    weight: float = ORDER_WEIGHT,
) -> npt.NDArray[np.float64]:
    """Every entry's standing in the order: ``max(cosine, answer cosine) + weight x lexical
    confidence x the lexical top confidence`` (answers left out when not given)."""
    score = np.asarray(cosines, dtype=np.float64)
    if answer_cosines is not None and len(answer_cosines) == len(score):
        score = np.maximum(score, np.asarray(answer_cosines, dtype=np.float64))
    if lexical:
        sure = max(lexical.values())
        words = np.zeros(len(score))
        for position, confidence in lexical.items():
            words[position] = confidence
        score = score + weight * sure * words
    return score
