"""Matching benchmarks, all in one run: StackFAQ, the Compact evaluation set, and scale.

    python benchmarks/faq.py            # everything (a few minutes)
    python benchmarks/faq.py --quick    # smaller scale test (1,000 and 10,000 phrasings)

Every method is measured in the same run on the same machine, so compare the rows, not the
absolute numbers. Output is plain text; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import stackfaq
from baselines import (
    BM25Ranker,
    OurRanker,
    OurSemanticRanker,
    Ranker,
    naive,
    semantic_or_none,
    token_set,
)
from rapidfuzz import process

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.smalltalk import strip_greeting
from bot.evaluation.eval_set import default_eval_folder, load_eval_set
from bot.evaluation.runner import evaluate
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, KnowledgeBase
from bot.matching.index import MatchIndex
from bot.matching.policy import Decision, Thresholds, decide
from bot.settings import bundled_knowledge, load_settings


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(
    rank: Callable[[str, int], list[tuple[str, float]]], query: str
) -> tuple[list[str], float]:
    started = time.perf_counter()
    ranked = rank(query, 10)
    return [entry for entry, _ in ranked], (time.perf_counter() - started) * 1000


def rankers_for(kb: KnowledgeBase) -> list[Ranker]:
    rankers: list[Ranker] = [naive(kb), token_set(kb), BM25Ranker(kb), OurRanker(kb)]
    semantic = semantic_or_none(kb)
    if semantic is not None:
        rankers += [semantic, OurSemanticRanker(kb)]
    return rankers


def stackfaq_section() -> None:
    print("## StackFAQ (125 threads; hit@1, MRR@10, latency per query)\n")
    try:
        settings = stackfaq.load()
    except FileNotFoundError:
        print(f"skipped: {stackfaq.DEFAULT_PATH} not found (it lives in ../shared/data/stackfaq)\n")
        return
    thresholds = Thresholds()
    print(f"{'setting':16} {'method':38} {'hit@1':>6} {'MRR@10':>7} {'p50 ms':>7} {'p99 ms':>7}")
    for setting in settings:
        for ranker in rankers_for(setting.kb):
            hits = rr = 0.0
            latencies = []
            for query, expected in setting.queries:
                ids, ms = timed(ranker.rank, query)
                latencies.append(ms)
                hits += bool(ids) and ids[0] == expected
                rr += 1 / (ids.index(expected) + 1) if expected in ids else 0
            n = len(setting.queries)
            print(
                f"{setting.name:16} {ranker.name:38} {hits / n:6.3f} {rr / n:7.3f} "
                f"{percentile(latencies, 0.5):7.3f} {percentile(latencies, 0.99):7.3f}"
            )
        index = MatchIndex.build(setting.kb)
        answered = right = 0
        for query, expected in setting.queries:
            decision, chosen = decide(index.search(query, 5), thresholds)
            if decision is Decision.ANSWER:
                answered += 1
                right += chosen[0].entry_id == expected
        n = len(setting.queries)
        print(
            f"{setting.name:16} our matcher with default thresholds: answers {answered / n:.1%} "
            f"of questions, precision {right / max(answered, 1):.3f}\n"
        )


def compact_section() -> None:
    print("## The Compact evaluation set (tests/eval)\n")
    kb = load_knowledge(bundled_knowledge())
    cases = load_eval_set(default_eval_folder(), kb)
    in_scope = [c for c in cases if c.in_scope]
    out_of_scope = [c for c in cases if not c.in_scope]
    print("Baselines always answer with their top match, so their accuracy is hit@1 and every")
    print("out-of-scope question that matches anything is answered.\n")
    print(f"{'method':38} {'hit@1':>6} {'wrong':>6} {'oos answered':>13}")
    for ranker in rankers_for(kb):
        top = [timed(ranker.rank, strip_greeting(c.question))[0] for c in in_scope]
        right = sum(1 for ids, c in zip(top, in_scope, strict=True) if ids and ids[0] == c.expect)
        oos = sum(1 for c in out_of_scope if timed(ranker.rank, strip_greeting(c.question))[0])
        n = len(in_scope)
        print(
            f"{ranker.name:38} {right / n:6.3f} {(n - right) / n:6.3f} {oos / len(out_of_scope):13.3f}"
        )
    modes = ["lexical", "semantic"] if semantic_or_none(kb) is not None else ["lexical"]
    for mode in modes:
        _decisions(mode, cases)


def _decisions(mode: str, cases: list) -> None:  # type: ignore[type-arg]
    settings = load_settings(matcher=mode)
    store = KnowledgeStore.open(bundled_knowledge(), matcher=mode)
    report = evaluate(Assistant(store=store, thresholds=settings.thresholds()), cases)
    print(
        f"\nour matcher ({mode}) with its decisions (default thresholds): accuracy {report.accuracy:.3f}, "
        f"did-you-mean {report.clarify_rate:.3f} (right option offered in "
        f"{report.clarify_has_right_option:.3f}), right answer or right option {report.helped:.3f}, "
        f"wrong answers {report.wrong_answer_rate:.3f}, out-of-scope answered "
        f"{report.out_of_scope_answered:.3f}, confident wrong overall {report.confident_wrong_rate:.3f}\n"
    )


def synthetic_kb(phrasings: int, seed: int = 7) -> tuple[KnowledgeBase, list[str]]:
    """Entries of ten phrasings each, drawn from a Zipf-like vocabulary, with queries that are
    reworded, shortened and misspelt copies of held-out phrasings."""
    rng = random.Random(seed)
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "ta",
        "so",
        "vi",
        "de",
        "po",
        "gra",
        "nt",
        "fu",
        "co",
    ]
    vocabulary = sorted(
        {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(30_000)}
    )
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    entries, queries = [], []
    for number in range(phrasings // 10):
        core = rng.choices(vocabulary, weights, k=4)
        texts = [
            " ".join(core[:2] + rng.choices(vocabulary, weights, k=5) + core[2:]) for _ in range(10)
        ]
        entries.append(
            Entry(
                id=f"e{number}",
                topic="Synthetic",
                question=texts[0],
                answer=texts[0],
                alternates=tuple(texts[1:]),
            )
        )
        if len(queries) < 500:
            words = texts[rng.randrange(10)].split()
            rng.shuffle(words)
            words = words[: max(3, len(words) - 2)]
            typo = rng.randrange(len(words))
            words[typo] = words[typo][:-1] + "x"
            queries.append(" ".join(words))
    return KnowledgeBase(tuple(entries)), queries


def scale_section(sizes: Sequence[int]) -> None:
    print("## Scale (synthetic knowledge bases)\n")
    print("Build time is measured untraced; peak memory is tracemalloc's peak during a second,")
    print("traced build (Python and NumPy allocations).\n")
    print(
        f"{'phrasings':>9} {'method':28} {'build s':>8} {'peak MB':>8} {'p50 ms':>8} {'p99 ms':>8}"
    )
    for size in sizes:
        kb, queries = synthetic_kb(size)
        gc.collect()
        started = time.perf_counter()
        index = MatchIndex.build(kb)
        build = time.perf_counter() - started
        del index
        gc.collect()
        tracemalloc.start()
        index = MatchIndex.build(kb)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        ours = [timed(OurRanker(kb, index=index).rank, q)[1] for q in queries]
        print(
            f"{size:9,} {'our matcher':28} {build:8.2f} {peak:8.1f} {percentile(ours, 0.5):8.3f} {percentile(ours, 0.99):8.3f}"
        )
        texts = [p for e in kb.entries for p in e.phrasings]
        sample = queries[: 100 if size >= 100_000 else 500]
        naive_ms = []
        for query in sample:
            started = time.perf_counter()
            process.extractOne(query, texts)
            naive_ms.append((time.perf_counter() - started) * 1000)
        print(
            f"{size:9,} {'rapidfuzz extractOne (naive)':28} {'-':>8} {'-':>8} {percentile(naive_ms, 0.5):8.3f} {percentile(naive_ms, 0.99):8.3f}"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-phrasing scale test")
    args = parser.parse_args()
    print(
        f"# Matching benchmark, {time.strftime('%Y-%m-%d %H:%M')} (Python {sys.version.split()[0]})\n"
    )
    stackfaq_section()
    compact_section()
    scale_section([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])


if __name__ == "__main__":
    main()
