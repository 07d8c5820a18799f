"""Storage: the interaction log on SQLAlchemy 2 (SQLite by default, PostgreSQL in production)."""

from bot.core.recording import FeedbackKind
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog, LoggedInteraction
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.redaction import redact

__all__ = [
    "Database",
    "FeedbackKind",
    "InteractionLog",
    "LoggedInteraction",
    "Pseudonymiser",
    "redact",
]
