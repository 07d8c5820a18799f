"""The semantic extra on every benchmark set of benchmarks/sets.py: the fused matcher against
the extra's MiniLM-only ranking, hit@1 and answer precision, and the fusion alternatives
tried for issue 20, each constant chosen leave-one-set-out.

The sets are those of ``benchmarks/faq.py``: StackFAQ (title only, with alternates), the
Python and Debian FAQs, COVID-Q real queries (when ``$COVIDQ_PATH`` or shared/data/covidq
holds it), the staff questions held out, leave-alternates-out, and the Compact evaluation
set. Every query is encoded once (MiniLM, and the lexical matcher's static vectors) and
every ranker scores it from the same numbers:

- ``c``: each entry's closest phrasing's MiniLM cosine (the extra's MiniLM-only ranking);
- ``a``: the MiniLM cosine of the entry's answer;
- ``l``: the lexical confidence of ``MatchIndex.lexical_search`` (0 where it does not list
  the entry), as the fused matcher sees it;
- ``s``: the static vectors' similarity (bot/matching/static.py), as the default matcher's
  re-rank sees it: the closer of the entry's closest phrasing and its answer.

The shipped fused matcher is measured through its own search (``fused_search``: judged by the
lexical rules, agreement marked) and the shipped thresholds (``decide``); answer precision is
right outright answers over outright answers, the set's unanswerable questions included.

    HF_HUB_OFFLINE=1 PYTHONPATH=. /work/semvenv/bin/python benchmarks/semantic_sets.py
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sets
import stackfaq

from bot.core.smalltalk import recognise, strip_greeting
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.matching.cache import _pickled
from bot.matching.embeddings import EmbeddingCache, EmbeddingModel, load_model
from bot.matching.fusion import EMBEDDING_WEIGHT, ORDER_WEIGHT, entry_cosines
from bot.matching.index import Hit, MatchConfig, MatchIndex, StaticVectors, static_vectors
from bot.matching.policy import Decision, Thresholds, decide
from bot.matching.semantic import AGREEMENT, LEXICAL_DEPTH, Agreement, agree, fused_search
from bot.matching.static import static_encoder
from bot.settings import bundled_knowledge, load_settings

F = npt.NDArray[np.float64]


@dataclass
class Space:
    """One knowledge base as the rankers see it."""

    kb: KnowledgeBase
    index: MatchIndex  # lexical side, confidence order only (as the semantic matcher builds)
    ids: list[str]
    texts: list[str]
    starts: npt.NDArray[np.intp]
    vectors: npt.NDArray[np.float32]  # MiniLM, every phrasing
    answers: npt.NDArray[np.float32]  # MiniLM, every answer
    static: StaticVectors  # the index's own, with its word-piece weights


@dataclass
class Query:
    text: str  # as asked
    asked: str  # greeting stripped
    expect: frozenset[str] | None  # None: no entry answers it
    space: Space
    vector: npt.NDArray[np.float32]
    lexical: list[Hit] | None  # None: small talk, never reaches the matcher
    c: F = field(default_factory=lambda: np.zeros(0))
    a: F = field(default_factory=lambda: np.zeros(0))
    l: F = field(default_factory=lambda: np.zeros(0))  # noqa: E741
    s: F = field(default_factory=lambda: np.zeros(0))
    exact: frozenset[int] = frozenset()


def encode_space(kb: KnowledgeBase, model: EmbeddingModel, cache: EmbeddingCache) -> Space:
    texts = [p for e in kb.entries for p in e.phrasings]
    answers = [e.answer.strip() or e.question for e in kb.entries]
    static = static_vectors(kb, MatchConfig().static_smoothing)
    return Space(
        kb,
        MatchIndex.build(kb, MatchConfig(static_weight=0.0)),
        [e.id for e in kb.entries],
        texts,
        np.cumsum([0, *(len(e.phrasings) for e in kb.entries)])[:-1],
        cache.vectors(model, texts),
        cache.vectors(model, answers),
        static,
    )


def features(query: Query) -> None:
    space = query.space
    c, _ = entry_cosines(space.vectors @ query.vector, space.starts)
    query.c = c.astype(np.float64)
    query.a = (space.answers @ query.vector).astype(np.float64)
    # Read with its slips mended, as ``MatchIndex`` reads it.
    mended = space.index.mended(query.asked)
    question = static_encoder().encode([mended], space.static.weights)[0]
    everything = np.arange(len(space.ids))
    config = MatchConfig()
    query.s = space.static.similarity(
        question, everything, config.static_centroid, config.static_answers
    ).astype(np.float64)
    position = {entry_id: n for n, entry_id in enumerate(space.ids)}
    query.l = np.zeros(len(space.ids))
    for hit in query.lexical or []:
        query.l[position[hit.entry_id]] = hit.score
    query.exact = frozenset(position[h.entry_id] for h in query.lexical or [] if h.exact)


def build(bench: sets.BenchSet, model: EmbeddingModel, cache: EmbeddingCache) -> list[Query]:
    found: list[Query] = []
    for part in bench.parts:
        space = encode_space(part.kb, model, cache)
        asked: list[tuple[str, frozenset[str] | None]] = [
            *part.queries,
            *((q, None) for q in part.unanswerable),
        ]
        # Encoded with their slips mended, as ``SemanticIndex.search`` encodes a question.
        mended = [space.index.mended(strip_greeting(q) or q) for q, _ in asked]
        vectors = cache.vectors(model, mended)
        for (text, expect), vector in zip(asked, vectors, strict=True):
            lexical = (
                None
                if recognise(text) is not None
                else space.index.lexical_search(strip_greeting(text), LEXICAL_DEPTH)
            )
            query = Query(text, strip_greeting(text), expect, space, vector, lexical)
            features(query)
            found.append(query)
    return found


def load_benches(kb: KnowledgeBase) -> list[sets.BenchSet]:
    benches: list[sets.BenchSet] = []
    try:
        benches += stackfaq.load()
    except FileNotFoundError:
        print(f"StackFAQ skipped: {stackfaq.DEFAULT_PATH} not found")
    benches += [sets.python_faq(), sets.debian_faq()]
    covidq = sets.covidq_folder()
    if covidq is None:
        print(sets.COVIDQ_MISSING)
    else:
        benches.append(sets.covid_q(covidq))
    benches += [sets.staff_held_out(kb), sets.leave_alternates_out(kb), sets.compact_eval(kb)]
    return benches


SHORT = {
    "StackFAQ title only": "stack-title",
    "StackFAQ with alternates": "stack-alt",
    "Python FAQ (held out)": "python",
    "Debian FAQ (held out)": "debian",
    "COVID-Q real queries": "covidq",
    "staff questions (held out)": "staff",
    "leave-alternates-out": "lao",
    "Compact eval": "eval",
}


# --- rankers: a query's top five hits --------------------------------------------------------

Ranker = Callable[[Query], list[Hit]]
Score = Callable[[Query], F]


def minilm_only(query: Query) -> list[Hit]:
    if query.lexical is None:
        return []
    order = np.argsort(-query.c, kind="stable")[:5]
    return [Hit(query.space.ids[n], round(float(query.c[n]), 6), "") for n in order]


def shipped(query: Query, order: float | None = ORDER_WEIGHT) -> list[Hit]:
    """The fused matcher's own search, as SemanticIndex.search runs it (``order`` None: as it
    was before the order's check, fused order alone)."""
    if query.lexical is None:
        return []
    space = query.space
    return fused_search(
        space.index,
        query.asked,
        space.ids,
        space.texts,
        space.starts,
        space.vectors @ query.vector,
        EMBEDDING_WEIGHT,
        5,
        AGREEMENT,
        query.lexical,
        answer_cosines=space.answers @ query.vector,
        order=order,
    )


def fused_before(query: Query) -> list[Hit]:
    """The fused matcher before the order's check (fused order alone)."""
    return shipped(query, None)


def scored(score: Score, agreement: Agreement | None = AGREEMENT) -> Ranker:
    """The top five entries by ``score`` (clipped to 0..1), the knowledge base's own wording
    leading as in ``fused_hits``, judged by the lexical rules and agreement marked."""

    def rank(query: Query) -> list[Hit]:
        if query.lexical is None:
            return []
        values = np.clip(score(query), 0.0, 1.0)
        order = sorted(
            {*np.argsort(-values, kind="stable")[:5].tolist(), *query.exact},
            key=lambda n: (-values[n], n),
        )
        top = float(values[order[0]])
        order = [n for n in order if n in query.exact] + [n for n in order if n not in query.exact]
        names_subject = bool(query.lexical and query.lexical[0].names_subject)
        hits = [
            Hit(
                query.space.ids[n],
                round(top if n in query.exact else float(values[n]), 6),
                "",
                names_subject,
                n in query.exact,
            )
            for n in order[:5]
        ]
        return agree(query.space.index.judge(query.asked, hits), query.lexical, agreement)

    return rank


# --- measures --------------------------------------------------------------------------------


def hit1(queries: Sequence[Query], ranked: Sequence[list[Hit]]) -> float:
    right = [
        bool(h) and h[0].entry_id in q.expect
        for q, h in zip(queries, ranked, strict=True)
        if q.expect is not None
    ]
    return float(np.mean(right))


def top1_right(queries: Sequence[Query], score: Score) -> npt.NDArray[np.bool_]:
    """Whether ``score``'s best entry (exact wordings first) is right, per in-scope query."""
    out = []
    for q in queries:
        if q.expect is None:
            continue
        if q.lexical is None:
            out.append(False)
            continue
        values = score(q)
        best = min(q.exact, key=lambda n: (-values[n], n)) if q.exact else int(np.argmax(values))
        out.append(q.space.ids[best] in q.expect)
    return np.asarray(out)


def decided(
    queries: Sequence[Query], ranked: Sequence[list[Hit]], thresholds: Thresholds
) -> tuple[int, int, int]:
    """(answered, right answers, questions) through ``decide``."""
    answered = right = 0
    for query, hits in zip(queries, ranked, strict=True):
        decision, chosen = decide(hits, thresholds)
        if decision is Decision.ANSWER:
            answered += 1
            right += query.expect is not None and chosen[0].entry_id in query.expect
    return answered, right, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="", help="COMPACT_SEMANTIC_MODEL (default: packaged)")
    parser.add_argument("--reuse", action="store_true", help="the sets saved by the last run")
    args = parser.parse_args()
    started = time.perf_counter()
    every = load_or_build(args.model, args.reuse)
    print(f"sets ready in {time.perf_counter() - started:.0f} s")
    report(every)
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")


def load_or_build(model_name: str = "", reuse: bool = False) -> dict[str, list[Query]]:
    """Every set's queries, built (about ten minutes on 2 cores) or re-read from the last
    run's file in the temporary folder."""
    model = load_model(model_name)
    saved = Path(tempfile.gettempdir()) / f"compact-semantic-sets-{model.key}.pickle"
    if reuse and saved.exists():
        loaded: dict[str, list[Query]] = pickle.loads(saved.read_bytes())
        return loaded
    cache = EmbeddingCache(Path(tempfile.gettempdir()) / "compact-semantic-sets")
    kb = load_knowledge(bundled_knowledge())
    every: dict[str, list[Query]] = {}
    began = time.perf_counter()
    for bench in load_benches(kb):
        every[SHORT.get(bench.name, bench.name)] = build(bench, model, cache)
        print(
            f"{bench.name}: {bench.size} queries, {bench.unanswerable} unanswerable "
            f"({time.perf_counter() - began:.0f} s)",
            flush=True,
        )
    saved.write_bytes(_pickled(every))  # the knowledge bases hold read-only mappings
    return every


def report(every: dict[str, list[Query]]) -> None:
    names = list(every)
    print("\nhit@1 (in-scope queries)")
    print(f"{'ranker':34}" + "".join(f"{n:>12}" for n in names))
    thresholds = load_settings(matcher="semantic").thresholds()
    rankers: dict[str, Ranker] = {
        "MiniLM only": minilm_only,
        "fused, fused order alone (before)": fused_before,
        "fused (shipped)": shipped,
    }
    ranked = {r: {n: [rank(q) for q in every[n]] for n in names} for r, rank in rankers.items()}
    for r in rankers:
        print(f"{r:34}" + "".join(f"{hit1(every[n], ranked[r][n]):12.3f}" for n in names))
    print("\nshipped semantic thresholds through decide(): answered / right / questions, precision")
    for r in rankers:
        if r == "MiniLM only":
            continue
        print(f"  {r}")
        for n in names:
            answered, right, total = decided(every[n], ranked[r][n], thresholds)
            print(f"    {n:12} {answered:5} {right:5} {total:5}  {right / max(answered, 1):.3f}")
    for r in rankers:
        if r == "MiniLM only":
            continue
        queries, hits = every["eval"], ranked[r]["eval"]
        answered, right, total = decided(queries, hits, thresholds)
        in_scope = sum(q.expect is not None for q in queries)
        print(
            f"eval as compact-bot eval counts it, {r}: accuracy {right / in_scope:.3f}, "
            f"confident wrong {(answered - right) / total:.4f} ({answered - right} of {total})"
        )
    cross_validate({n: Matrices.of(every[n]) for n in names})
    print(
        f"\nanswer thresholds (answer, margin) chosen leave-one-set-out (precision >= "
        f"{TRAIN_PRECISION} on each other set), clarify {thresholds.clarify}: rate/precision"
    )
    print(f"{'':34}" + "".join(f"{n:>12}" for n in names))
    for label, rank in CANDIDATES.items():
        thresholds_report(
            label,
            {
                n: Decided.of(every[n], [rank(q) for q in every[n]], thresholds.clarify)
                for n in names
            },
        )


if __name__ == "__main__":
    # Run as the module: the saved sets then name this module's classes, not ``__main__``'s.
    import semantic_sets

    semantic_sets.main()


# --- the alternatives, as matrices: one row per query, one column per entry -----------------


@dataclass(frozen=True)
class Matrices:
    """A set's numbers for every query and entry (rows of small talk are all zero)."""

    c: F
    a: F
    l: F  # noqa: E741
    s: F
    exact: npt.NDArray[np.bool_]
    right: npt.NDArray[np.bool_]  # the entry answers the query
    in_scope: npt.NDArray[np.bool_]
    talk: npt.NDArray[np.bool_]  # small talk: never reaches a matcher

    @classmethod
    def of(cls, queries: Sequence[Query]) -> Matrices:
        width = max(len(q.space.ids) for q in queries)

        def rows(get: Callable[[Query], F]) -> F:
            out = np.zeros((len(queries), width))
            for n, q in enumerate(queries):
                if q.lexical is not None:
                    values = get(q)
                    out[n, : len(values)] = values
            return out

        exact = np.zeros((len(queries), width), dtype=bool)
        right = np.zeros((len(queries), width), dtype=bool)
        for n, q in enumerate(queries):
            exact[n, list(q.exact)] = True
            for m, entry_id in enumerate(q.space.ids):
                right[n, m] = q.expect is not None and entry_id in q.expect
        return cls(
            rows(lambda q: q.c),
            rows(lambda q: q.a),
            rows(lambda q: q.l),
            rows(lambda q: q.s),
            exact,
            right,
            np.array([q.expect is not None for q in queries]),
            np.array([q.lexical is None for q in queries]),
        )

    def hit1(self, score: F) -> float:
        """hit@1 over the in-scope queries of a score matrix (exact wordings first)."""
        top = np.argmax(np.where(self.exact, 10.0, 0.0) + score, axis=1)
        right = self.right[np.arange(len(top)), top] & ~self.talk
        return float(right[self.in_scope].mean())


Family = Callable[[Matrices, float, float], F]


def _near(m: Matrices, within: float) -> npt.NDArray[np.bool_]:
    return m.c >= m.c.max(axis=1, keepdims=True) - within


def _lexical_top(m: Matrices) -> F:
    return m.l.max(axis=1, keepdims=True)


# Each family: two constants (x, y) and a score matrix; the grids below.
FAMILIES: dict[str, tuple[Family, Sequence[float], Sequence[float]]] = {
    # the shipped blend, at any weight x (y unused)
    "x c + (1-x) l": (
        lambda m, x, y: x * m.c + (1 - x) * m.l,
        (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0),
        (0.0,),
    ),
    # the static vectors as a third signal
    "c + x l + y s": (
        lambda m, x, y: m.c + x * m.l + y * m.s,
        (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
        (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0),
    ),
    # answers embedded: max(c, a), and the lexical side at x
    "max(c, a) + x l": (
        lambda m, x, y: np.maximum(m.c, m.a) + x * m.l,
        (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
        (0.0,),
    ),
    # the answer's cosine as a signal of its own
    "c + x l + y a": (
        lambda m, x, y: m.c + x * m.l + y * m.a,
        (0.0, 0.05, 0.1, 0.15, 0.2, 0.25),
        (0.0, 0.1, 0.2, 0.3, 0.5),
    ),
    # the lexical side counted only when it is sure (its top confidence >= y)
    "c + x l if lexical top >= y": (
        lambda m, x, y: m.c + x * m.l * (_lexical_top(m) >= y),
        (0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
        (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    ),
    # the lexical side weighed by its own top confidence
    "c + x l * lexical top": (
        lambda m, x, y: m.c + x * m.l * _lexical_top(m),
        (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5),
        (0.0,),
    ),
    # the lexical side counted only near the embedding's best (within y)
    "c + x l near the top": (
        lambda m, x, y: m.c + x * m.l * _near(m, y),
        (0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
        (0.02, 0.05, 0.1, 0.15, 0.2, 1.0),
    ),
    # answers embedded, and the lexical side counted only when it is sure
    "max(c, a) + x l if lexical top >= y": (
        lambda m, x, y: np.maximum(m.c, m.a) + x * m.l * (_lexical_top(m) >= y),
        (0.05, 0.1, 0.15, 0.2, 0.25, 0.3),
        (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    ),
    # the order's blend (bot.matching.fusion.order_scores; shipped at x = 0.4)
    "max(c, a) + x l * lexical top": (
        lambda m, x, y: np.maximum(m.c, m.a) + x * m.l * _lexical_top(m),
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
        (0.0,),
    ),
    "max(c, a) + x l * lexical top^y": (
        lambda m, x, y: np.maximum(m.c, m.a) + x * m.l * _lexical_top(m) ** y,
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
        (0.5, 1.0, 2.0, 3.0),
    ),
    "c + x l * lexical top^y": (
        lambda m, x, y: m.c + x * m.l * _lexical_top(m) ** y,
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
        (0.5, 1.0, 2.0, 3.0),
    ),
    "max(c, a) + x l + y s": (
        lambda m, x, y: np.maximum(m.c, m.a) + x * m.l + y * m.s,
        (0.0, 0.05, 0.1, 0.15, 0.2, 0.25),
        (0.0, 0.1, 0.2, 0.3, 0.5),
    ),
    # static vectors and lexical side, both near the embedding's best (within 0.1)
    "c + x l + y s near the top": (
        lambda m, x, y: m.c + (x * m.l + y * m.s) * _near(m, 0.1),
        (0.0, 0.05, 0.1, 0.15, 0.2),
        (0.0, 0.1, 0.2, 0.3, 0.5),
    ),
}


# Rankers whose answer thresholds are refitted leave-one-set-out: the fused matcher before and
# after the order's check, and the order's blend itself as the fused score (its scale, refit).
CANDIDATES: dict[str, Ranker] = {
    "fused (before)": fused_before,
    "fused (shipped)": shipped,
    "order blend as the score": scored(
        lambda q: (np.maximum(q.c, q.a) + ORDER_WEIGHT * q.l * q.l.max()) / (1 + ORDER_WEIGHT)
    ),
}


def cross_validate(matrices: dict[str, Matrices]) -> None:
    """For each family: hit@1 on every set with its constants chosen on the other sets
    (leave one set out: the best mean hit@1 over the others), and the constants chosen on
    all sets."""
    names = list(matrices)
    minilm = {n: matrices[n].hit1(matrices[n].c) for n in names}
    print("\nleave-one-set-out: each set ranked with the constants that rank best (mean hit@1)")
    print("on the other sets; 'all' = constants chosen on every set (in-sample)")
    print(f"{'family':30}" + "".join(f"{n:>12}" for n in names) + f"{'mean':>8}{'ahead':>7}")
    print(
        f"{'MiniLM only':30}"
        + "".join(f"{minilm[n]:12.3f}" for n in names)
        + f"{np.mean(list(minilm.values())):8.3f}"
    )
    for family, (score, xs, ys) in FAMILIES.items():
        grid = [(x, y) for x in xs for y in ys]
        table = np.array(
            [[matrices[n].hit1(score(matrices[n], x, y)) for n in names] for x, y in grid]
        )
        held, chosen = [], []
        for k in range(len(names)):
            others = [j for j in range(len(names)) if j != k]
            best = int(np.argmax(table[:, others].mean(axis=1)))
            held.append(table[best, k])
            chosen.append(grid[best])
        cells = "".join(f"{v:12.3f}" for v in held)
        ahead = sum(v > minilm[n] + 1e-9 for v, n in zip(held, names, strict=True))
        print(f"{family:30}{cells}{np.mean(held):8.3f}{ahead:5}/{len(names)}")
        print(f"{'  chosen (x, y)':30}" + "".join(f"{f'{x:g},{y:g}':>12}" for x, y in chosen))
        best_all = int(np.argmax(table.mean(axis=1)))
        x, y = grid[best_all]
        print(
            f"{f'  all: {x:g}, {y:g}':30}"
            + "".join(f"{v:12.3f}" for v in table[best_all])
            + f"{table[best_all].mean():8.3f}"
        )


# --- answer thresholds, chosen leave-one-set-out ---------------------------------------------

ANSWERS = np.round(np.arange(0.45, 1.001, 0.01), 3)
MARGINS = (0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25)
TRAIN_PRECISION = 0.98  # as benchmarks/semantic_trial.py


@dataclass(frozen=True)
class Decided:
    """Per query, what ``decide`` reads from a ranker's hits."""

    top: F
    lead: F
    blocked: npt.NDArray[np.bool_]  # contested: never answered on the scores
    forced: npt.NDArray[np.bool_]  # exact wording or agreement: answered whatever the scores
    right: npt.NDArray[np.bool_]
    clarify: float

    @classmethod
    def of(cls, queries: Sequence[Query], ranked: Sequence[list[Hit]], clarify: float) -> Decided:
        def lead(h: list[Hit]) -> float:
            return h[0].score - max((x.score for x in h[1:]), default=0.0) if h else 0.0

        return cls(
            np.array([h[0].score if h else 0.0 for h in ranked]),
            np.array([lead(h) for h in ranked]),
            np.array([bool(h) and h[0].contested for h in ranked]),
            np.array(
                [
                    bool(h) and (h[0].agreed or (h[0].exact and not any(x.exact for x in h[1:])))
                    for h in ranked
                ]
            ),
            np.array(
                [
                    bool(h) and q.expect is not None and h[0].entry_id in q.expect
                    for q, h in zip(queries, ranked, strict=True)
                ]
            ),
            clarify,
        )

    def grid(self) -> tuple[F, F, npt.NDArray[np.int64]]:
        """Answer rate, precision and answers for every (answer, margin)."""
        a = ANSWERS[:, None, None]
        m = np.asarray(MARGINS)[None, :, None]
        top, lead = self.top[None, None, :], self.lead[None, None, :]
        answered = (top >= self.clarify) & (
            ((top >= a) & (lead >= m - 1e-9) & ~self.blocked) | self.forced
        )
        count = answered.sum(axis=2)
        right = (answered & self.right).sum(axis=2)
        return count / len(self.top), np.where(count > 0, right / np.maximum(count, 1), 1.0), count


def fit(grids: Sequence[tuple[F, F, npt.NDArray[np.int64]]]) -> tuple[int, int] | None:
    """The (answer, margin) cell answering most on average over ``grids`` while each keeps
    precision at or above TRAIN_PRECISION; ties go to the stricter thresholds."""
    rate = np.mean([r for r, _, _ in grids], axis=0)
    allowed = np.all([p >= TRAIN_PRECISION for _, p, _ in grids], axis=0)
    if not allowed.any():
        return None
    scored = np.where(allowed, rate, -1.0)
    best = scored.max()
    cells = np.argwhere(scored >= best - 1e-12)
    i, j = max(cells.tolist(), key=lambda c: (c[0], c[1]))
    return int(i), int(j)


def thresholds_report(label: str, decided: dict[str, Decided]) -> None:
    """Each set with the thresholds fitted on the others, then all sets with those fitted on
    every set: answer rate / precision (answers)."""
    names = list(decided)
    grids = {n: d.grid() for n, d in decided.items()}
    cells, picks = [], []
    for held in names:
        chosen = fit([grids[n] for n in names if n != held])
        if chosen is None:
            cells.append("none")
            continue
        rate, precision, _count = grids[held]
        cells.append(f"{rate[chosen]:.3f}/{precision[chosen]:.3f}")
        picks.append(f"{ANSWERS[chosen[0]]:.2f}/{MARGINS[chosen[1]]}")
    print(f"{label + ', left out':34}" + "".join(f"{c:>12}" for c in cells))
    print(f"{'  chosen':34}" + "".join(f"{c:>12}" for c in picks))
    chosen = fit(list(grids.values()))
    if chosen is None:
        print(f"{label + ', all':34} no thresholds reach the target")
        return
    i, j = chosen
    print(
        f"{f'{label}, all: {ANSWERS[i]:.2f}/{MARGINS[j]}':34}"
        + "".join(f"{f'{grids[n][0][i, j]:.3f}/{grids[n][1][i, j]:.3f}':>12}" for n in names)
    )
