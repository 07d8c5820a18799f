"""Print data through Rich without it ever being read as markup.

Rich reads ``[bold]`` or ``[link=...]`` in any text it prints. Questions people typed, theme
labels, file names and error messages are data: ``[/x]`` in one would crash the command and
``[link=...]`` would hide a hyperlink in the terminal. Lines that mix styling with data are
built with ``markup`` (the template is ours, every value is escaped); table cells that hold
data are ``Text``, which Rich never parses.
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text


def markup(template: str, *values: object) -> str:
    """``template.format(*values)`` with each value escaped: ``markup("[red]{}[/red]", x)``."""
    return template.format(*(escape(str(value)) for value in values))


def cell(value: object) -> Text:
    """A table cell shown exactly as it is."""
    return Text(str(value))
