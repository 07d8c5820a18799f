"""Send to Teams through the SDK's API client: replies, card updates and proactive messages.

Every send is a plain message into a conversation (never the SDK's ``reply``, which quotes the
person's message); in a channel, sending to the thread's conversation id keeps the reply in
the thread. The listeners do their work (matching, the database) in worker threads, so that
the event loop never waits for it; they send through ``*_blocking``, which hands the send to
the loop and waits for it to finish.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.adapters.teams.references import Address

if TYPE_CHECKING:
    from microsoft_teams.api import ApiClient

log = logging.getLogger(__name__)

CARD = "application/vnd.microsoft.card.adaptive"
BLOCKING_TIMEOUT_S = 60.0  # longer than a send with all its retries can take


class Connector:
    def __init__(self, api: ApiClient) -> None:
        self._api = api
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the SDK's HTTP client runs on (the server's), for ``*_blocking``."""
        self._loop = loop

    async def send(self, address: Address, card: dict[str, Any]) -> str:
        """Post ``card`` as a new message; returns the message's activity id."""
        sent = await self._api.conversations.create_activity(
            address.conversation_id, _message(card), service_url=address.service_url
        )
        return str(sent.id)

    async def update(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        """Replace a message the bot sent earlier (a Champions' post, once answered)."""
        await self._api.conversations.update_activity(
            address.conversation_id,
            activity_id,
            _message(card),
            service_url=address.service_url,
        )

    def send_blocking(self, address: Address, card: dict[str, Any]) -> str:
        return str(self._run(self.send(address, card)))

    def update_blocking(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        self._run(self.update(address, activity_id, card))

    def _run(self, coroutine: Any) -> Any:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("The Teams connector is not attached to the server's event loop.")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(BLOCKING_TIMEOUT_S)


def _message(card: dict[str, Any]) -> Any:
    from microsoft_teams.api.activities.message.message import MessageActivityInput
    from microsoft_teams.api.models.attachment.attachment import Attachment

    return MessageActivityInput().add_attachments(Attachment(content_type=CARD, content=card))
