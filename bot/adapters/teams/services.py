"""What the Teams listeners need, handed to them as one service object: the channel-neutral
chat services, and the few Teams parts (where to send, and how)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.adapters.teams.activities import Arrival
from bot.adapters.teams.champion_replies import ChampionReplies
from bot.adapters.teams.connector import Connector
from bot.adapters.teams.references import ConversationReferences
from bot.chat.services import ChatServices

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamsServices:
    chat: ChatServices
    references: ConversationReferences
    connector: Connector
    replies: ChampionReplies
    tenant_id: str | None = None  # the one tenant served; None only without authentication

    def welcomes(self, where: Arrival) -> bool:
        """An activity from the tenant the bot serves; anything else is logged and dropped.
        Remembers where it came from, for proactive messages later."""
        if self.tenant_id and where.tenant_id != self.tenant_id:
            log.warning(
                "Teams activity from tenant %s dropped: this bot serves tenant %s",
                (where.tenant_id or "none")[:64],
                self.tenant_id,
            )
            return False
        self.references.remember(where.reference)
        return True
