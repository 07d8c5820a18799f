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
    clarify when it reaches ``clarify``; otherwise say "I don't know yet"."""

    answer: float = 0.7
    clarify: float = 0.25
    margin: float = 0.15
    max_options: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.clarify <= self.answer <= 1:
            raise ValueError(
                "thresholds must satisfy 0 < clarify <= answer <= 1; "
                f"got clarify={self.clarify}, answer={self.answer}"
            )
        if not 0 <= self.margin < 1:
            raise ValueError(f"margin must be from 0 to 1; got {self.margin}")
        if not 2 <= self.max_options <= 5:
            raise ValueError(f"max_options must be from 2 to 5; got {self.max_options}")


def decide(hits: list[Hit], thresholds: Thresholds) -> tuple[Decision, list[Hit]]:
    """Return the decision and the hits it rests on: one to answer, the options to clarify."""
    if not hits or hits[0].score < thresholds.clarify:
        return Decision.NO_MATCH, []
    top = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if top.score >= thresholds.answer and top.score - runner_up >= thresholds.margin:
        return Decision.ANSWER, [top]
    floor = max(thresholds.clarify, top.score - 0.25)
    options = [h for h in hits if h.score >= floor][: thresholds.max_options]
    if len(options) == 1 and len(hits) > 1:
        options.append(hits[1])
    return Decision.CLARIFY, options
