"""The neutral view model: what a reply looks like, before any channel's markup.

A view is a short ``summary`` (plain text, for notifications and clients that show no rich
content) and a sequence of blocks made of a few primitives. Text in a block is a sequence of
spans, and the span says where the text came from: ``Markdown`` is our own wording or the
knowledge base's (in the small markdown subset of knowledge/README.md), ``Plain`` is shown
literally (anything a person typed: never markup, a mention or a link). A renderer per channel
turns the primitives into its own markup, so a new kind of view works on every channel the day
it is added; ``text_fallback`` renders any view as plain markdown text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.chat.action_values import Action


class Emphasis(StrEnum):
    NONE = ""
    BOLD = "bold"
    ITALIC = "italic"
    QUOTE = "quote"  # someone's words, set apart


@dataclass(frozen=True, slots=True)
class Markdown:
    """Our own wording, in the knowledge base's markdown subset."""

    text: str


@dataclass(frozen=True, slots=True)
class Plain:
    """Text shown exactly as it is: no markup, no mentions, no links."""

    text: str
    emphasis: Emphasis = Emphasis.NONE


@dataclass(frozen=True, slots=True)
class Mention:
    """A person on this channel, by the channel's own user id."""

    user_id: str


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str  # shown literally


@dataclass(frozen=True, slots=True)
class Conversation:
    """A channel or conversation on this channel, by the channel's own id. A channel that can
    link one by its id does (Slack: ``<#C123>``); the others show ``label``."""

    conversation_id: str
    label: str  # our own wording, plain


Span = Markdown | Plain | Mention | Link | Conversation


@dataclass(frozen=True, slots=True)
class Heading:
    text: str  # our own wording, plain


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """Small print under the main text: sources, status."""

    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Button:
    label: str  # our own wording or an entry's question, plain
    action: Action
    value: str = ""
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Buttons:
    buttons: tuple[Button, ...]


Block = Heading | Paragraph | Note | Buttons


@dataclass(frozen=True, slots=True)
class View:
    summary: str  # plain text, one line
    blocks: tuple[Block, ...]
    # A short message with no buttons: a channel may send it as text alone.
    notice: bool = False

    def without_buttons(self) -> View:
        blocks = tuple(b for b in self.blocks if not isinstance(b, Buttons))
        return View(self.summary, blocks, self.notice)


def paragraph(*spans: Span | str) -> Paragraph:
    """A paragraph; bare strings are our own markdown."""
    return Paragraph(tuple(Markdown(s) if isinstance(s, str) else s for s in spans))


def notice(*spans: Span | str, summary: str | None = None) -> View:
    """A short message: thanks, a refusal, a confirmation."""
    block = paragraph(*spans)
    if summary is None:
        summary = "".join(
            s.text if isinstance(s, Markdown | Plain) else "" for s in block.spans
        ).replace("*", "")
    return View(summary, (block,), notice=True)


def lines(items: Sequence[Sequence[Span | str]]) -> Paragraph:
    """One paragraph of bulleted lines."""
    spans: list[Span | str] = []
    for number, item in enumerate(items):
        spans.append("\n• " if number else "• ")
        spans.extend(item)
    return paragraph(*spans)
