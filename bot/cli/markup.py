"""Print data through Rich without it ever being read as markup.

Rich reads ``[bold]`` or ``[link=...]`` in any text it prints. Questions people typed, theme
labels, file names and error messages are data: ``[/x]`` in one would crash the command and
``[link=...]`` would hide a hyperlink in the terminal. Lines that mix styling with data are
built with ``markup`` (the template is ours, every value is escaped); table cells that hold
data are ``Text``, which Rich never parses.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, JustifyMethod, OverflowMethod
from rich.markup import escape
from rich.style import Style
from rich.text import Text


def markup(template: str, *values: object) -> str:
    """``template.format(*values)`` with each value escaped: ``markup("[red]{}[/red]", x)``."""
    return template.format(*(escape(str(value)) for value in values))


def cell(value: object) -> Text:
    """A table cell shown exactly as it is."""
    return Text(str(value))


class Screen(Console):
    """The console every command prints to. Where the output is not a terminal (a file, a
    pipe, a CI log), a line of text is written whole, never broken at the 80 columns rich
    assumes there: a command in a message ("Next: compact-bot kb check --kb imp1") must stay
    on one line to be copied. Boxes and tables still fit the width (markdown printed on its
    own is a line per paragraph: see ``ConsoleMarkdown``); in a terminal everything wraps to
    the window as before."""

    def print(
        self,
        *objects: Any,
        sep: str = " ",
        end: str = "\n",
        style: str | Style | None = None,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        no_wrap: bool | None = None,
        emoji: bool | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        width: int | None = None,
        height: int | None = None,
        crop: bool = True,
        soft_wrap: bool | None = None,
        new_line_start: bool = False,
    ) -> None:
        if not self.is_terminal:
            if soft_wrap is None and all(isinstance(o, str) for o in objects):
                soft_wrap = True
            crop = False  # a paragraph of markdown printed whole (see ConsoleMarkdown)
        super().print(
            *objects,
            sep=sep,
            end=end,
            style=style,
            justify=justify,
            overflow=overflow,
            no_wrap=no_wrap,
            emoji=emoji,
            markup=markup,
            highlight=highlight,
            width=width,
            height=height,
            crop=crop,
            soft_wrap=soft_wrap,
            new_line_start=new_line_start,
        )
