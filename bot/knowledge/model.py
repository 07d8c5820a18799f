"""The knowledge base as values: entries, sources, glossary terms and scopes."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

# Scopes that rest on the national Compact, which the Civil Society Covenant succeeded in July
# 2025: an entry with one of them must say who it binds now (``binds_now``).
NATIONAL_COMPACT_SCOPES = frozenset(
    {"national-compact-1998", "national-compact-2009", "national-compact-2010"}
)
# Where the national answer that a local entry replaced can still be asked for.
NATIONAL_SUFFIX = "@national"


class Status(StrEnum):
    """An entry's standing today."""

    CURRENT = "current"  # what applies now, to the people it names
    HISTORICAL = "historical"  # something that has ended; background for old papers
    LOCAL_ONLY = "local-only"  # holds today only where a local Compact adopts it


class Layer(StrEnum):
    """Which knowledge base an entry comes from: the bundled one, or a council's local layer."""

    NATIONAL = "national"
    LOCAL = "local"


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None
    section: str | None = None
    # A mirror or a copy of a site that no longer runs: shown as "archived copy".
    archived: bool = False

    def cite(self) -> str:
        """A one-line citation: title, section."""
        return f"{self.title}, {self.section}" if self.section else self.title


@dataclass(frozen=True, slots=True)
class Scope:
    """What an answer applies to: the national Compact, the Covenant, a local Compact."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    topic: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    applies_to: tuple[str, ...] = ()
    owner: str = ""
    reviewed: date | None = None
    review_every: int = 12
    related: tuple[str, ...] = ()
    status: Status | None = None
    # One plain sentence on who the rule binds today (December 2026 onwards).
    binds_now: str = ""
    layer: Layer = Layer.NATIONAL
    # The setting whose value completed this answer ("" when the answer is fixed text).
    configured_by: str = ""
    file: str = ""
    line: int = 0

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every wording this entry answers: the question, then its alternates."""
        return (self.question, *self.alternates)

    @property
    def review_due(self) -> date | None:
        if self.reviewed is None:
            return None
        return add_months(self.reviewed, self.review_every)

    @property
    def rests_on_national_compact(self) -> bool:
        return not NATIONAL_COMPACT_SCOPES.isdisjoint(self.applies_to)


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """A term staff meet in Compact papers. Its acronyms and synonyms also drive matching."""

    term: str
    meaning: str
    acronyms: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    entry_id: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.term, *self.acronyms, *self.synonyms)


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    glossary: tuple[GlossaryTerm, ...] = ()
    synonym_groups: tuple[tuple[str, ...], ...] = ()
    # Words that name what the knowledge base is about ("Compact"): a question using one, or a
    # glossary term, is inside the assistant's subject (see MatchIndex and Thresholds).
    subject: tuple[str, ...] = ()
    # Names of different things the knowledge base covers that questions must not mix up
    # ("Compact", "Covenant"): a question naming one is not answered outright from an entry
    # none of whose wordings names it (see MatchIndex).
    keep_apart: tuple[str, ...] = ()
    scopes: Mapping[str, Scope] = field(default_factory=dict)
    root: Path | None = None
    # The council's own layer: where it was read from, the name it goes by, and the national
    # entries its entries replaced (by id), still offered as "What the national Compact said".
    local_root: Path | None = None
    local_name: str = ""
    local_url: str = ""
    replaced: Mapping[str, Entry] = field(default_factory=dict)
    _by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {e.id: e for e in self.entries}
        by_id.update({national.id: national for national in self.replaced.values()})
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    def get(self, entry_id: str) -> Entry | None:
        """Any entry by id, including a replaced national answer (``<id>@national``)."""
        return self._by_id.get(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __len__(self) -> int:
        return len(self.entries)

    def related_to(self, entry: Entry) -> tuple[Entry, ...]:
        """The entries to suggest next; a local answer first offers the national one it
        replaced."""
        national = self.replaced.get(entry.id) if entry.layer is Layer.LOCAL else None
        related = tuple(self._by_id[r] for r in entry.related if r in self._by_id)
        return (national, *related) if national is not None else related

    def scope_label(self, scope_id: str) -> str:
        scope = self.scopes.get(scope_id)
        return scope.label if scope else scope_id

    def topics(self) -> tuple[Topic, ...]:
        """Topics in the order they first appear, each with its entries."""
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.topic, []).append(entry)
        return tuple(Topic(name, tuple(items)) for name, items in grouped.items())


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
