"""How counts read, the same in every command, report and message: "1 question", "2
questions", "1 person", "3 people"; and how text people typed is shown in a listing. Light
on purpose: any module may import it."""

from __future__ import annotations

import re

# The controls that reorder how text is shown: a question holding U+202E shows its words
# backwards, and can make one wording read as another.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Nouns whose plural is not the noun with an s.
_PLURALS = {"person": "people", "entry": "entries", "query": "queries", "is": "are"}


def plural(count: int, noun: str) -> str:
    """``noun`` in the plural unless ``count`` is one."""
    return noun if count == 1 else _PLURALS.get(noun, noun + "s")


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is one."""
    return f"{count} {plural(count, noun)}"


def unreordered(text: str) -> str:
    """What people typed, without the controls that reorder how text is shown."""
    return _REORDERING.sub("", text)


def one_line(value: object) -> str:
    """What people typed, shown on one line of a listing or report (a question typed over
    several lines would otherwise start lines that read as the listing's own) and without
    the controls that reorder text."""
    return " ".join(unreordered(str(value)).split())
