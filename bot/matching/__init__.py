"""Matching: normalise a question, rank the knowledge base's phrasings, decide."""

from bot.matching.index import Hit, MatchIndex
from bot.matching.policy import Decision, Thresholds, decide

__all__ = ["Decision", "Hit", "MatchIndex", "Thresholds", "decide"]
