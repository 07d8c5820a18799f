"""Matching benchmarks, all in one run: every FAQ set beside the baselines, then scale.

    python benchmarks/faq.py            # everything (several minutes)
    python benchmarks/faq.py --quick    # smaller scale test (1,000 and 10,000 phrasings)
    python benchmarks/faq.py --no-scale # the FAQ sets only
    python benchmarks/faq.py --no-scale --wrong 20   # and what our matcher got wrong

The sets (see benchmarks/sets.py and benchmarks/data/README.md):
- StackFAQ title only, and with alternates, each imported with ``compact-bot kb import``
  with one answer per FAQ (skipped if ../shared/data/stackfaq is absent);
- two held-out public FAQs, the Python FAQ and the Debian FAQ, with queries written for
  this benchmark in real users' styles;
- COVID-Q real queries: questions the public typed (Quora, Yahoo Answers, search-box
  suggestions) asked of seven official COVID-19 FAQ pages, the only set whose queries no one
  here wrote (skipped unless $COVIDQ_PATH or ../shared/data/covidq holds it);
- staff questions (held out): questions about the Compact written blind, before the
  knowledge base was read, and never used to change it (benchmarks/data/staffheldout);
- leave-alternates-out on the bundled knowledge base;
- the Compact evaluation set (tests/eval).

Every method is measured in the same run on the same machine, so compare the rows, not the
absolute numbers. hit@k is the share of queries with a right entry in the top k. For our
matcher, the decisions are the assistant's own (``Assistant.ask`` with the configured
thresholds): "answered" is the share answered outright, "precision" the share of those
answers that are right, "clarify" the share given "did you mean", and "oos ans" the share of
the set's unanswerable questions (no entry answers them) answered outright anyway. Baselines
always answer with their top match, so their precision would be their hit@1.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sets
import stackfaq
from baselines import (
    BM25Ranker,
    OurRanker,
    Ranker,
    bm25_no_stopwords,
    naive,
    semantic_or_none,
    token_set,
)
from rapidfuzz import process

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore, LoadedKnowledge
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify
from bot.core.smalltalk import strip_greeting
from bot.evaluation.eval_set import default_eval_folder, load_eval_set
from bot.evaluation.runner import evaluate
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, KnowledgeBase
from bot.matching.index import MatchIndex
from bot.settings import bundled_knowledge, load_settings

PRECISION_TARGET = 0.95
CONTEXT = Context(ChannelKind.CLI, "benchmark")


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def timed(
    rank: Callable[[str, int], list[tuple[str, float]]], query: str
) -> tuple[list[str], float]:
    started = time.perf_counter()
    ranked = rank(query, 10)
    return [entry for entry, _ in ranked], (time.perf_counter() - started) * 1000


def baselines_for(kb: KnowledgeBase) -> list[Ranker]:
    rankers: list[Ranker] = [naive(kb), token_set(kb), BM25Ranker(kb), bm25_no_stopwords(kb)]
    semantic = semantic_or_none(kb)
    if semantic is not None:
        rankers.append(semantic)
    return rankers


def matcher_modes() -> list[str]:
    """The lexical matcher, and the semantic extra's when it is installed."""
    try:
        import sentence_transformers  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return ["lexical"]
    return ["lexical", "semantic"]


@dataclass
class Tally:
    """One method's results on one set, summed over the set's parts."""

    method: str
    queries: int = 0
    top1: int = 0
    top3: int = 0
    answered: int = 0
    right_answers: int = 0
    clarified: int = 0
    unanswerable: int = 0
    unanswerable_answered: int = 0
    decisions: bool = False
    latencies: list[float] | None = None
    # (question, what was expected, what was answered) for every confidently wrong answer
    wrong: list[tuple[str, str, str]] | None = None

    def rank(self, ids: list[str], expected: frozenset[str], ms: float) -> None:
        self.queries += 1
        self.top1 += bool(ids) and ids[0] in expected
        self.top3 += not expected.isdisjoint(ids[:3])
        if self.latencies is None:
            self.latencies = []
        self.latencies.append(ms)

    def note_wrong(self, query: str, expected: str, answered: str) -> None:
        if self.wrong is None:
            self.wrong = []
        self.wrong.append((query, expected, answered))

    def row(self, bench: sets.BenchSet) -> str:
        n = max(self.queries, 1)
        if self.decisions:
            precision = self.right_answers / self.answered if self.answered else float("nan")
            oos = (
                f"{self.unanswerable_answered / self.unanswerable:8.3f}"
                if self.unanswerable
                else f"{'-':>8}"
            )
            decided = f"{self.answered / n:9.3f} {precision:9.3f} {self.clarified / n:8.3f} {oos}"
        else:
            decided = f"{'-':>9} {'-':>9} {'-':>8} {'-':>8}"
        times = self.latencies or [0.0]
        return (
            f"{bench.name:26} {bench.size:6} {self.method:40} {self.top1 / n:6.3f} "
            f"{self.top3 / n:6.3f} {decided} {percentile(times, 0.5):7.3f} "
            f"{percentile(times, 0.99):7.3f}"
        )


HEADER = (
    f"{'set':26} {'n':>6} {'method':40} {'hit@1':>6} {'hit@3':>6} {'answered':>9} "
    f"{'precision':>9} {'clarify':>8} {'oos ans':>8} {'p50 ms':>7} {'p99 ms':>7}"
)


def measure(bench: sets.BenchSet, modes: Sequence[str]) -> list[Tally]:
    """Every baseline and our matcher (each mode) on every part of ``bench``."""
    tallies: dict[str, Tally] = {}
    for part in bench.parts:
        for ranker in baselines_for(part.kb):
            tally = tallies.setdefault(ranker.name, Tally(ranker.name))
            for query, expected in part.queries:
                ids, ms = timed(ranker.rank, strip_greeting(query))
                tally.rank(ids, expected, ms)
        for mode in modes:
            name = "our matcher" if mode == "lexical" else f"our matcher ({mode} extra)"
            tally = tallies.setdefault(name, Tally(name, decisions=True))
            _ours(part, mode, tally)
    return list(tallies.values())


def _ours(part: sets.Part, mode: str, tally: Tally) -> None:
    """Rank with the index the assistant serves, and decide with ``Assistant.ask`` itself."""
    loaded = LoadedKnowledge.build(part.kb, matcher=mode)
    store = KnowledgeStore(part.kb.root or Path("."), loaded, matcher=mode)
    assistant = Assistant(store=store, thresholds=load_settings(matcher=mode).thresholds())
    loaded.index.search("warm up", limit=10)  # lazily loaded resources are not per query
    for query, expected in part.queries:
        started = time.perf_counter()
        hits = loaded.index.search(strip_greeting(query), limit=10)
        ms = (time.perf_counter() - started) * 1000
        tally.rank([h.entry_id for h in hits], expected, ms)
        reply = assistant.ask(Question(query, CONTEXT))
        if isinstance(reply, Answer):
            tally.answered += 1
            tally.right_answers += reply.entry.id in expected
            if reply.entry.id not in expected:
                tally.note_wrong(query, ", ".join(sorted(expected)), reply.entry.id)
        elif isinstance(reply, Clarify):
            tally.clarified += 1
    for query in part.unanswerable:
        tally.unanswerable += 1
        reply = assistant.ask(Question(query, CONTEXT))
        if isinstance(reply, Answer):
            tally.unanswerable_answered += 1
            tally.note_wrong(query, "(no entry)", reply.entry.id)


def load_sets(kb: KnowledgeBase) -> list[sets.BenchSet]:
    found: list[sets.BenchSet] = []
    try:
        found += stackfaq.load()
    except FileNotFoundError:
        print(f"StackFAQ skipped: {stackfaq.DEFAULT_PATH} not found (../shared/data/stackfaq)\n")
    found.append(sets.python_faq())
    found.append(sets.debian_faq())
    covidq = sets.covidq_folder()
    if covidq is None:
        print(sets.COVIDQ_MISSING)
    else:
        found.append(sets.covid_q(covidq))
    found.append(sets.staff_held_out(kb))
    found.append(sets.leave_alternates_out(kb))
    found.append(sets.compact_eval(kb))
    return found


def faq_section(show_wrong: int = 0) -> None:
    print("## FAQ sets (hit@k, our matcher's decisions, latency per query)\n")
    kb = load_knowledge(bundled_knowledge())
    benches = load_sets(kb)
    for bench in benches:
        extra = f" and {bench.unanswerable} that no entry answers" if bench.unanswerable else ""
        print(f"- {bench.name}: {bench.size:,} queries{extra}; {bench.source}")
    modes = matcher_modes()
    print(f"\n{HEADER}")
    verdicts, measured = [], []
    for bench in benches:
        tallies = measure(bench, modes)
        measured.append(tallies)
        for tally in tallies:
            print(tally.row(bench), flush=True)
        print()
        verdicts.append(_verdict(bench, tallies))
    print(
        "Against the baselines and the precision target (answer precision >= "
        f"{PRECISION_TARGET}):\n"
    )
    for verdict in verdicts:
        print(verdict)
    print()
    if show_wrong:
        for bench, tallies in zip(benches, measured, strict=True):
            for tally in (t for t in tallies if t.decisions and t.wrong):
                assert tally.wrong is not None
                print(f"{bench.name}, {tally.method}: {len(tally.wrong)} confidently wrong")
                for query, expected, answered in tally.wrong[:show_wrong]:
                    print(f"  {query!r}: expected {expected}, answered {answered}")
                print()
    for mode in modes:
        _decisions(mode)


def _verdict(bench: sets.BenchSet, tallies: list[Tally]) -> str:
    by_name = {t.method: t for t in tallies}
    ours = by_name["our matcher"]
    best = max((t for t in tallies if not t.decisions), key=lambda t: t.top1)
    precision = ours.right_answers / ours.answered if ours.answered else float("nan")
    bm25 = by_name["BM25 (bm25s, Snowball, stopwords)"]
    return (
        f"{bench.name:26} ours hit@1 {ours.top1 / ours.queries:.3f} vs BM25 (stopwords) "
        f"{bm25.top1 / bm25.queries:.3f} ({'ahead' if ours.top1 >= bm25.top1 else 'BEHIND'}); "
        f"best baseline {best.method} {best.top1 / best.queries:.3f}; answer precision "
        f"{precision:.3f} ({'met' if precision >= PRECISION_TARGET else 'MISSED'})"
        + (
            f"; confident wrong overall {_confident_wrong(ours):.3f} "
            f"({ours.unanswerable_answered} of {ours.unanswerable} unanswerable answered)"
            if ours.unanswerable
            else ""
        )
    )


def _confident_wrong(tally: Tally) -> float:
    """Wrong outright answers, unanswerable questions included, over every question."""
    wrong = tally.answered - tally.right_answers + tally.unanswerable_answered
    return wrong / max(tally.queries + tally.unanswerable, 1)


def _decisions(mode: str) -> None:
    """The Compact evaluation set as ``compact-bot eval`` scores it, out-of-scope included."""
    settings = load_settings(matcher=mode)
    store = KnowledgeStore.open(bundled_knowledge(), matcher=mode)
    cases = load_eval_set(default_eval_folder(), store.current.kb)
    report = evaluate(Assistant(store=store, thresholds=settings.thresholds()), cases)
    print(
        f"Compact eval, as compact-bot eval scores it ({mode}): accuracy {report.accuracy:.3f}, "
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
    parser.add_argument("--no-scale", action="store_true", help="the FAQ sets only")
    parser.add_argument(
        "--wrong",
        type=int,
        default=0,
        metavar="N",
        help="list up to N of our matcher's confidently wrong answers on each set",
    )
    args = parser.parse_args()
    print(
        f"# Matching benchmark, {time.strftime('%Y-%m-%d %H:%M')} (Python {sys.version.split()[0]})\n"
    )
    faq_section(show_wrong=args.wrong)
    if not args.no_scale:
        scale_section([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])


if __name__ == "__main__":
    main()
