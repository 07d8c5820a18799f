"""The one exception tree. Each message says what failed and how to fix it.

A question the assistant cannot answer is a normal result (``NoMatch``), never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CompactError(Exception):
    """Base class for every error the assistant raises on purpose."""


class ConfigError(CompactError):
    """A setting is missing or has a value the assistant cannot use."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a knowledge file, located precisely enough to fix."""

    file: str
    line: int | None
    message: str
    entry_id: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        who = f" entry '{self.entry_id}'" if self.entry_id else ""
        return f"{where}{who}: {self.message}"


class KnowledgeBaseError(CompactError):
    """The knowledge base failed validation. Carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        noun, them = ("problem", "it") if count == 1 else ("problems", "them")
        super().__init__(
            f"The knowledge base has {count} {noun}; fix {them} and load it again:\n{lines}"
        )


class DatabaseError(CompactError):
    """The interaction log's database could not be reached or used."""


class DatabaseUnavailable(DatabaseError):
    """The database is away (or did not answer within the budget), so a call to it was not
    made or not waited for. The caller carries on without it; the outage is logged once."""


class UnknownInteractionError(CompactError):
    """Feedback named an interaction that is not in the log."""


class EvalSetError(CompactError):
    """The evaluation set is malformed or names entries the knowledge base does not have."""


class UnknownThemeError(CompactError):
    """A theme id that is not in the log."""


class ReviewActionError(CompactError):
    """A review-group action that cannot be done, for a stated reason (e.g. promoting an
    answered theme, or linking to an entry that does not exist)."""


class ProgressConflict(CompactError):
    """Someone's tour progress changed between reading and saving it (two clicks handled at
    once): the later change is dropped and the person is shown where they are now."""
