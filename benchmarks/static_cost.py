"""What the static vectors cost a search: the same synthetic knowledge bases as
``benchmarks/faq.py``'s scale test, searched with the vectors off, on without the entries'
centres, and on, in alternating rounds (so a drift in the shared machine's speed falls on
all three).

    python benchmarks/static_cost.py             # 1,000, 10,000 and 100,000 phrasings
    python benchmarks/static_cost.py --quick     # without the 100,000

Prints each size's build time and, over the rounds, the median (with the range) of each
round's p50 and p99 per question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faq import synthetic_kb

from bot.matching.index import MatchConfig, MatchIndex

SETTINGS = {
    "vectors off": MatchConfig(static_weight=0.0),
    "vectors, no centres": MatchConfig(static_centroid=0.0),
    "vectors on": MatchConfig(),
}


def percentile(sorted_times: list[float], share: float) -> float:
    return sorted_times[min(len(sorted_times) - 1, int(len(sorted_times) * share))]


def measure(size: int, rounds: int) -> None:
    kb, questions = synthetic_kb(size)
    built: dict[str, MatchIndex] = {}
    for name, config in SETTINGS.items():
        started = time.perf_counter()
        built[name] = MatchIndex.build(kb, config)
        print(f"{size:>8,} {name}: built in {time.perf_counter() - started:.2f} s", flush=True)
        for question in questions[:20]:  # warm-up: first-use loading is not a search
            built[name].search(question)
    p50s: dict[str, list[float]] = {name: [] for name in SETTINGS}
    p99s: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for _ in range(rounds):
        for name, index in built.items():
            times = []
            for question in questions:
                started = time.perf_counter()
                index.search(question)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p50s[name].append(percentile(times, 0.5))
            p99s[name].append(percentile(times, 0.99))
    for name in SETTINGS:
        print(
            f"{size:>8,} {name}: p50 {_spread(p50s[name])} ms, p99 {_spread(p99s[name])} ms",
            flush=True,
        )


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip 100,000 phrasings")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per size")
    args = parser.parse_args()
    for size in (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000):
        measure(size, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
