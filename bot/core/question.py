"""What an adapter hands the core: the words asked and who asked them, where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Only this much of a question is matched and stored: real questions are far shorter, and a
# bound keeps the cost of a pasted document (or a hostile one) small and fixed.
MAX_QUESTION_CHARS = 2000


class ChannelKind(StrEnum):
    CONSOLE = "console"
    CLI = "cli"
    SLACK = "slack"
    TEAMS = "teams"


@dataclass(frozen=True, slots=True)
class Context:
    """Where a question came from. ``user_id`` is the platform's raw id; storage pseudonymises it."""

    channel: ChannelKind
    user_id: str
    conversation_id: str | None = None
    workspace_id: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    context: Context
