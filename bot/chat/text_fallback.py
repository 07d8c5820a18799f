"""Any view as plain markdown text: for a channel, or a part of one, that has no rich content.
Buttons become a list of their labels, so the person still sees the choices."""

from __future__ import annotations

import re

from bot.chat.markdown import unwrap
from bot.chat.markup import Markup
from bot.chat.views import Block, Buttons, Heading, Note, Paragraph, View

_MARKUP = re.compile(r"([\\*_`\[\]<>])")


def escape_markdown(text: str) -> str:
    """Make text inert in markdown: every markup character is backslash-escaped."""
    return _MARKUP.sub(r"\\\1", text)


MARKDOWN = Markup(
    escape=escape_markdown,
    markdown=unwrap,
    bold="**{text}**",
    italic="*{text}*",
    quote_line="> ",
    mention="@{user}",
    link="[{label}]({url})",
)


def block_text(block: Block) -> str:
    match block:
        case Heading(text):
            return f"**{escape_markdown(text)}**"
        case Paragraph(spans) | Note(spans):
            return MARKDOWN.spans(spans)
        case Buttons(buttons):
            return "\n".join(f"- {escape_markdown(b.label)}" for b in buttons)


def view_text(view: View) -> str:
    """The whole view, blocks separated by blank lines."""
    return "\n\n".join(text for text in (block_text(b) for b in view.blocks) if text)
