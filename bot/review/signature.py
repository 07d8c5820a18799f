"""The comparable form of a question for grouping: stemmed content words, in order."""

from __future__ import annotations

from bot.matching.stems import STOPWORDS, stem
from bot.matching.text import words


def signature(text: str) -> str:
    return " ".join(stem(w) for w in words(text) if w not in STOPWORDS)
