"""What the Slack listeners need, handed to them as one service object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.adapters.slack.champions import ChampionDesk
from bot.adapters.slack.dedupe import EventClaims
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.induction.service import InductionService
from bot.review.themes import ThemeService
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog, utc_now


@dataclass(frozen=True)
class SlackServices:
    assistant: Assistant
    store: KnowledgeStore
    settings: Settings
    database: Database | None = None
    champions: ChampionDesk | None = None
    themes: ThemeService | None = None
    log: InteractionLog | None = None
    induction: InductionService | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    claims: EventClaims = field(init=False)

    def __post_init__(self) -> None:
        # Built from the database and clock above; the class is frozen, so set once here.
        object.__setattr__(self, "claims", EventClaims(self.database, self.clock))

    def flush_log(self) -> None:
        """Write out questions still queued for the log (it writes behind, see
        ``InteractionLog``), so that gaps and figures read next include them."""
        if self.log is not None:
            self.log.flush()

    def close(self) -> None:
        """Write out queued log rows, then let go of the database's connections."""
        if self.log is not None:
            self.log.close()
        if self.database is not None:
            self.database.dispose()

    def is_admin(self, user: str | None, channel: str | None) -> bool:
        """Admin commands: configured people anywhere, anyone in the review channel."""
        review = self.settings.review_channel
        return bool(user and user in self.settings.admin_user_ids()) or bool(
            review and channel == review
        )

    def is_reviewer(self, user: str | None) -> bool:
        return bool(user and user in self.settings.admin_user_ids())
