"""Cross-validated choice of the matcher's settings, with held-out figures only.

    python benchmarks/crossval.py                # configs compared, then thresholds by k-fold
    python benchmarks/crossval.py --stopwords    # also each candidate domain stopword alone
    python benchmarks/crossval.py --folds 5
    python benchmarks/crossval.py --typos --quick # the same on questions with two slips each

Eight sets (benchmarks/sets.py, the same as benchmarks/faq.py's), each ranked by hit@1 (is a
right entry first?):

- ``eval``: the Compact evaluation set's in-scope questions (tests/eval);
- StackFAQ title only: one question per FAQ, every rephrasing as a query;
- StackFAQ with alternates: half the rephrasings stored, the other half asked;
- the Python FAQ and the Debian FAQ (benchmarks/data), imported with ``kb import``;
- COVID-Q real queries: the public's questions asked of seven COVID-19 FAQ pages (only
  when $COVIDQ_PATH or shared/data/covidq holds the files build.py makes);
- staff questions written blind and asked of the bundled knowledge base (held out);
- leave-alternates-out: our own knowledge base with each alternate phrasing in turn removed
  from its entry and asked as a question (in folds of alternates, so the index is built once
  per fold rather than once per alternate).

Settings (stopwords, compound joining, field weights, the static vectors' weight) are chosen
leave-one-set-out: for each set, the setting best on the mean hit@1 of the *other* sets is
scored on it. The answer thresholds need out-of-scope questions, which only the evaluation
set has, so they are chosen by k-fold over it: the sweep picks thresholds on k-1 folds and the
held-out fold is scored with them. The chosen thresholds are then checked for answer precision
on the other sets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sets as benchsets
import stackfaq
from sets import BenchSet

from bot.core.smalltalk import recognise, strip_greeting
from bot.evaluation import sweep as sweeping
from bot.evaluation.eval_set import EvalCase, default_eval_folder, load_eval_set
from bot.knowledge.loader import load_knowledge
from bot.matching.index import Hit, MatchConfig, MatchIndex
from bot.matching.policy import Decision, Thresholds, decide
from bot.matching.stems import STOPWORDS
from bot.settings import bundled_knowledge, load_settings

Queries = list[tuple[str, frozenset[str]]]  # (question, the ids of the entries that answer it)


@dataclass(frozen=True)
class Scored:
    """One set's queries and the hits each got, for one setting."""

    name: str
    queries: Queries
    hits: list[list[Hit]]
    # The hits of the questions no entry answers (any outright answer to one is wrong).
    unanswerable_hits: list[list[Hit]] = field(default_factory=list)

    @property
    def hit1(self) -> float:
        return sum(
            bool(h) and h[0].entry_id in q[1] for q, h in zip(self.queries, self.hits, strict=True)
        ) / max(len(self.queries), 1)

    def decided(self, thresholds: Thresholds) -> tuple[float, float]:
        """Share of questions answered, and the precision of those answers."""
        answered = right = 0
        for (_, expected), hits in zip(self.queries, self.hits, strict=True):
            decision, chosen = decide(hits, thresholds)
            if decision is Decision.ANSWER:
                answered += 1
                right += chosen[0].entry_id in expected
        return answered / max(len(self.queries), 1), right / max(answered, 1)

    def answers(self, thresholds: Thresholds) -> tuple[int, int]:
        """Right and wrong outright answers, counting every answered unanswerable as wrong."""
        right = wrong = 0
        for (_, expected), hits in zip(self.queries, self.hits, strict=True):
            decision, chosen = decide(hits, thresholds)
            if decision is Decision.ANSWER:
                right += chosen[0].entry_id in expected
                wrong += chosen[0].entry_id not in expected
        for hits in self.unanswerable_hits:
            wrong += decide(hits, thresholds)[0] is Decision.ANSWER
        return right, wrong


class Sets:
    """The knowledge bases and questions of every set in benchmarks/sets.py, loaded once."""

    def __init__(self, folds: int) -> None:
        self.kb = load_knowledge(bundled_knowledge())
        self.cases = load_eval_set(default_eval_folder(), self.kb)
        self.folds = folds
        found = [
            folder / "shared/data/stackfaq/stackExchange-FAQ.json"
            for folder in Path(__file__).resolve().parents
            if (folder / "shared/data/stackfaq/stackExchange-FAQ.json").exists()
        ]
        stack = stackfaq.load(found[0]) if found else []
        if not found:
            print("StackFAQ skipped: shared/data/stackfaq/stackExchange-FAQ.json not found\n")
        covidq = benchsets.covidq_folder()
        if covidq is None:
            print(benchsets.COVIDQ_MISSING)
        self.others: list[BenchSet] = [
            *stack,
            benchsets.python_faq(),
            benchsets.debian_faq(),
            *([benchsets.covid_q(covidq)] if covidq else []),
            benchsets.staff_held_out(self.kb),
            benchsets.leave_alternates_out(self.kb),
        ]

    def score(self, config: MatchConfig, unanswerable: bool = False) -> dict[str, Scored]:
        """Each set's hits under ``config``; with ``unanswerable``, also those of the
        questions no entry answers."""
        index = MatchIndex.build(self.kb, config)
        in_scope = [c for c in self.cases if c.in_scope]
        out_of_scope = [c for c in self.cases if not c.in_scope and not recognise(c.question)]
        result = {
            "eval": Scored(
                "eval",
                [(c.question, frozenset({c.expect or ""})) for c in in_scope],
                [_search(index, c.question) for c in in_scope],
                [_search(index, c.question) for c in out_of_scope] if unanswerable else [],
            )
        }
        for bench in self.others:
            queries: Queries = []
            hits: list[list[Hit]] = []
            unanswered: list[list[Hit]] = []
            for part in bench.parts:
                built = MatchIndex.build(part.kb, config)
                queries += part.queries
                hits += [_search(built, q) for q, _ in part.queries]
                if unanswerable:
                    unanswered += [_search(built, q) for q in part.unanswerable]
            result[bench.name] = Scored(bench.name, queries, hits, unanswered)
        return result

    def eval_hits(self, config: MatchConfig) -> list[tuple[EvalCase, list[Hit] | None]]:
        index = MatchIndex.build(self.kb, config)
        return [
            (c, None if recognise(c.question) else _search(index, c.question)) for c in self.cases
        ]


def _search(index: MatchIndex, question: str) -> list[Hit]:
    return index.search(strip_greeting(question), limit=5)


class _Cached:
    """A matcher that replays hits already found, so the sweep never searches again."""

    def __init__(self, searched: Sequence[tuple[EvalCase, list[Hit] | None]]) -> None:
        self._hits = {strip_greeting(c.question): h or [] for c, h in searched}

    def search(self, text: str, limit: int = 5) -> list[Hit]:
        return self._hits[text][:limit]

    def similarity(self, first: str, second: str) -> float:
        return 0.0

    def __len__(self) -> int:
        return len(self._hits)


@dataclass(frozen=True)
class FoldFigures:
    accuracy: float
    confident_wrong: float
    out_of_scope_answered: float
    chosen: list[Thresholds]


def kfold_thresholds(
    sets: Sets,
    config: MatchConfig,
    folds: int,
    max_wrong: float,
    searched: list[tuple[EvalCase, list[Hit] | None]] | None = None,
) -> FoldFigures:
    """Choose thresholds on k-1 folds of the evaluation set, score the held-out fold."""
    searched = searched or sets.eval_hits(config)
    right = wrong = traps = in_scope = out_of_scope = 0
    chosen = []
    for fold in range(folds):
        train = [s for n, s in enumerate(searched) if n % folds != fold]
        test = [s for n, s in enumerate(searched) if n % folds == fold]
        row = sweeping.best(
            sweeping.sweep(_Cached(train), [c for c, _ in train]), max_wrong=max_wrong
        )
        thresholds = row.thresholds if row else Thresholds()
        chosen.append(thresholds)
        for case, hits in test:
            decision, top = decide(hits or [], thresholds)
            answered = decision is Decision.ANSWER
            in_scope += case.in_scope
            out_of_scope += not case.in_scope
            if answered and top[0].entry_id == case.expect:
                right += 1
            elif answered:
                wrong += 1
                traps += not case.in_scope
    return FoldFigures(
        right / max(in_scope, 1),
        wrong / max(len(searched), 1),
        traps / max(out_of_scope, 1),
        chosen,
    )


# The analyzer before issue 20, as near as today's code gets: its hand-grown stopword list and
# 0.5 / 0.5 weights, with compounds joined by today's rule (the old rule is gone).
PREVIOUS = "previous (hand-grown list, 0.5/0.5)"


def configs() -> dict[str, MatchConfig]:
    """The settings compared: the previous analyzer, stopword variants, BM25's k1 and b (the
    default is 1.2 and 0.75), field weights, the static vectors' weight in the order (the
    default is 0.7, with answers), the share of an entry's centre (the mean of its phrasings'
    vectors) in its similarity (the default is 0.3; 0 is its closest phrasing alone) and the
    smoothing of their word-piece weights (the default is 0.3; 0 is a plain mean)."""
    found = {
        PREVIOUS: MatchConfig(
            stopwords=STOPWORDS, join_compounds=True, all_phrasings_weight=0.5, answer_weight=0.5
        ),
        "no compound joining": MatchConfig(join_compounds=False),
        "no stopwords at all": MatchConfig(stopwords=frozenset()),
        "BM25 order kept (no re-rank)": MatchConfig(rerank_depth=0),
        "re-rank top 10 by confidence, standing squared": MatchConfig(
            rerank_depth=10, standing_power=2
        ),
        "re-rank top 20 by confidence": MatchConfig(rerank_depth=20),
        "no static vectors (confidence alone)": MatchConfig(static_weight=0.0),
        "static vectors, phrasings only": MatchConfig(static_answers=False),
    }
    found["plain mean, static weight 0.6 (before)"] = MatchConfig(
        static_smoothing=0.0, static_weight=0.6
    )
    for weight in (0.5, 0.6, 0.8):
        found[f"static weight {weight}"] = MatchConfig(static_weight=weight)
    for centre in (0.0, 0.15, 0.5):
        found[f"entry centre's share {centre}"] = MatchConfig(static_centroid=centre)
    for smoothing in (0.0, 0.1, 0.2, 0.5, 1.0):
        found[f"piece weights smoothed {smoothing}"] = MatchConfig(static_smoothing=smoothing)
    for k1, b in ((0.9, 0.75), (1.5, 0.75), (2.0, 0.75), (1.2, 0.3), (1.2, 0.5), (1.2, 0.9)):
        found[f"BM25 k1 {k1}, b {b}"] = MatchConfig(bm25_k1=k1, bm25_b=b)
    for every in (0.5, 1.0, 2.0):
        for answer in (0.5, 1.0, 2.0):
            found[f"weights 1/{every}/{answer}"] = MatchConfig(
                all_phrasings_weight=every, answer_weight=answer
            )
    return found


def compare(sets: Sets, candidates: dict[str, MatchConfig]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    answered: dict[str, tuple[int, int]] = {}
    names: list[str] = []
    thresholds = load_settings().thresholds()
    for label, config in candidates.items():
        scored = sets.score(config, unanswerable=True)
        names = list(scored)
        table[label] = {name: s.hit1 for name, s in scored.items()}
        counts = [s.answers(thresholds) for s in scored.values()]
        answered[label] = (sum(r for r, _ in counts), sum(w for _, w in counts))
    width = max(len(label) for label in table)
    print(
        f"{'setting':{width}} "
        + " ".join(f"{n[:22]:>22}" for n in names)
        + f" {'mean':>6} {'right/wrong':>12}"
    )
    for label, row in table.items():
        right, wrong = answered[label]
        print(
            f"{label:{width}} "
            + " ".join(f"{row[n]:22.3f}" for n in names)
            + f" {statistics.mean(row.values()):6.3f} {f'{right}/{wrong}':>12}"
        )
    print(
        "\n(right/wrong: outright answers over every set with the shipped thresholds, an "
        "answered unanswerable question counting as wrong)"
    )
    print()
    # Leave one set out: the setting best on the others' mean hit@1, scored on the one left out.
    print("Leave-one-set-out choice of setting (chosen on the other sets, scored on this one):")
    for name in names:
        pick = max(
            table, key=lambda lab: statistics.mean(v for n, v in table[lab].items() if n != name)
        )
        print(f"  {name:24} chosen: {pick:40} held-out hit@1 {table[pick][name]:.3f}")
    print()
    return table


def stopword_candidates(sets: Sets, base: MatchConfig) -> None:
    """Each word of the old hand-grown list alone added to the base list: the gain per set."""
    reference = {n: s.hit1 for n, s in sets.score(base).items()}
    print("Candidate domain stopwords (hit@1 change per set when the word is added):")
    for word in sorted(STOPWORDS - base.stopwords):
        scored = sets.score(replace(base, stopwords=base.stopwords | {word}))
        gains = {n: s.hit1 - reference[n] for n, s in scored.items()}
        better = sum(g > 0 for g in gains.values())
        worse = sum(g < 0 for g in gains.values())
        if better or worse:
            mark = "KEEP?" if better > 1 and not worse else ""
            print(f"  {word:12} " + " ".join(f"{g:+.4f}" for g in gains.values()) + f" {mark}")
    print()


def policy_grid(sets: Sets, folds: int, max_wrong: float) -> None:
    """The contested-answer rule's settings: in-sample best and held-out-fold figures on the
    evaluation set, and the answer precision on the other sets at the folds' median choice."""
    print(f"{'distinct/rival/topical':24} {'in-sample acc':>13} {'cw':>6} {'held-out acc':>12} "
          f"{'cw':>6} {'oos':>6}  precision elsewhere (answered share)")  # fmt: skip
    for distinct in (0.0, 0.4):
        for rival in (0.5, 0.7):
            for topical in (0.2, 0.3, 1.1):  # 1.1: no term is topical, the rule is off
                config = MatchConfig(
                    distinct_share=distinct, rival_share=rival, topical_share=topical
                )
                searched = sets.eval_hits(config)
                row = sweeping.best(
                    sweeping.sweep(_Cached(searched), [c for c, _ in searched]),
                    max_wrong=max_wrong,
                )
                figures = kfold_thresholds(sets, config, folds, max_wrong, searched)
                median = _median(figures.chosen)
                elsewhere = [
                    s.decided(median) for n, s in sets.score(config).items() if n != "eval"
                ]
                print(
                    f"{distinct:.1f}/{rival:.1f}/{topical:.1f}{'':12} "
                    f"{row.accuracy if row else 0:13.3f} {row.confident_wrong if row else 0:6.3f} "
                    f"{figures.accuracy:12.3f} {figures.confident_wrong:6.3f} "
                    f"{figures.out_of_scope_answered:6.3f}  "
                    + " ".join(f"{p:.3f} ({a:.2f})" for a, p in elsewhere)
                )
    print()


MARGINS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12)


def margin_grid(sets: Sets) -> None:
    """The static margin (``MatchConfig.static_margin``): right and wrong outright answers per
    set at each margin (the shipped thresholds; unanswerable questions answered count as
    wrong), then the margin chosen leave-one-set-out for two prices of a wrong answer."""
    thresholds = load_settings().thresholds()
    counts: dict[float, dict[str, tuple[int, int]]] = {}
    sizes: dict[str, int] = {}
    for margin in MARGINS:
        scored = sets.score(MatchConfig(static_margin=margin), unanswerable=True)
        counts[margin] = {n: s.answers(thresholds) for n, s in scored.items()}
        sizes = {n: len(s.queries) + len(s.unanswerable_hits) for n, s in scored.items()}
    names = list(sizes)
    print(f"{'margin':>6} " + " ".join(f"{n[:20]:>20}" for n in names))
    for margin, row in counts.items():
        cells = [f"{r:5d} right {w:3d} wrong" for r, w in (row[n] for n in names)]
        print(f"{margin:6.2f} " + " ".join(f"{c:>20}" for c in cells))
    print()
    for price in (2, 3):

        def gain(name: str, margin: float, price: int = price) -> float:
            right, wrong = counts[margin][name]
            return (right - price * wrong) / max(sizes[name], 1)

        print(f"Leave one set out, a wrong answer priced at {price} right ones:")
        for name in names:
            pick = max(
                MARGINS,
                key=lambda m: (statistics.mean(gain(n, m) for n in names if n != name), -m),
            )
            change = gain(name, pick) - gain(name, 0.0)
            print(f"  {name:28} chosen {pick:.2f}, held-out gain over 0: {change:+.4f}")
    print()


def with_typos(sets: Sets, seed: int = 7) -> None:
    """Every question of every set with two slips, seeded: in two of its words of three or
    more letters, a letter replaced, a letter dropped, or (as often as both together) two
    neighbouring letters swapped, the commonest slip."""
    chance = random.Random(seed)

    def slipped(question: str) -> str:
        said = question.split()
        candidates = [i for i, w in enumerate(said) if len(w) >= 3 and w.isalpha()]
        for i in chance.sample(candidates, min(2, len(candidates))):
            letters, at = list(said[i]), chance.randrange(len(said[i]) - 1)
            match chance.choice("sdtt"):
                case "s":
                    letters[at] = chance.choice(string.ascii_lowercase)
                case "d":
                    del letters[at]
                case _:
                    letters[at], letters[at + 1] = letters[at + 1], letters[at]
            said[i] = "".join(letters)
        return " ".join(said)

    sets.cases = [replace(c, question=slipped(c.question)) for c in sets.cases]
    sets.others = [
        replace(
            bench,
            parts=tuple(
                replace(part, queries=tuple((slipped(q), e) for q, e in part.queries))
                for part in bench.parts
            ),
        )
        for bench in sets.others
    ]


def _median(chosen: list[Thresholds]) -> Thresholds:
    def mid(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    return Thresholds(
        answer=mid([t.answer for t in chosen]),
        clarify=mid([t.clarify for t in chosen]),
        margin=mid([t.margin for t in chosen]),
        subject_answer=mid([t.subject_answer for t in chosen]),
        subject_margin=mid([t.subject_margin for t in chosen]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--stopwords", action="store_true", help="try each candidate stopword")
    parser.add_argument("--quick", action="store_true", help="compare only the named settings")
    parser.add_argument("--policy", action="store_true", help="only the contested-answer grid")
    parser.add_argument("--margins", action="store_true", help="only the static margin grid")
    parser.add_argument("--max-wrong", type=float, default=0.007)
    parser.add_argument(
        "--typos",
        action="store_true",
        help="every question with two seeded slips (letters replaced, dropped or swapped)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    sets = Sets(args.folds)
    if args.typos:
        with_typos(sets)
        print("Every question with two seeded slips (--typos)\n")
    if args.policy:
        policy_grid(sets, args.folds, args.max_wrong)
        return
    if args.margins:
        margin_grid(sets)
        return
    candidates = configs()
    if args.quick:
        candidates = dict(list(candidates.items())[:4])
    print("## Ranking: hit@1 per set\n")
    compare(sets, candidates | {"default": MatchConfig()})
    if args.stopwords:
        stopword_candidates(sets, MatchConfig())
    print(f"## Thresholds by {args.folds}-fold over the evaluation set (held-out folds only)\n")
    previous = configs()[PREVIOUS]
    for label, config in (("previous analyzer", previous), ("default", MatchConfig())):
        figures = kfold_thresholds(sets, config, args.folds, args.max_wrong)
        print(
            f"{label:30} held-out accuracy {figures.accuracy:.3f}, confident wrong "
            f"{figures.confident_wrong:.3f}, out-of-scope answered {figures.out_of_scope_answered:.3f}"
        )
        for t in figures.chosen:
            print(
                f"    fold choice: answer {t.answer} margin {t.margin} clarify {t.clarify} "
                f"subject_answer {t.subject_answer} subject_margin {t.subject_margin}"
            )
    print("\n## The shipped thresholds checked on the other sets (answer share, precision)\n")
    thresholds = load_settings().thresholds()
    for name, scored in sets.score(MatchConfig()).items():
        share, precision = scored.decided(thresholds)
        print(f"  {name:24} answers {share:.1%} at precision {precision:.3f}")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
