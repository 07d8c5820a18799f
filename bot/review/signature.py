"""The comparable form of a question for grouping: stemmed content words, in order, with the
placeholders redaction left where it removed personal data taken out first."""

from __future__ import annotations

import re

from bot.matching.stems import STOPWORDS, stem
from bot.matching.text import words
from bot.storage.redaction import PLACEHOLDERS

# Redaction's placeholders ("email me at [email]") say nothing about what was asked, so they
# never group questions, name a theme or become an entry's wording. Matched with the brackets
# redaction kept around one ("([phone])") and the comma or colon after it ("from [email],
# [phone]: ...").
_PLACEHOLDER = re.compile(
    r"\(?\[(?:" + "|".join(map(re.escape, PLACEHOLDERS)) + r")\]\)?(?:\s*[,;:])?"
)


def redacted(text: str) -> bool:
    """Whether redaction removed something from ``text`` (it holds a placeholder): what is
    left is not what the person typed, so it never becomes an entry's wording."""
    return _PLACEHOLDER.search(text) is not None


def without_placeholders(text: str) -> str:
    """``text`` without redaction's placeholders, its spacing tidied where one was taken
    out; unchanged when it has none."""
    if not _PLACEHOLDER.search(text):
        return text
    text = " ".join(_PLACEHOLDER.sub(" ", text).split())
    return re.sub(r" (?=[?!.,;:)])", "", text)


def signature(text: str) -> str:
    return " ".join(stem(w) for w in words(without_placeholders(text)) if w not in STOPWORDS)


def theme_signature(text: str) -> str:
    """``signature``, or, for a question written in a script the matcher does not read
    (Chinese, Arabic, Cyrillic...), its own words in that script: the asker was told it was
    logged for the review group, so it must reach a theme rather than be dropped for having
    no words the matcher knows."""
    found = signature(text)
    if found:
        return found
    own_words = re.findall(r"\w+", without_placeholders(text).casefold())
    return " ".join(word for word in own_words if not word.isascii())
