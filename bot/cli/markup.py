"""Print data through Rich without it ever being read as markup.

Rich reads ``[bold]`` or ``[link=...]`` in any text it prints. Questions people typed, theme
labels, file names and error messages are data: ``[/x]`` in one would crash the command and
``[link=...]`` would hide a hyperlink in the terminal. Lines that mix styling with data are
built with ``markup`` (the template is ours, every value is escaped); table cells that hold
data are ``Text``, which Rich never parses.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from rich.markdown import Markdown
from rich.markup import escape
from rich.text import Text

# The knowledge base's markdown subset (knowledge/README.md), read the way rich reads it, but
# with raw HTML and character references left as the text they are: rich drops HTML, so an
# answer that began with "<div>" showed as an empty box and "<b>always</b>" as "always".
_PARSER = (
    MarkdownIt("commonmark", {"html": False})
    .disable("entity")
    .enable("strikethrough")
    .enable("table")
)


def markup(template: str, *values: object) -> str:
    """``template.format(*values)`` with each value escaped: ``markup("[red]{}[/red]", x)``."""
    return template.format(*(escape(str(value)) for value in values))


def cell(value: object) -> Text:
    """A table cell shown exactly as it is."""
    return Text(str(value))


class ConsoleMarkdown(Markdown):
    """Markdown for the terminal that never swallows text: HTML tags (``<div>``,
    ``<script>``) and entities (``&amp;``) are shown as typed, not dropped or decoded."""

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__(markup, **options)
        self.parsed = _PARSER.parse(markup)
