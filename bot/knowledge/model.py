"""The knowledge base as values: entries, sources, glossary terms and scopes."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None
    section: str | None = None

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
    scopes: Mapping[str, Scope] = field(default_factory=dict)
    root: Path | None = None
    _by_id: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({e.id: e for e in self.entries}))

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __len__(self) -> int:
        return len(self.entries)

    def related_to(self, entry: Entry) -> tuple[Entry, ...]:
        return tuple(self._by_id[r] for r in entry.related if r in self._by_id)

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
