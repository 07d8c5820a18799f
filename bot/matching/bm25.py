"""A BM25 field: documents of terms in, a score for every document per query out.

Postings are NumPy arrays. A query gathers the postings of all its terms and sums them in one
``bincount``, so it costs a handful of vector operations however many terms it has and however
large the knowledge base is.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Scores = NDArray[np.float64]


Posting = tuple[NDArray[np.int32], NDArray[np.float32]]  # documents, and the term's weight in each


class BM25Field:
    def __init__(self, size: int, postings: dict[str, Posting]) -> None:
        self.size = size
        self._postings = postings

    @classmethod
    def of(
        cls, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75
    ) -> BM25Field:
        size = len(documents)
        lengths = [len(doc) for doc in documents]
        average = max(sum(lengths) / max(size, 1), 1.0)
        frequency = Counter(term for doc in documents for term in set(doc))
        idf = {
            term: math.log(1 + (size - count + 0.5) / (count + 0.5))
            for term, count in frequency.items()
        }
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for position, doc in enumerate(documents):
            norm = k1 * (1 - b + b * lengths[position] / average)
            for term, count in Counter(doc).items():
                weight = idf[term] * count * (k1 + 1) / (count + norm)
                postings[term][0].append(position)
                postings[term][1].append(weight)
        return cls(
            size,
            {
                term: (np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32))
                for term, (ids, weights) in postings.items()
            },
        )

    @classmethod
    def blend(cls, parts: Sequence[tuple[BM25Field, float]]) -> BM25Field:
        """One field whose scores are the weighted sum of ``parts``' (fields over the same
        documents): a query then gathers one set of postings instead of one per field."""
        size = parts[0][0].size
        terms = {term for field, _ in parts for term in field._postings}
        postings: dict[str, Posting] = {}
        for term in terms:
            found = [(p, w) for field, w in parts if (p := field._postings.get(term)) is not None]
            if len(found) == 1:  # in one field only: its postings, weighted
                (ids, weights), w = found[0]
                postings[term] = (ids, (weights * w).astype(np.float32))
                continue
            # Sum per document over this term's postings only (not over every document, which
            # at 10,000 entries and as many terms would be 10^8 additions).
            documents, inverse = np.unique(
                np.concatenate([ids for (ids, _), _ in found]), return_inverse=True
            )
            summed = np.bincount(
                inverse, np.concatenate([weights * w for (_, weights), w in found])
            )
            kept = summed != 0
            postings[term] = (
                documents[kept].astype(np.int32),
                summed[kept].astype(np.float32),
            )
        return cls(size, postings)

    def scores(self, terms: Iterable[str]) -> Scores:
        """Every document's BM25 score for ``terms``."""
        found = [p for t in terms if (p := self._postings.get(t)) is not None]
        if not found:
            return np.zeros(self.size)
        total: Scores = np.bincount(
            _joined([ids for ids, _ in found]),
            _joined([weights for _, weights in found]),
            minlength=self.size,
        ).astype(np.float64, copy=False)
        return total


def _joined(arrays: list[Any]) -> Any:
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
