"""Holds the knowledge base being served, and swaps in a new one only when it loads cleanly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.errors import KnowledgeBaseError
from bot.induction.content import Tour
from bot.induction.loader import induction_file, load_tour
from bot.knowledge.loader import knowledge_files, load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.matching.cache import BuildCache, content_key
from bot.matching.index import Hit, MatchIndex

log = logging.getLogger(__name__)


class Matcher(Protocol):
    """What the assistant needs from an index: the lexical one, or the semantic extra."""

    def search(self, text: str, limit: int = 5) -> list[Hit]: ...

    def similarity(self, first: str, second: str) -> float: ...

    def uses_a_word_of(self, text: str) -> bool: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True, slots=True)
class SemanticOptions:
    """What the semantic matcher takes from the settings: its model (empty for the packaged
    MiniLM) and the folder its phrasing vectors are cached in (None: encode on every build)."""

    model: str = ""
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class LoadedKnowledge:
    """A knowledge base, the index built from it and the induction tour that sums it up:
    always replaced together, so the tour never links to an entry that is not served."""

    kb: KnowledgeBase
    index: Matcher
    tour: Tour | None = None  # None when the knowledge folder has no induction.yml

    @classmethod
    def build(
        cls,
        kb: KnowledgeBase,
        *,
        matcher: str = "lexical",
        tour: Tour | None = None,
        semantic: SemanticOptions = SemanticOptions(),
    ) -> LoadedKnowledge:
        if matcher == "semantic":
            from bot.matching.semantic import SemanticIndex

            index = SemanticIndex.build(kb, model_name=semantic.model, cache_dir=semantic.cache_dir)
            return cls(kb, index, tour)
        return cls(kb, MatchIndex.build(kb), tour)

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        matcher: str = "lexical",
        local: Path | None = None,
        settings: Mapping[str, str] | None = None,
        cache: BuildCache | None = None,
        semantic: SemanticOptions = SemanticOptions(),
    ) -> LoadedKnowledge:
        """Load the entries (``local`` over ``path``), then the tour, checked against them,
        then build the index. Raises KnowledgeBaseError listing every problem.

        With a ``cache``, a build of exactly these files (by content) with these options by
        this code is read from it instead, and a new build is written to it (lexical matcher
        only). Only a knowledge base that loaded cleanly is ever cached."""
        key = _cache_key(path, matcher, local, settings) if cache is not None else None
        if cache is not None and key is not None:
            cached = cache.get(key, LoadedKnowledge)
            if cached is not None:
                return cached
        kb = load_knowledge(path, local=local, settings=settings)
        tour_file = induction_file(path, local)
        tour = load_tour(tour_file, kb) if tour_file else None  # before the costly index
        loaded = cls.build(kb, matcher=matcher, tour=tour, semantic=semantic)
        # Not if a file changed while it was read: the key would not describe what was built.
        if (
            cache is not None
            and key is not None
            and key == _cache_key(path, matcher, local, settings)
        ):
            cache.put(key, loaded)
        return loaded


def _cache_key(
    path: Path, matcher: str, local: Path | None, settings: Mapping[str, str] | None
) -> str | None:
    """The cache key of a build of these files, or None when there is none to use: the
    semantic matcher (its model is not ours to pickle), or files that cannot be read (the
    load then reports them)."""
    if matcher != "lexical":
        return None
    try:
        files = knowledge_files(path, local=local)
        tour_file = induction_file(path, local)
        if tour_file is not None:
            files.append((f"tour:{tour_file}", tour_file))
        options = [matcher, f"kb:{path}", f"local:{local}", f"cwd:{Path.cwd()}"]
        options += [f"{name}={value}" for name, value in sorted((settings or {}).items())]
        return content_key(files, options)
    except (KnowledgeBaseError, OSError):
        return None


class KnowledgeStore:
    """The national knowledge base, with a council's local layer over it when one is set;
    both are read again on every reload."""

    def __init__(
        self,
        path: Path,
        loaded: LoadedKnowledge,
        *,
        matcher: str = "lexical",
        local: Path | None = None,
        settings: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        semantic: SemanticOptions = SemanticOptions(),
    ) -> None:
        self.path = path
        self.semantic = semantic
        self.local = local
        self.settings = dict(settings or {})
        self.matcher = matcher
        self.cache = BuildCache(cache_dir) if cache_dir is not None else None
        self._current = loaded
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        matcher: str = "lexical",
        local: Path | None = None,
        settings: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        semantic: SemanticOptions = SemanticOptions(),
    ) -> KnowledgeStore:
        """Load ``path`` (and ``local`` over it); raises KnowledgeBaseError listing every
        problem. ``settings`` are the values answers may show (bot/knowledge/configured.py).
        With ``cache_dir``, builds are kept there between runs (see bot/matching/cache.py)."""
        cache = BuildCache(cache_dir) if cache_dir is not None else None
        loaded = LoadedKnowledge.load(
            path, matcher=matcher, local=local, settings=settings, cache=cache, semantic=semantic
        )
        return cls(
            path,
            loaded,
            matcher=matcher,
            local=local,
            settings=settings,
            cache_dir=cache_dir,
            semantic=semantic,
        )

    @property
    def current(self) -> LoadedKnowledge:
        return self._current

    def reload(self) -> LoadedKnowledge:
        """Load again from disk. On error the old knowledge base keeps serving and the
        KnowledgeBaseError is raised for the caller to show."""
        with self._lock:
            loaded = LoadedKnowledge.load(
                self.path,
                matcher=self.matcher,
                local=self.local,
                settings=self.settings,
                cache=self.cache,
                semantic=self.semantic,
            )
            self._current = loaded
        log.info("knowledge base reloaded from %s: %d entries", self.path, len(loaded.kb))
        return loaded
