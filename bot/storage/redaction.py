"""Remove personal data from question text before it is stored."""

from __future__ import annotations

import re

from bot.core.question import MAX_QUESTION_CHARS

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # A URL's query string often carries names, emails or tokens: keep the page, drop the query.
    (re.compile(r"(https?://[^\s?#<>|]+)\?[^\s<>|]*", re.IGNORECASE), r"\1?[redacted]"),
    (re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>"), "[user]"),
    (re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL), "[user]"),
    (re.compile(r"(?<![\w@])@[A-Za-z][\w.-]{1,40}\b(?!\.\w)"), "[user]"),
    (re.compile(r"[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[email]"),
    # National Insurance numbers; any two letters, so documentation examples (QQ...) go too.
    (
        re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE),
        "[ni-number]",
    ),
    (
        re.compile(
            r"\b(?:GIR\s?0AA|[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
        ),
        "[postcode]",
    ),
    # Phone numbers start 0 or +country, then 9 to 13 more digits with single separators.
    (
        re.compile(
            r"(?<![\w£$€])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|\(?0)(?:[\s().-]{0,2}\d){8,12}\b"
        ),
        "[phone]",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text any database can store: control characters (NUL among them) dropped, and a lone
    surrogate (which cannot be encoded as UTF-8) replaced by U+FFFD."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", text)


def storable(text: str) -> str:
    """A question as it is stored: cleaned, redacted and cut to MAX_QUESTION_CHARS. Redaction
    sees a little more than is kept, so that personal data cut in two is still found."""
    return redact(clean(text[: MAX_QUESTION_CHARS + 200]))[:MAX_QUESTION_CHARS]
