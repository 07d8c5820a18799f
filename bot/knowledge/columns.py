"""Which of an imported file's columns is which: the names FAQ tools give them, and cells as
text.

A spreadsheet's header (or a JSON object's keys) is matched against ``COLUMN_NAMES``
whatever its case, spacing, underscores, hyphens or camelCase ("Alternate_Questions",
"alternateQuestions" and "alternate questions" are one name). Two columns that could both be
the question, the answer, the id or the topic are a clash the user must settle: reading one
and dropping the other would lose what the other holds. Every alternates column is read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

COLUMNS = ("id", "question", "answer", "alternates", "topic")
# The names each column goes by in other FAQ tools' exports (QnA Maker's "QnaId", a site's
# "Title" and "Body"), compared after ``folded``.
COLUMN_NAMES: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "qnaid", "qna id", "faq id", "key"),
    "question": ("question", "questions", "title", "query", "q"),
    "answer": ("answer", "response", "reply", "body", "a"),
    "alternates": (
        "alternates",
        "alternate questions",
        "alternative questions",
        "alternatives",
        "paraphrases",
        "variations",
    ),
    "topic": ("topic", "category", "section", "group"),
}
# The columns a row has one of: two such columns in a file are a clash.
SINGLE = ("id", "question", "answer", "topic")
# Looked up without spaces, so that "FAQID", "Faq Id" and "faq_id" are one name.
_FIELD_OF = {
    alias.replace(" ", ""): name for name, aliases in COLUMN_NAMES.items() for alias in aliases
}


def folded(name: str) -> str:
    """A column name as ``COLUMN_NAMES`` spells it: "Alternate_Questions" and
    "alternateQuestions" are "alternate questions", "QnaId" is "qna id"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return " ".join(re.sub(r"[_\-]+", " ", spaced).casefold().split())


def field_of(name: str) -> str | None:
    """The column (one of ``COLUMNS``) a file's column or key called ``name`` is, if any."""
    return _FIELD_OF.get(folded(name).replace(" ", ""))


@dataclass(frozen=True, slots=True)
class Header:
    """A file's column names and which positions hold each of ``COLUMNS``."""

    names: tuple[str, ...]
    positions: Mapping[str, tuple[int, ...]]

    @classmethod
    def of(cls, names: Iterable[str]) -> Header:
        given = tuple(str(name).strip() for name in names)
        positions: dict[str, list[int]] = {name: [] for name in COLUMNS}
        for number, name in enumerate(given):
            field = field_of(name)
            if field:
                positions[field].append(number)
        return cls(given, {name: tuple(found) for name, found in positions.items()})

    def has(self, name: str) -> bool:
        return bool(self.positions[name])

    @property
    def clashes(self) -> list[tuple[str, list[str]]]:
        """Each single-valued column that two or more of the file's columns could be."""
        return [
            (name, [self.names[p] for p in found])
            for name, found in self.positions.items()
            if name in SINGLE and len(found) > 1
        ]

    @property
    def unused(self) -> list[str]:
        used = {p for found in self.positions.values() for p in found}
        return [name for number, name in enumerate(self.names) if number not in used and name]

    def row(self, cells: Sequence[Any]) -> dict[str, Any]:
        """The row's cells by column; alternates from every alternates column, as a list."""
        row: dict[str, Any] = {
            name: cells[found[0]]
            for name, found in self.positions.items()
            if name != "alternates" and found and found[0] < len(cells)
        }
        alternates = [
            a
            for p in self.positions["alternates"]
            if p < len(cells)
            for a in alternates_of(cells[p])
        ]
        if alternates:
            row["alternates"] = alternates
        return row

    def unnamed(self, cells: Sequence[Any]) -> bool:
        """Whether the row has something in a column past the named ones or with no name."""
        return any(
            text_of(cell)
            for number, cell in enumerate(cells)
            if number >= len(self.names) or not self.names[number]
        )


def clash_message(column: str, names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    listed = ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return f"{listed} could each be the {column}; rename or remove all but one"


def as_shown(value: Any) -> str:
    """A cell or JSON value as a spreadsheet shows it, as text: whole numbers without ".0"
    (a spreadsheet's 12.0 is 12), a date without a midnight time (Excel keeps every date as
    a date and time: 2027-01-31, not 2027-01-31 00:00:00)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return str(value)


def text_of(value: Any) -> str:
    """A cell or JSON value as one line of text, as ``as_shown``."""
    return " ".join(as_shown(value).split())


# A "|" separates alternates in one cell; "\\|" is a "|" inside one (as kb export writes it).
_SEPARATOR = re.compile(r"(?<!\\)\|")


def alternates_of(raw: Any) -> list[str]:
    """Alternates as a list, a ``|``-separated text, or a JSON list written in one cell."""
    if isinstance(raw, str) and raw.lstrip().startswith("["):
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, a number int() refuses, too deep
            parsed = None
        if isinstance(parsed, list):
            raw = parsed
    if not isinstance(raw, list):
        raw = [p.replace("\\|", "|") for p in _SEPARATOR.split(text_of(raw) if raw else "")]
    parts = raw
    return [text for text in (text_of(p) for p in parts if _is_text(p)) if text]


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float | dt.date) and not isinstance(value, bool)
