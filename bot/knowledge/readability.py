"""Plain-English measures for answers: Flesch reading ease and word count.

Syllables come from textstat (which uses pyphen's hyphenation dictionaries). Markdown is
stripped first, and each bullet counts as its own sentence. Names and titles written in
*italics* (such as *National Council for Voluntary Organisations*) are left out of the
reading-ease score: an answer should not be marked down for naming a body correctly.
"""

from __future__ import annotations

import re

import textstat  # type: ignore[import-untyped]

_MARKUP = re.compile(r"[*_`#>]|\[([^\]]*)\]\([^)]*\)")
_BULLET = re.compile(r"[;:,]?\s*\n\s*[-*]\s+")
_ITALIC_NAME = re.compile(r"(?<![*\w])[*_](?![*\s])([^*_]+?)(?<!\s)[*_](?![*\w])")


def plain_text(answer: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1) or "", answer)
    text = _BULLET.sub(". ", text)
    return " ".join(text.split())


def reading_ease(answer: str) -> float:
    without_names = _ITALIC_NAME.sub("it", answer)
    return float(textstat.flesch_reading_ease(plain_text(without_names)))


def word_count(answer: str) -> int:
    return len(plain_text(answer).split())
