"""From text to the terms the index compares: stems, with glossary synonyms folded together."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from bot.matching.english import is_english
from bot.matching.stems import MATCH_STOPWORDS, stem
from bot.matching.text import words

CANONICAL_PREFIX = "="


def _stems(text: str, stopwords: frozenset[str]) -> list[str]:
    return [stem(w) for w in words(text) if w not in stopwords]


class Canonicaliser:
    """Replace any spelling of a glossary term (e.g. "VCS", "voluntary and community sector")
    with one shared term, so different wordings of the same idea match."""

    def __init__(
        self, groups: Iterable[Sequence[str]], stopwords: frozenset[str] = MATCH_STOPWORDS
    ) -> None:
        self.stopwords = stopwords
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in groups:
            first = _stems(group[0], stopwords)
            canonical = CANONICAL_PREFIX + "_".join(first or [group[0].casefold()])
            for spelling in group:
                key = tuple(_stems(spelling, stopwords))
                if key:
                    self._phrases.setdefault(key, canonical)
                if len(key) == 1 and spelling.isupper():
                    # Acronyms take a plural "s" that the stemmer does not strip: CSOs, PCTs.
                    self._phrases.setdefault((stem(spelling.casefold() + "s"),), canonical)
        self._longest = max((len(k) for k in self._phrases), default=0)

    def apply(self, stems: list[str]) -> list[str]:
        if not self._phrases:
            return stems
        result: list[str] = []
        i = 0
        while i < len(stems):
            for size in range(min(self._longest, len(stems) - i), 0, -1):
                canonical = self._phrases.get(tuple(stems[i : i + size]))
                if canonical is not None:
                    result.append(canonical)
                    i += size
                    break
            else:
                result.append(stems[i])
                i += 1
        return result


# Words this long or longer typed with two neighbouring letters swapped are mended ("teh").
MIN_SWAP_REPAIR = 3
# Words this long or shorter typed with a letter left out are mended when one known word fits
# ("wth", "grnt"). Two letters are too few to tell ("wy": "way" or "why"); in longer words the
# fuzzy repair finds it.
MAX_GAP_REPAIR = 4
# Words this long or longer with their vowels wrong are mended ("covanent", "seperate").
MIN_VOWEL_REPAIR = 5
# Words this long with one letter wrong are mended when one known word fits ("jike"): the
# fuzzy score counts the slip as too far off in so short a word.
ONE_LETTER_REPAIR = 4
# Slips remembered with their mends; past this the memory starts again.
REPAIR_MEMO = 10_000
VOWELS = frozenset("aeiouy")


def _one_letter_more(word: str) -> set[str]:
    """Every word ``word`` would be with one more letter, anywhere in it."""
    return {
        word[:i] + letter + word[i:]
        for i in range(len(word) + 1)
        for letter in string.ascii_lowercase
    }


def _one_blanked(word: str) -> list[str]:
    """``word`` with each of its letters in turn as "*": words one letter apart share one."""
    return [word[:i] + "*" + word[i + 1 :] for i in range(len(word))]


def _vowels_blanked(word: str) -> str:
    """``word`` with every vowel as "*": words differing only in their vowels share it."""
    return "".join("*" if c in VOWELS else c for c in word)


class Analyzer:
    """Turns a question into index terms, repairing typos against the known vocabulary.

    A word is repaired only when it is neither in the knowledge base nor an English word, so
    "told" is never turned into "old". Words that stay unknown are kept, because a word the
    knowledge base has never used ("landlord", "GP") is evidence that the question is about
    something else.
    """

    def __init__(
        self,
        canonicaliser: Canonicaliser,
        min_repair_length: int = 4,
        *,
        join_compounds: bool = False,
    ) -> None:
        self.canonicaliser = canonicaliser
        self.stopwords = canonicaliser.stopwords
        self.min_repair_length = min_repair_length
        self.join_compounds = join_compounds
        self._vocabulary: list[str] = []
        self._known: frozenset[str] = frozenset()
        self._known_stems: frozenset[str] = frozenset()
        self._by_consonants: dict[str, str | None] = {}
        self._by_one_blanked: dict[str, list[str]] = {}
        self._repairs: dict[str, str] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Record the words the knowledge base uses; typos are repaired towards them."""
        known = {w for text in texts for w in words(text) if w not in self.stopwords}
        self._known = frozenset(known)
        self._known_stems = frozenset(stem(w) for w in known)
        self._vocabulary = sorted(known)
        # Each known word by its consonants in place; None where two known words share them.
        by_consonants: dict[str, str | None] = {}
        for word in self._vocabulary:
            if len(word) >= MIN_VOWEL_REPAIR:
                key = _vowels_blanked(word)
                by_consonants[key] = None if key in by_consonants else word
        self._by_consonants = by_consonants
        by_one_blanked: dict[str, list[str]] = {}
        for word in self._vocabulary:
            if len(word) == ONE_LETTER_REPAIR:
                for key in _one_blanked(word):
                    by_one_blanked.setdefault(key, []).append(word)
        self._by_one_blanked = by_one_blanked
        self._repairs = {}

    def terms(self, text: str, *, repair: bool = False) -> list[str]:
        """Index terms in order. With ``repair`` (for questions, not for the knowledge base),
        misspelt words are mended and, with ``join_compounds``, split compounds joined.

        A compound is joined only when the joined word is one the knowledge base uses and one
        of its parts is not ("git hub", "face book"), and it then replaces its parts. Joining
        every pair whose joined form is known, beside the parts, turned "covid 19" into an
        extra "covid19" and pulled questions to the wrong entries (3 points of hit@1 on a
        held-out set of 1,387 real user queries, issue #20); this rule leaves two known words
        alone (benchmarks/crossval.py)."""
        every = words(text)
        if repair:
            every = [self._common_slip(w) for w in every]
        if repair and self.join_compounds:
            every = self._join_split_compounds(every)
        surface = [w for w in every if w not in self.stopwords]
        if repair:
            surface = [self._repair(w) for w in surface]
        return self.canonicaliser.apply([stem(w) for w in surface])

    def mended(self, text: str) -> str:
        """``text`` with the slips ``terms(repair=True)`` mends mended, for a reader of whole
        sentences (the static vectors, the semantic extra's model): "the copmact applise to
        councils" as "the compact applies to councils". Left as typed, the slips become odd
        word pieces that pull the sentence's vector away from the entry the words already
        found. Unchanged when nothing needs mending; otherwise its words, lower case, with the
        stopwords kept.

        A mend that only adds or drops letters at the end ("config" to "configure",
        "systemd" to "system") is left as typed: that is more often a short form or a name
        the model knows than a slip (two Debian FAQ questions lost their right entry in the
        semantic extra). See docs/benchmarks.md, "Slips, mended for the sentence readers too"."""
        every = words(text)
        fixed = [self._common_slip(w) for w in every]
        fixed = [w if w in self.stopwords else self._repair(w) for w in fixed]
        fixed = [
            typed if meant.startswith(typed) or typed.startswith(meant) else meant
            for typed, meant in zip(every, fixed, strict=True)
        ]
        return text if fixed == every else " ".join(fixed)

    def _join_split_compounds(self, every: list[str]) -> list[str]:
        joined: list[str] = []
        i = 0
        while i < len(every):
            if i + 1 < len(every):
                first, second = every[i], every[i + 1]
                whole = first + second
                if whole in self._known and not (self._uses(first) and self._uses(second)):
                    joined.append(whole)
                    i += 2
                    continue
            joined.append(every[i])
            i += 1
        return joined

    def _common_slip(self, word: str) -> str:
        """A short word typed with one of the commonest slips as the known word or stopword it
        was meant to be; any other word as it is. Left alone, a slipped stopword or short word
        would count as a word the knowledge base never uses, the strongest evidence a question
        is about something else, and the fuzzy repair scores these slips as too far off in so
        short a word.

        - Two neighbouring letters swapped, in a word of three letters or more ("waht", "teh",
          "compcat").
        - A letter left out of a word of three or four letters ("wth", "grnt", "hav"), when
          one known word or stopword, and no other, has that letter.
        """
        if len(word) < MIN_SWAP_REPAIR or not self._misspelt(word):
            return word
        for i in range(len(word) - 1):
            swap = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swap in self.stopwords or swap in self._known:
                return swap
        if len(word) <= MAX_GAP_REPAIR and word.isalpha():
            fits = {
                whole
                for whole in _one_letter_more(word)
                if whole in self.stopwords or whole in self._known
            }
            if len(fits) == 1:
                return fits.pop()
        return word

    def _uses(self, word: str) -> bool:
        """Whether the knowledge base uses ``word`` (or a word with its stem)."""
        return word in self._known or stem(word) in self._known_stems

    def _misspelt(self, word: str) -> bool:
        """Whether ``word`` may be a slip: neither the knowledge base's, nor a number, nor an
        English word (so "told" is never mended into "old"). A stopword is English: asking
        the dictionary would load it (about 0.1 s) for "the"."""
        return not (
            word in self.stopwords or self._uses(word) or word.isdigit() or is_english(word)
        )

    def is_known(self, word: str) -> bool:
        return word in self._known

    def _repair(self, word: str) -> str:
        if not self._misspelt(word):
            return word
        # A question is read more than once (its terms, then its mended text for the static
        # vectors or the semantic model), and the fuzzy search over the vocabulary is the
        # costly part: each slip is mended once.
        found = self._repairs.get(word)
        if found is None:
            found = self._mend(word)
            if len(self._repairs) >= REPAIR_MEMO:
                self._repairs.clear()
            self._repairs[word] = found
        return found

    def _mend(self, word: str) -> str:
        """The known word ``word`` (misspelt) was meant to be, or ``word``."""
        if len(word) >= self.min_repair_length:
            # One slip in a short word scores about 80; longer words must be closer.
            cutoff = 80 if len(word) <= 6 else 85
            best = process.extractOne(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff
            )
            if best:
                return str(best[0])
        if len(word) == ONE_LETTER_REPAIR:
            # One wrong letter in a four-letter word ("jike") scores 75, under the cutoff
            # above, which would let in any other word of four: it is the known word that
            # differs from it in that one place, when there is just one.
            near = {m for key in _one_blanked(word) for m in self._by_one_blanked.get(key, ())}
            if len(near) == 1:
                return near.pop()
        if len(word) >= MIN_VOWEL_REPAIR:
            # Vowels are the letters people most often get wrong, two at a time ("covanent"),
            # which the fuzzy score above counts as four edits: a word that differs from one
            # known word, and no other, only in its vowels is that word.
            meant = self._by_consonants.get(_vowels_blanked(word))
            if meant is not None:
                return meant
        return word
