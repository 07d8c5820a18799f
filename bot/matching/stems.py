"""Stopwords and Snowball stemming (PyStemmer), cached, for short FAQ questions."""

from __future__ import annotations

from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

# The matcher's stopwords: Lucene's (and bm25s's) standard 33-word English list. It keeps
# the question words ("how", "where", "who", "when", "can", "did") that tell neighbouring
# entries apart; see MATCH_STOPWORDS below and benchmarks/crossval.py for the evidence.
STANDARD_STOPWORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their
    then there these they this to was will with""".split()  # noqa: SIM905
)

# Words beyond the standard list that the matcher also drops, each kept only for a gain in
# hit@1 measured on more than one set and a loss on none (`python benchmarks/crossval.py
# --stopwords` tries each word of the old hand-grown list alone). None has qualified yet.
DOMAIN_STOPWORDS: frozenset[str] = frozenset()

MATCH_STOPWORDS = STANDARD_STOPWORDS | DOMAIN_STOPWORDS

# Function words, chat fillers and contractions: too common to name a theme of questions
# (bot/review uses them), and left out when kb check compares two wordings for collisions
# (MatchIndex.similarity). Not used for matching: the matcher uses MATCH_STOPWORDS.
STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves us im ive id dont doesnt isnt arent wasnt cant wont shall may might must
    please thanks thank hi hello hey ok okay tell know get got also re s t whats thats theres
    heres hows whos wheres whens lets youre theyre weve youve ill youll hes shes wed
    anyone someone something anything quick question query basically actually really
    exactly thing things stuff pls plz thx cheers ta hiya one""".split()  # noqa: SIM905
)

_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem: "funding", "funded", "funds" -> "fund"."""
    return str(_STEMMER.stemWord(word))
