"""The knowledge base: YAML files under ``knowledge/``, loaded, validated and indexed."""

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase, Scope, Source, Topic

__all__ = ["Entry", "GlossaryTerm", "KnowledgeBase", "Scope", "Source", "Topic", "load_knowledge"]
