"""How counts read, the same in every command, report and message: "1 question", "2
questions", "1 person", "3 people". Light on purpose: any module may import it."""

from __future__ import annotations

# Nouns whose plural is not the noun with an s.
_PLURALS = {"person": "people", "entry": "entries", "query": "queries", "is": "are"}


def plural(count: int, noun: str) -> str:
    """``noun`` in the plural unless ``count`` is one."""
    return noun if count == 1 else _PLURALS.get(noun, noun + "s")


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is one."""
    return f"{count} {plural(count, noun)}"
