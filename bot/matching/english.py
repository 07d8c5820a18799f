"""Which words are ordinary English, so typo repair never "mends" a real word.

Uses pyspellchecker's English word list, loaded once on first use.
"""

from __future__ import annotations

from functools import cache, lru_cache

from spellchecker import SpellChecker


@cache
def _dictionary() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


@lru_cache(maxsize=100_000)
def is_english(word: str) -> bool:
    """True for a correctly spelt English word ("told", "landlord"); False for "grnt"."""
    return bool(_dictionary().known([word]))
