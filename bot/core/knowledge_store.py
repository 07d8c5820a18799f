"""Holds the knowledge base being served, and swaps in a new one only when it loads cleanly."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.matching.index import MatchIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedKnowledge:
    """A knowledge base and the index built from it: always replaced together."""

    kb: KnowledgeBase
    index: MatchIndex

    @classmethod
    def build(cls, kb: KnowledgeBase) -> LoadedKnowledge:
        return cls(kb, MatchIndex.build(kb))


class KnowledgeStore:
    def __init__(self, path: Path, loaded: LoadedKnowledge) -> None:
        self.path = path
        self._current = loaded
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> KnowledgeStore:
        """Load ``path``; raises KnowledgeBaseError listing every problem."""
        return cls(path, LoadedKnowledge.build(load_knowledge(path)))

    @property
    def current(self) -> LoadedKnowledge:
        return self._current

    def reload(self) -> LoadedKnowledge:
        """Load again from disk. On error the old knowledge base keeps serving and the
        KnowledgeBaseError is raised for the caller to show."""
        with self._lock:
            loaded = LoadedKnowledge.build(load_knowledge(self.path))
            self._current = loaded
        log.info("knowledge base reloaded from %s: %d entries", self.path, len(loaded.kb))
        return loaded
