"""The induction tour in Teams, asked for by typing "tour" or "my progress".

In the personal chat the tour's card goes there. Asked with an @mention in a channel or group
chat, the card goes to the person's personal chat with a note in the thread; when the bot has
no personal chat with them yet (the app is not installed for them), the note says how to open
one. Each click on the card is an ``Action.Execute`` whose answer is the next card, shown in
place of the one clicked (see ``listeners.actions``). What the tour does is ``bot.chat.tour``;
here is only where Teams shows it.
"""

from __future__ import annotations

import logging

import httpx

from bot.adapters.teams.activities import Arrival
from bot.adapters.teams.cards import card
from bot.adapters.teams.references import Address
from bot.adapters.teams.services import TeamsServices
from bot.chat import tour
from bot.chat.views import notice

log = logging.getLogger(__name__)

SENT_TO_PERSONAL_CHAT = "I've sent you the induction tour in our personal chat."
OPEN_PERSONAL_CHAT = (
    "The induction tour runs in a personal chat with me. Find **Compact Assistant** under "
    "**Apps** in Teams, open it, and type **tour** there."
)


def on_typed(services: TeamsServices, where: Arrival, text: str) -> None:
    """Show the tour once, even when Teams delivers the message twice."""
    if not services.chat.claims.won(where.delivery_id):
        return
    if where.reference.kind == "personal":
        _show(services, where, where.reply_to, text)
        return
    personal = services.references.personal_chat(where.context)
    sent = False
    if personal is not None:
        try:
            sent = _show(services, where, personal, text)
        except (httpx.HTTPError, TimeoutError):
            # Uninstalled since, most likely: Teams refuses a chat the app is no longer in.
            log.warning("could not send the tour to a personal chat; explaining instead")
    note = SENT_TO_PERSONAL_CHAT if sent else OPEN_PERSONAL_CHAT
    services.connector.send_blocking(where.reply_to, card(notice(note)))


def _show(services: TeamsServices, where: Arrival, address: Address, text: str) -> bool:
    view = tour.typed(services.chat, where.context, text)
    if view is None:
        return False
    services.connector.send_blocking(address, card(view))
    return True
