"""Group similar questions: each theme has a leader wording; a question joins the closest
leader when similar enough, otherwise it leads a new theme.

Existing leaders are tried first, so a theme keeps its id from one run to the next. Matching
is done in batches with rapidfuzz's ``cdist``, so the cost grows with questions x themes, not
with questions squared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

SIMILARITY = 70  # rapidfuzz token_sort_ratio between signatures, 0-100
BATCH = 2000


@dataclass(frozen=True, slots=True)
class Assignment:
    """Question ``position`` joins leader ``leader`` (an index into the final leader list)."""

    position: int
    leader: int


def assign(
    signatures: Sequence[str], leaders: Sequence[str], *, threshold: int = SIMILARITY
) -> tuple[list[Assignment], list[str]]:
    """Assign every signature to a leader. Returns the assignments and the grown leader list
    (the existing leaders first, unchanged, then the new ones)."""
    all_leaders = list(leaders)
    assignments: list[Assignment] = []
    for start in range(0, len(signatures), BATCH):
        batch = range(start, min(start + BATCH, len(signatures)))
        left = list(batch)
        if all_leaders:
            scores = process.cdist(
                [signatures[i] for i in batch],
                all_leaders,
                scorer=fuzz.token_sort_ratio,
                dtype=np.uint8,
                workers=-1,
            )
            best = scores.argmax(axis=1)
            left = []
            for row, position in enumerate(batch):
                if scores[row, best[row]] >= threshold:
                    assignments.append(Assignment(position, int(best[row])))
                else:
                    left.append(position)
        for position in left:  # a new theme, unless a leader made in this batch fits
            match = process.extractOne(
                signatures[position],
                all_leaders,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
            )
            if match is not None:
                assignments.append(Assignment(position, int(match[2])))
            else:
                all_leaders.append(signatures[position])
                assignments.append(Assignment(position, len(all_leaders) - 1))
    return assignments, all_leaders
