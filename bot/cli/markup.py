"""Print data through Rich without it ever being read as markup.

Rich reads ``[bold]`` or ``[link=...]`` in any text it prints. Questions people typed, theme
labels, file names and error messages are data: ``[/x]`` in one would crash the command and
``[link=...]`` would hide a hyperlink in the terminal. Lines that mix styling with data are
built with ``markup`` (the template is ours, every value is escaped); table cells that hold
data are ``Text``, which Rich never parses.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

# Line breaks of every kind, and the controls that reorder how text is shown (a question
# holding U+202E shows its words backwards, and can make one wording pass for another).
_BREAKS = re.compile(r"[\s\u0085\u2028\u2029]+")
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")


def one_line(value: object) -> str:
    """Text people typed, shown on one line of a listing: a question typed over several
    lines would otherwise start lines of its own that read as the listing's."""
    return _BREAKS.sub(" ", _REORDERING.sub("", str(value))).strip()


def markup(template: str, *values: object) -> str:
    """``template.format(*values)`` with each value escaped: ``markup("[red]{}[/red]", x)``."""
    return template.format(*(escape(str(value)) for value in values))


def cell(value: object) -> Text:
    """A table cell shown exactly as it is."""
    return Text(str(value))
