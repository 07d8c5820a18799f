from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Reply
from bot.review.themes import ThemeService
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(kb_copy: Path) -> KnowledgeStore:
    return KnowledgeStore.open(kb_copy)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def log(database: Database, clock: Clock) -> InteractionLog:
    return InteractionLog(database, pseudonymiser=Pseudonymiser("review-test-key-123"), clock=clock)


@pytest.fixture
def assistant(store: KnowledgeStore, log: InteractionLog) -> Assistant:
    return Assistant(store=store, log=log)


Ask = Callable[..., Reply]


@pytest.fixture
def ask(assistant: Assistant, clock: Clock) -> Ask:
    def _ask(
        text: str, user: str = "U1", *, days_ago: float = 0, conversation: str = "C1"
    ) -> Reply:
        clock.now = NOW - timedelta(days=days_ago)
        reply = assistant.ask(Question(text, Context(ChannelKind.SLACK, user, conversation, "T1")))
        clock.now = NOW
        return reply

    return _ask


@pytest.fixture
def themes(database: Database, store: KnowledgeStore, clock: Clock) -> ThemeService:
    return ThemeService(database=database, knowledge=store, clock=clock)


EXPENSES = [
    "can volunteers claim travel expenses",
    "how do volunteers claim their travel expenses",
    "volunteer travel expenses claim form",
    "travel expenses for volunteers - how to claim?",
]
PARKING = ["parking permits for charity staff", "charity staff parking permits at the civic centre"]
