"""A BM25 field: documents of terms in, a score for every document per query out.

Postings are NumPy arrays, so a query costs one vector add per query term however large the
knowledge base is.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

Scores = NDArray[np.float32]


class BM25Field:
    def __init__(
        self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.size = len(documents)
        lengths = [len(doc) for doc in documents]
        average = max(sum(lengths) / max(self.size, 1), 1.0)
        frequency = Counter(term for doc in documents for term in set(doc))
        self.idf = {
            term: math.log(1 + (self.size - count + 0.5) / (count + 0.5))
            for term, count in frequency.items()
        }
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for position, doc in enumerate(documents):
            norm = k1 * (1 - b + b * lengths[position] / average)
            for term, count in Counter(doc).items():
                weight = self.idf[term] * count * (k1 + 1) / (count + norm)
                postings[term][0].append(position)
                postings[term][1].append(weight)
        self._postings = {
            term: (np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32))
            for term, (ids, weights) in postings.items()
        }

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def containing(self, term: str) -> NDArray[np.int32] | None:
        """The documents that contain ``term`` (None if none do)."""
        posting = self._postings.get(term)
        return None if posting is None else posting[0]

    def scores(self, terms: Iterable[str]) -> Scores:
        total = np.zeros(self.size, dtype=np.float32)
        for term in terms:
            posting = self._postings.get(term)
            if posting is not None:
                total[posting[0]] += posting[1]
        return total
