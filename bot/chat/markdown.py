"""The answers' markdown subset (knowledge/README.md): what every channel's renderer needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_LIST_ITEM = re.compile(r"[-*] ")


def unwrap(markdown: str) -> str:
    """Join hard-wrapped lines: chat clients show every newline, YAML answers wrap at 90
    columns. Blank lines and list items keep their breaks."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


# The answers' wording is fixed between reloads, so each is converted once, not per reply.
@lru_cache(maxsize=4096)
def plain(markdown: str) -> str:
    """Markdown without markup, for notification text."""
    return re.sub(r"[*_`]", "", LINK.sub(r"\1", markdown)).strip()


def keep_edges(text: str, convert: Callable[[str], str]) -> str:
    """``convert`` the text inside its leading and trailing whitespace, which is kept: a view's
    spans are joined as they are, so "**Source:** " must keep its space."""
    core = text.strip()
    if core == text or not core:
        return convert(text) if core else text
    start = text.index(core[0])
    return text[:start] + convert(core) + text[start + len(core) :]
