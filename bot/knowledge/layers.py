"""Put a council's local layer over the national knowledge base.

A local entry with a national entry's id replaces it for that installation; the national
answer stays reachable as ``<id>@national`` and is offered with the local one as "What the
national Compact said". A local entry with a new id is added after the national ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.knowledge.model import NATIONAL_SUFFIX, Entry, GlossaryTerm, Layer

NATIONAL_QUESTION = "What the national Compact said: {question}"


@dataclass(frozen=True, slots=True)
class Merged:
    entries: tuple[Entry, ...]
    glossary: tuple[GlossaryTerm, ...]
    replaced: dict[str, Entry]


def merge_layers(entries: Sequence[Entry], glossary: Sequence[GlossaryTerm]) -> Merged:
    local = {e.id: e for e in entries if e.layer is Layer.LOCAL}
    merged: list[Entry] = []
    replaced: dict[str, Entry] = {}
    for entry in entries:
        if entry.layer is Layer.LOCAL:
            continue
        override = local.pop(entry.id, None)
        if override is None:
            merged.append(entry)
            continue
        merged.append(override)
        replaced[entry.id] = national_copy(entry)
    merged.extend(local.values())
    # Local terms are read after national ones, so a local term replaces the national term
    # with the same entry id.
    terms = {term.entry_id: term for term in glossary}
    return Merged(tuple(merged), tuple(terms.values()), replaced)


def national_copy(entry: Entry) -> Entry:
    """The national answer under its own id, so it can be offered beside the local one."""
    return replace(
        entry,
        id=entry.id + NATIONAL_SUFFIX,
        question=NATIONAL_QUESTION.format(question=entry.question),
        related=(),
    )
