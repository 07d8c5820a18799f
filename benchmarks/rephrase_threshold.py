"""How close must a later, answered question be to an earlier, unanswered one before the
review group is told the earlier wording is a rephrasing (bot/review/suggestions.py)?

    python benchmarks/rephrase_threshold.py

Each set (benchmarks/sets.py) is turned into the pairs the suggestion rule meets in real
traffic: an *earlier* question the matcher did not answer (no match or a did-you-mean, or a
question no entry answers), then a *later* question it answers outright. A pair is a real
rephrasing when the later question's entry is one the earlier question should have got; any
other pair is two unrelated questions asked one after the other (the parking permit, then the
grant notice). The similarity is the matcher's own (``MatchIndex.similarity``: IDF-weighted
Dice of content terms), with the index of that set's knowledge base.

A wrongly suggested wording, once accepted, makes the assistant answer the wrong entry with
confidence, so the threshold is chosen for few false suggestions: on each choosing set, the
lowest threshold whose false rate (unrelated pairs passed) is at most ``MAX_FALSE_RATE``. It
is chosen leave-one-set-out over the choosing sets (Compact eval, staff held-out,
leave-alternates-out): each set is scored with the threshold chosen on the others. The
Debian and Python FAQ sets are held out: measured with the final threshold, never chosen on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sets as benchsets
from sets import BenchSet

from bot.knowledge.loader import load_knowledge
from bot.matching.index import MatchIndex
from bot.matching.policy import Decision, Thresholds, decide
from bot.review.suggestions import REPHRASE_SIMILARITY
from bot.settings import bundled_knowledge

MAX_FALSE_RATE = 0.01
GRID = [round(0.05 * n, 2) for n in range(1, 20)]


@dataclass(frozen=True)
class Pairs:
    name: str
    real: list[float]  # similarities of real rephrasings
    unrelated: list[float]  # similarities of unrelated pairs


def pairs_of(bench: BenchSet) -> Pairs:
    real: list[float] = []
    unrelated: list[float] = []
    for part in bench.parts:
        index = MatchIndex.build(part.kb)
        thresholds = Thresholds()
        earlier: list[tuple[str, frozenset[str]]] = [(u, frozenset()) for u in part.unanswerable]
        later: list[tuple[str, str]] = []
        for question, expected in part.queries:
            decision, chosen = decide(index.search(question, limit=5), thresholds)
            if decision is Decision.ANSWER:
                later.append((question, chosen[0].entry_id))
            else:
                earlier.append((question, expected))
        words = {q: index.wording(q) for q, _ in [*earlier, *later]}
        for first, expected in earlier:
            for second, entry_id in later:
                score = index.similarity_of(words[first], words[second])
                (real if entry_id in expected else unrelated).append(score)
    return Pairs(bench.name, real, unrelated)


def rates(pairs: Pairs, threshold: float) -> tuple[float, float]:
    """(share of real rephrasings kept, share of unrelated pairs passed)."""
    kept = sum(s >= threshold for s in pairs.real) / max(len(pairs.real), 1)
    false = sum(s >= threshold for s in pairs.unrelated) / max(len(pairs.unrelated), 1)
    return kept, false


def choose(sets: Iterable[Pairs]) -> float:
    """The lowest threshold that keeps false suggestions at most MAX_FALSE_RATE on every set."""
    chosen = list(sets)
    for threshold in GRID:
        if all(rates(p, threshold)[1] <= MAX_FALSE_RATE for p in chosen):
            return threshold
    return GRID[-1]


def main() -> None:
    kb = load_knowledge(bundled_knowledge())
    choosing = [
        pairs_of(benchsets.compact_eval(kb)),
        pairs_of(benchsets.staff_held_out(kb)),
        pairs_of(benchsets.leave_alternates_out(kb)),
    ]
    held_out = [pairs_of(benchsets.debian_faq()), pairs_of(benchsets.python_faq())]
    print(f"{'set':34} {'real':>6} {'unrel':>7}")
    for p in [*choosing, *held_out]:
        print(f"{p.name:34} {len(p.real):6} {len(p.unrelated):7}")
    print("\nby threshold: real rephrasings kept / unrelated pairs passed")
    print(f"{'t':>5} " + " ".join(f"{p.name[:22]:>24}" for p in [*choosing, *held_out]))
    for threshold in GRID:
        cells = []
        for p in [*choosing, *held_out]:
            kept, false = rates(p, threshold)
            cells.append(f"{kept:11.3f} / {false:.4f}")
        print(f"{threshold:5.2f} " + " ".join(f"{c:>24}" for c in cells))
    print(f"\nleave-one-set-out (max false rate {MAX_FALSE_RATE}):")
    for p in choosing:
        others = [o for o in choosing if o is not p]
        threshold = choose(others)
        kept, false = rates(p, threshold)
        print(
            f"  {p.name:34} t={threshold:.2f} (chosen on the others): kept {kept:.3f}, false {false:.4f}"
        )
    final = choose(choosing)
    print(f"\nchosen on all choosing sets: {final:.2f}; in the code: {REPHRASE_SIMILARITY}")
    for p in [*choosing, *held_out]:
        kept, false = rates(p, REPHRASE_SIMILARITY)
        print(f"  {p.name:34} kept {kept:.3f}, false {false:.4f}")


if __name__ == "__main__":
    main()
