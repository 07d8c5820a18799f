"""Messages: in a personal chat, or an @mention in a channel or group chat (answered in the
same thread). A message may also be a command: the admin commands ``reload`` and ``stats``,
the tour's ``tour`` and ``my progress`` (see ``listeners.tour``); ``help`` and ``topics`` the
assistant answers itself."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.adapters.teams.activities import Arrival, arrival, question_text
from bot.adapters.teams.cards import card
from bot.adapters.teams.listeners import tour as tour_listener
from bot.adapters.teams.services import TeamsServices
from bot.chat import tour
from bot.chat.admin_commands import is_admin_command, run_admin_command
from bot.chat.reply_views import reply_view
from bot.chat.views import View
from bot.core.question import Question

if TYPE_CHECKING:
    from microsoft_teams.api.activities.message.message import MessageActivity

log = logging.getLogger(__name__)


def on_message(services: TeamsServices, activity: MessageActivity) -> None:
    """Runs in a worker thread (see ``listeners.register_all``)."""
    where = arrival(activity)
    if not services.welcomes(where):
        return
    text = question_text(activity)
    if is_admin_command(text):
        send(services, where, run_admin_command(services.chat, text, where.context))
        return
    if tour.is_command(services.chat, text):
        tour_listener.on_typed(services, where, text)
        return
    answer(services, where, Question(text, where.context))


def answer(services: TeamsServices, where: Arrival, question: Question) -> None:
    """Answer once: the claim goes to the database while the question is matched, and only
    the process that wins it replies (Teams retries deliveries; several processes may run)."""
    chat = services.chat
    assistant = chat.assistant
    pending = chat.claims.send(where.delivery_id)
    with assistant.foreground.busy():
        try:
            prepared = assistant.prepare(question)
        finally:
            won = chat.claims.won(where.delivery_id, pending)
        if not won:
            return
        with assistant.sending(prepared) as reply:
            send(services, where, reply_view(reply, chat.store.current.kb))


def send(services: TeamsServices, where: Arrival, view: View) -> None:
    services.connector.send_blocking(where.reply_to, card(view))
