"""Slack's mrkdwn: escape what people typed, and turn the answers' markdown subset into mrkdwn.

Slack documents an escape for only three characters, ``&``, ``<`` and ``>`` (``escape``):
enough to stop a typed ``<!channel>``, ``<@U123>`` or ``<https://x|y>``. It has none for its
formatting marks: a backslash shows as a backslash, and a typed ``*urgent*``, ``_x_``,
``~x~``, `` `x` `` or a line starting ``>`` is formatted. So ``literal`` also swaps each mark
for a character that looks like it and that Slack never reads as a mark, the substitutions
jsx-slack's ``<Escape>`` makes (docs/slack.md, "Text people typed"), and puts an invisible
soft hyphen before a ``>`` that starts a line. A zero-width space beside a mark is not used:
Slack reads it as a word boundary, so it can turn a mark on rather than off.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.chat.markdown import LINK, unwrap
from bot.words import unreordered

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.DOTALL)
_BULLET = re.compile(r"^(\s*)[-*] ", re.MULTILINE)
_BOLD_MARK = "\x00"


# Slack's marks (and the full-width forms it also reads) -> look-alikes it never reads.
_LOOK_ALIKES = str.maketrans(
    {
        "*": "\u2217",  # asterisk operator
        "\uff0a": "\ufe61",  # full-width asterisk -> small asterisk
        "_": "\u02cd",  # modifier letter low macron
        "\uff3f": "\u2e0f",  # full-width low line -> paragraphos
        "`": "\u02cb",  # modifier letter grave accent
        "\uff40": "\u02cb",  # full-width grave accent -> the same
        "~": "\u223c",  # tilde operator
    }
)
# A quote mark that starts a line (after ``escape``): a soft hyphen before it stops the quote.
_QUOTE_START = re.compile("^(?=&gt;|\uff1e)", re.MULTILINE)
SOFT_HYPHEN = "\u00ad"


def escape(text: str) -> str:
    """Make user text inert: no <!channel>, no <@U123> mentions, no links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def literal(text: str) -> str:
    """Typed text to show inside mrkdwn as it was typed: ``escape``d, and with no mark
    Slack formats (bold, italic, strike, code, a quote), nor the controls that reorder how
    text is shown (a U+202E would show a question backwards)."""
    return _QUOTE_START.sub(SOFT_HYPHEN, escape(unreordered(text)).translate(_LOOK_ALIKES))


# The answers' wording is fixed between reloads, so each is converted once, not per reply.
@lru_cache(maxsize=4096)
def to_mrkdwn(markdown: str) -> str:
    """**bold** -> *bold*, *italic* -> _italic_, [text](url) -> <url|text>, - item -> • item."""
    text = escape(unwrap(markdown))
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = text.replace(_BOLD_MARK, "*")
    text = LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return _BULLET.sub(r"\1• ", text)
