"""Turn ranked hits into a decision: answer, clarify, or no match."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.matching.index import Hit


class Decision(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class Thresholds:
    """Answer when the best score reaches ``answer`` and leads the runner-up by ``margin``;
    clarify when it reaches ``clarify``; otherwise say "I don't know yet".

    A question that names the knowledge base's subject (the Compact, or a glossary term such
    as VCS) cannot be one of the look-alike questions the assistant must not answer ("notice
    period if I resign"), so it is answered from ``subject_answer``; the risk left is picking
    the wrong one of two neighbouring entries, so it needs the wider lead ``subject_margin``.
    The answer thresholds and margins are chosen with ``compact-bot eval --sweep`` and held
    up under 5-fold cross-validation (``benchmarks/crossval.py``). The folds mostly chose a
    margin of 0; ``margin`` is one step above it, so that a tie is never answered. ``clarify``
    only moves questions between "did you mean" and "I don't know yet": the sweep would take
    0.25, but 0.35 keeps questions about things the knowledge base lacks ("can volunteers
    claim travel expenses") out of unrelated "did you mean" lists and in the review group's
    gap themes.

    A top hit marked ``contested`` (a close rival is about a word of the question that it
    never uses, or the question asks what a glossary term means and the top hit is not its
    entry) is never answered outright: it gets "did you mean" with its rivals.

    A question that says exactly what one entry's stored wording says, and no other entry's,
    is answered with that entry whatever the scores: the knowledge base's own questions (as
    listed by ``/compact topics``) must never get "did you mean". A top hit marked
    ``agreed`` (two rankings put it first and are sure of it) is answered too."""

    answer: float = 0.625
    clarify: float = 0.35
    margin: float = 0.025
    subject_answer: float = 0.6
    subject_margin: float = 0.175
    max_options: int = 3

    def __post_init__(self) -> None:
        for name, answer in (("answer", self.answer), ("subject_answer", self.subject_answer)):
            if not 0 < self.clarify <= answer <= 1:
                raise ValueError(
                    f"thresholds must satisfy 0 < clarify <= {name} <= 1; "
                    f"got clarify={self.clarify}, {name}={answer}"
                )
        for name, margin in (("margin", self.margin), ("subject_margin", self.subject_margin)):
            if not 0 <= margin < 1:
                raise ValueError(f"{name} must be from 0 to 1; got {margin}")
        if not 2 <= self.max_options <= 5:
            raise ValueError(f"max_options must be from 2 to 5; got {self.max_options}")


def decide(hits: list[Hit], thresholds: Thresholds) -> tuple[Decision, list[Hit]]:
    """Return the decision and the hits it rests on: one to answer, the options to clarify.

    Hits come best first, but their scores need not fall down the list: the matcher orders
    them by more than the score (``MatchIndex.search``). So the lead is over the best score
    among the others, and the options are taken in the hits' order, the first always among
    them."""
    best = max((h.score for h in hits), default=0.0)
    if best < thresholds.clarify:
        return Decision.NO_MATCH, []
    top = hits[0]
    runner_up = max((h.score for h in hits[1:]), default=0.0)
    answer, margin = (
        (thresholds.subject_answer, thresholds.subject_margin)
        if top.names_subject
        else (thresholds.answer, thresholds.margin)
    )
    if top.score >= answer and top.score - runner_up >= margin and not top.contested:
        return Decision.ANSWER, [top]
    if (top.exact and not any(h.exact for h in hits[1:])) or top.agreed:
        return Decision.ANSWER, [top]
    floor = max(thresholds.clarify, best - 0.25)
    options = [top, *(h for h in hits[1:] if h.score >= floor)][: thresholds.max_options]
    if len(options) == 1 and len(hits) > 1:
        options.append(hits[1])
    return Decision.CLARIFY, options
