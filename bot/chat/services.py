"""What a chat adapter's listeners need, handed to them as one service object, and the few
things that differ between channels (who the admins are, where the Champions and the review
group are), so that the same services serve every channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.chat.champion_desk import ChampionDesk
from bot.chat.delivery_claims import DeliveryClaims
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.induction.service import InductionService
from bot.review.themes import ThemeService
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog, utc_now


@dataclass(frozen=True, slots=True)
class ChannelSetup:
    """One channel's people and places, by that channel's own ids. The ``*_setting`` names
    say which setting to change, for messages that tell an administrator what to do."""

    name: str  # as people call the channel: "Slack", "Microsoft Teams"
    admins: frozenset[str] = frozenset()
    champions_conversation: str | None = None
    review_conversation: str | None = None
    champions_setting: str = "COMPACT_CHAMPIONS_CHANNEL"
    review_setting: str = "COMPACT_REVIEW_CHANNEL"

    def is_admin(self, user: str | None, conversation: str | None) -> bool:
        """The admin commands: configured admins anywhere, and anyone in the review channel."""
        review = self.review_conversation
        return self.is_reviewer(user) or bool(review and conversation == review)

    def is_reviewer(self, user: str | None) -> bool:
        """Shown the review group's own views (the open gaps), wherever they are."""
        return bool(user and user in self.admins)


@dataclass(frozen=True)
class ChatServices:
    assistant: Assistant
    store: KnowledgeStore
    settings: Settings
    setup: ChannelSetup
    database: Database | None = None
    champions: ChampionDesk | None = None
    themes: ThemeService | None = None
    log: InteractionLog | None = None
    induction: InductionService | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    claims_namespace: str = ""
    claims: DeliveryClaims = field(init=False)

    def __post_init__(self) -> None:
        # Built from the fields above; the class is frozen, so set once here.
        object.__setattr__(
            self,
            "claims",
            DeliveryClaims(
                self.database,
                self.clock,
                namespace=self.claims_namespace,
                budget_s=self.settings.db_budget_s(),
            ),
        )

    @classmethod
    def from_runtime(
        cls, runtime: Runtime, setup: ChannelSetup, *, claims_namespace: str = ""
    ) -> ChatServices:
        """A channel's services on the process's one runtime: every channel served shares its
        knowledge base, database and log."""
        database = runtime.database
        return cls(
            assistant=runtime.assistant,
            store=runtime.store,
            settings=runtime.settings,
            setup=setup,
            database=database,
            champions=ChampionDesk(database, runtime.store.path) if database else None,
            themes=ThemeService(database=database, knowledge=runtime.store) if database else None,
            log=runtime.log,
            induction=runtime.induction,
            claims_namespace=claims_namespace,
        )

    def flush_log(self) -> None:
        """Write out questions still queued for the log (it writes behind, see
        ``InteractionLog``), so that gaps and figures read next include them."""
        if self.log is not None:
            self.log.flush()

    def close(self) -> None:
        """Write out queued log rows, then let go of the database's connections."""
        self.claims.close()
        if self.log is not None:
            self.log.close()
        if self.database is not None:
            self.database.dispose()

    def is_admin(self, user: str | None, conversation: str | None) -> bool:
        return self.setup.is_admin(user, conversation)

    def is_reviewer(self, user: str | None) -> bool:
        return self.setup.is_reviewer(user)
