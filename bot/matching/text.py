"""Turn chat text into comparable words: markup, Unicode, case, spelling and punctuation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUESTION_CHARS = 1000

_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_SLACK_TOKEN = re.compile(r"<[@#!][^>]*>")
_BARE_URL = re.compile(r"<?https?://\S+>?")
_TEAMS_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
# "@channel", "@bob" typed as text (a mention the chat did not turn into one): who the
# question is addressed to, not part of it. An address's "@" follows a letter and stays.
_TYPED_MENTION = re.compile(r"(?<![\w.@])@[\w.-]+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HTML_ENTITIES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&nbsp;": " ",
    "&quot;": '"',
    "&#39;": "'",
}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)*")
# "C++" and "C#" are names of their own, not the letter c: one word each ("cplusplus").
_SIGILS = re.compile(r"(?<![\w+#])([a-z])(\+\+|#)(?![\w+#])")

# British spelling is the house style; American spellings are folded into it.
_US_TO_UK = {
    "behavior": "behaviour", "center": "centre", "color": "colour", "defense": "defence",
    "favor": "favour", "honor": "honour", "labor": "labour", "license": "licence",
    "neighbor": "neighbour", "program": "programme", "programs": "programmes",
    "judgment": "judgement", "fulfill": "fulfil", "enrollment": "enrolment",
    "catalog": "catalogue", "dialog": "dialogue", "analyze": "analyse", "paralyze": "paralyse",
}  # fmt: skip
_IZE_EXCEPTIONS = {
    "size",
    "sizes",
    "prize",
    "prizes",
    "seize",
    "seized",
    "capsize",
    "citizen",
    "citizens",
}
_IZE = re.compile(r"^(\w{3,})iz(e|es|ed|ing|ation|ations|er|ers)$")


def clean(text: str) -> str:
    """Strip chat markup and normalise Unicode, keeping the words a person typed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _TEAMS_MENTION.sub(" ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(2)} ", text)
    text = _SLACK_TOKEN.sub(" ", text)
    text = _BARE_URL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    for entity, char in _HTML_ENTITIES.items():
        text = text.replace(entity, char)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


@lru_cache(maxsize=200_000)
def british(word: str) -> str:
    if word in _US_TO_UK:
        return _US_TO_UK[word]
    if word not in _IZE_EXCEPTIONS:
        word = _IZE.sub(r"\1is\2", word)
    return word


_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}  # fmt: skip


_POSSESSIVE = re.compile(r"'s$")


def _unaccented(text: str) -> str:
    """``text`` with accents taken off its letters ("compáct" is "compact", the Welsh "ŵ" is
    "w"), so a word typed with one reads as the word, not as two pieces either side of it."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-case words in British spelling, "'s" dropped as Lucene's English analyzer does
    ("who's" is "who", "council's" is "council"), other apostrophes removed, accents taken
    off, a typed "@name" left out, "twelve" as "12"."""
    lowered = _TYPED_MENTION.sub(" ", _unaccented(clean(text).casefold().replace("\u2019", "'")))
    lowered = _SIGILS.sub(lambda m: m[1] + ("plusplus" if m[2] == "++" else "sharp"), lowered)
    return [
        _NUMBERS.get(w, british(_POSSESSIVE.sub("", w).replace("'", "")))
        for w in _WORD.findall(lowered)
    ]
