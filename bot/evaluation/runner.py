"""Run the evaluation set through the real assistant and count what happened."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.assistant import Assistant
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify, Reply
from bot.evaluation.eval_set import EvalCase

MIN_ACCURACY = 0.85
MAX_CONFIDENT_WRONG = 0.007

_CONTEXT = Context(ChannelKind.CLI, "evaluation")


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: EvalCase
    outcome: str
    entry_id: str | None
    options: tuple[str, ...]
    confidence: float

    @property
    def right(self) -> bool:
        """In scope: answered with the expected entry. Out of scope: not answered."""
        if self.case.in_scope:
            return self.entry_id == self.case.expect
        return self.outcome != "answer"

    @property
    def confidently_wrong(self) -> bool:
        return self.outcome == "answer" and self.entry_id != self.case.expect


@dataclass(frozen=True, slots=True)
class EvalReport:
    results: tuple[CaseResult, ...]

    @property
    def in_scope(self) -> list[CaseResult]:
        return [r for r in self.results if r.case.in_scope]

    @property
    def out_of_scope(self) -> list[CaseResult]:
        return [r for r in self.results if not r.case.in_scope]

    @property
    def accuracy(self) -> float:
        return _share(self.in_scope, lambda r: r.right)

    @property
    def clarify_rate(self) -> float:
        return _share(self.in_scope, lambda r: r.outcome == "clarify")

    @property
    def clarify_has_right_option(self) -> float:
        clarifies = [r for r in self.in_scope if r.outcome == "clarify"]
        return _share(clarifies, lambda r: r.case.expect in r.options)

    @property
    def helped(self) -> float:
        """Answered rightly, or offered the right entry as a "did you mean" option."""
        return _share(
            self.in_scope,
            lambda r: r.right or (r.outcome == "clarify" and r.case.expect in r.options),
        )

    @property
    def no_match_rate(self) -> float:
        return _share(self.in_scope, lambda r: r.outcome == "no_match")

    @property
    def wrong_answer_rate(self) -> float:
        return _share(self.in_scope, lambda r: r.confidently_wrong)

    @property
    def out_of_scope_answered(self) -> float:
        return _share(self.out_of_scope, lambda r: r.outcome == "answer")

    @property
    def confident_wrong_rate(self) -> float:
        """Share of ALL questions (in and out of scope) given a confident wrong answer."""
        return _share(list(self.results), lambda r: r.confidently_wrong)

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.right]

    @property
    def passes_gates(self) -> bool:
        return self.accuracy >= MIN_ACCURACY and self.confident_wrong_rate <= MAX_CONFIDENT_WRONG


def _share(results: Sequence[CaseResult], test: Callable[[CaseResult], bool]) -> float:
    if not results:
        return 0.0
    return sum(1 for r in results if test(r)) / len(results)


def result_of(case: EvalCase, reply: Reply) -> CaseResult:
    return CaseResult(
        case=case,
        outcome=str(reply.outcome),
        entry_id=reply.entry.id if isinstance(reply, Answer) else None,
        options=tuple(o.entry.id for o in reply.options) if isinstance(reply, Clarify) else (),
        confidence=float(reply.confidence),
    )


def evaluate(assistant: Assistant, cases: Sequence[EvalCase]) -> EvalReport:
    """``assistant`` should have no log, so evaluation never reaches the review group."""
    return EvalReport(
        tuple(result_of(case, assistant.ask(Question(case.question, _CONTEXT))) for case in cases)
    )
