"""The bot added to a personal chat, a group chat or a team: keep where it can send (for the
Champions' posts, their answers and the digest), and greet a person who adds it for themselves,
offering the induction tour (its Start or Resume button is handled in ``listeners.actions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.teams.activities import arrival
from bot.adapters.teams.cards import card
from bot.adapters.teams.services import TeamsServices
from bot.chat.reply_views import reply_view
from bot.chat.tour import home_progress
from bot.chat.tour_views import tour_offer
from bot.chat.views import View
from bot.core.question import Question
from bot.core.replies import SmallTalk, SmallTalkKind
from bot.core.wording import HELP_TEXT

if TYPE_CHECKING:
    from microsoft_teams.api import ConversationUpdateActivity, InstallUpdateActivity


def on_conversation_update(services: TeamsServices, activity: ConversationUpdateActivity) -> None:
    where = arrival(activity)
    if not services.welcomes(where):
        return
    added = {member.id for member in activity.members_added or []}
    if activity.recipient.id in added and where.reference.kind == "personal":
        kb = services.chat.store.current.kb
        welcome = reply_view(
            SmallTalk(Question("help", where.context), SmallTalkKind.HELP, HELP_TEXT), kb
        )
        progress = home_progress(services.chat, where.context)
        if progress is not None:  # None: this knowledge base has no tour
            welcome = View(welcome.summary, (*welcome.blocks, *tour_offer(progress)))
        services.connector.send_blocking(where.reply_to, card(welcome))


def on_installation_update(services: TeamsServices, activity: InstallUpdateActivity) -> None:
    services.welcomes(arrival(activity))
