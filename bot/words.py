"""How counts read, the same in every command, report and message: "1 question", "2
questions", "1 person", "3 people"; and how text people typed, or a request carried, is shown
in a listing, a report or a log line. Light on purpose: any module may import it."""

from __future__ import annotations

import re

# The controls that reorder how text is shown: a question holding U+202E shows its words
# backwards, and can make one wording read as another.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What is not text: control characters (an escape that drives a terminal, say) and halves of
# surrogate pairs, which no file, terminal or log can encode.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

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


def one_line(value: object, limit: int | None = None) -> str:
    """What people typed, or a request carried, shown on one line of a listing, a report or a
    log (text over several lines would otherwise start lines that read as the listing's or
    the log's own): runs of white space as one space, without the controls that reorder
    text, any other character that is not text as "?", cut to ``limit`` characters."""
    shown = _NOT_TEXT.sub("?", " ".join(unreordered(str(value)).split()))
    return shown if limit is None else shown[:limit]
