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
    def record(self, reply: Reply, *, latency_ms: float, interaction_id: int | None = None) -> int:
        """Store the question and reply, under ``interaction_id`` if one was reserved; return
        the interaction id."""
        ...

    def reserve_id(self) -> int | None:
        """An id to record an interaction under later, so a reply can go out (carrying its id
        on its buttons) before the log is written; None when the store cannot reserve ids."""
        ...

    def record_feedback(
        self,
        interaction_id: int,
        kind: FeedbackKind,
        *,
        entry_id: str | None = None,
        context: Context | None = None,
    ) -> None: ...
