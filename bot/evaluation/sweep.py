"""Try many threshold settings on the evaluation set, searching each question only once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product

from bot.core.knowledge_store import Matcher
from bot.core.smalltalk import recognise, strip_greeting
from bot.evaluation.eval_set import EvalCase
from bot.matching.index import Hit
from bot.matching.policy import Decision, Thresholds, decide

# Steps of 0.025: k-fold cross-validation (benchmarks/crossval.py) held the finer choice's
# accuracy on the held-out folds, where 0.05 steps left it 2 points lower.
ANSWER_GRID = tuple(round(0.45 + 0.025 * step, 3) for step in range(21))  # 0.45 to 0.95
CLARIFY_GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
MARGIN_GRID = tuple(round(0.025 * step, 3) for step in range(15))  # 0 to 0.35


@dataclass(frozen=True, slots=True)
class SweepRow:
    thresholds: Thresholds
    accuracy: float  # in-scope answered with the right entry
    precision: float  # right answers / all answers, out-of-scope answers counted as wrong
    confident_wrong: float  # share of all questions given a wrong answer
    clarify: float  # share of in-scope questions given a did-you-mean
    out_of_scope_answered: float


def sweep(
    index: Matcher,
    cases: Sequence[EvalCase],
    *,
    answer: Iterable[float] = ANSWER_GRID,
    clarify: Iterable[float] = CLARIFY_GRID,
    margin: Iterable[float] = MARGIN_GRID,
) -> list[SweepRow]:
    """Score every combination of the five thresholds. Questions that name the subject are
    decided only by ``subject_answer`` and ``subject_margin``, the rest only by ``answer`` and
    ``margin``, so each group is counted once per (score, lead) pair and the counts are added:
    the full grid costs a few thousand additions, not a search per setting."""
    searched = [(case, _hits(index, case)) for case in cases]
    groups = (
        [(c, h) for c, h in searched if not _names_subject(h)],
        [(c, h) for c, h in searched if _names_subject(h)],
    )
    pairs = list(product(answer, margin))
    clarify_values = list(clarify)
    # counts[group][(answer, margin, clarify)] = _Counts for that group's questions
    counts = [
        {
            (a, m, c): _count(Thresholds(answer=a, clarify=c, margin=m, subject_answer=a,
                                         subject_margin=m), group)
            for (a, m), c in product(pairs, clarify_values)
            if c <= a
        }
        for group in groups
    ]  # fmt: skip
    total = len(searched) or 1
    in_scope = sum(case.in_scope for case in cases) or 1
    out_of_scope = (len(searched) - sum(case.in_scope for case in cases)) or 1
    rows = []
    for c in clarify_values:
        for (a, m), (sa, sm) in product(pairs, pairs):
            if c > a or c > sa:
                continue
            other, subject = counts[0][(a, m, c)], counts[1][(sa, sm, c)]
            right, wrong = other.right + subject.right, other.wrong + subject.wrong
            answered = right + wrong
            rows.append(
                SweepRow(
                    thresholds=Thresholds(
                        answer=a, clarify=c, margin=m, subject_answer=sa, subject_margin=sm
                    ),
                    accuracy=right / in_scope,
                    precision=right / (answered or 1),
                    confident_wrong=wrong / total,
                    clarify=(other.clarified + subject.clarified) / in_scope,
                    out_of_scope_answered=(other.traps + subject.traps) / out_of_scope,
                )
            )
    return rows


def best(
    rows: Sequence[SweepRow], *, max_wrong: float = 0.01, max_out_of_scope: float = 0.0
) -> SweepRow | None:
    """The most accurate setting whose confident-wrong rate stays within ``max_wrong`` and
    that answers no more than ``max_out_of_scope`` of the out-of-scope questions (by default
    none: answering a trap such as "volunteering days for employees" is the worst failure);
    ties go to fewer wrong answers, then to the lower clarify threshold (a "did you mean" with
    the right option beats "I don't know"), then to the stricter answer thresholds and the
    wider margins (safer on questions the set does not contain)."""
    allowed = [
        r
        for r in rows
        if r.confident_wrong <= max_wrong and r.out_of_scope_answered <= max_out_of_scope
    ]
    if not allowed:
        return None
    return max(
        allowed,
        key=lambda r: (
            round(r.accuracy, 4),
            -r.confident_wrong,
            -r.thresholds.clarify,
            r.thresholds.answer,
            r.thresholds.margin,
            r.thresholds.subject_answer,
            r.thresholds.subject_margin,
        ),
    )


def _hits(index: Matcher, case: EvalCase) -> list[Hit] | None:
    if recognise(case.question) is not None:
        return None  # small talk never reaches the matcher
    return index.search(strip_greeting(case.question), limit=5)


def _names_subject(hits: list[Hit] | None) -> bool:
    return bool(hits and hits[0].names_subject)


@dataclass(frozen=True, slots=True)
class _Counts:
    right: int
    wrong: int
    traps: int  # out-of-scope questions answered (also counted in wrong)
    clarified: int  # in-scope questions given a did-you-mean


def _count(
    thresholds: Thresholds, searched: Sequence[tuple[EvalCase, list[Hit] | None]]
) -> _Counts:
    right = wrong = traps = clarified = 0
    for case, hits in searched:
        decision, chosen = decide(hits or [], thresholds)
        if decision is Decision.ANSWER:
            if chosen[0].entry_id == case.expect:
                right += 1
            else:
                wrong += 1
                traps += not case.in_scope
        elif decision is Decision.CLARIFY and case.in_scope:
            clarified += 1
    return _Counts(right, wrong, traps, clarified)
