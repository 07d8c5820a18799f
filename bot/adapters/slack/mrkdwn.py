"""Slack's mrkdwn: escape what people typed, and turn the answers' markdown subset into mrkdwn."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.chat.markdown import LINK, unwrap

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.DOTALL)
_BULLET = re.compile(r"^(\s*)[-*] ", re.MULTILINE)
_BOLD_MARK = "\x00"


def escape(text: str) -> str:
    """Make user text inert: no <!channel>, no <@U123> mentions, no links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
