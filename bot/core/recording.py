"""What the core needs from a log, as a protocol: storage implements it, tests can fake it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.core.question import Context
from bot.core.replies import Reply


class FeedbackKind(StrEnum):
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    CHOSE = "chose"  # picked an option after a clarify
    NONE_OF_THESE = "none_of_these"


class InteractionRecorder(Protocol):
    def record(self, reply: Reply, *, latency_ms: float) -> int:
        """Store the question and reply; return the interaction id."""
        ...

    def record_feedback(
        self,
        interaction_id: int,
        kind: FeedbackKind,
        *,
        entry_id: str | None = None,
        context: Context | None = None,
    ) -> None: ...
