"""Register the Teams listeners on the SDK's app.

Each listener is a plain function run in a worker thread, so that matching and the database
never hold up the event loop. This is the one place where a listener's crash is caught: it is
logged with its traceback, the person gets a polite message, and Teams gets a 200 (repeated
500s make Teams stop delivering to the bot).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from bot.adapters.teams.activities import arrival
from bot.adapters.teams.cards import card
from bot.adapters.teams.listeners import actions, installs, messages
from bot.adapters.teams.services import TeamsServices
from bot.chat.views import notice

if TYPE_CHECKING:
    from microsoft_teams.api import (
        ActivityBase,
        ConversationUpdateActivity,
        InstallUpdateActivity,
    )
    from microsoft_teams.api.activities import Activity
    from microsoft_teams.api.activities.invoke.adaptive_card.action import (
        AdaptiveCardInvokeActivity,
    )
    from microsoft_teams.api.activities.message.message import MessageActivity
    from microsoft_teams.apps import ActivityContext, App

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def register_all(app: App, services: TeamsServices) -> None:
    @app.on_message
    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        try:
            await run_in_threadpool(messages.on_message, services, ctx.activity)
        except Exception:
            log.exception("the Teams message listener failed")
            await _apologise(services, ctx.activity)

    @app.on_card_action
    async def on_card_action(ctx: ActivityContext[AdaptiveCardInvokeActivity]) -> Any:
        try:
            return await run_in_threadpool(actions.on_card_action, services, ctx.activity)
        except Exception:
            log.exception("the Teams card action listener failed")
            return actions.message(SORRY)

    @app.on_conversation_update
    async def on_conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        try:
            await run_in_threadpool(installs.on_conversation_update, services, ctx.activity)
        except Exception:
            log.exception("the Teams conversation update listener failed")

    @app.on_installation_update
    async def on_installation_update(ctx: ActivityContext[InstallUpdateActivity]) -> None:
        try:
            await run_in_threadpool(installs.on_installation_update, services, ctx.activity)
        except Exception:
            log.exception("the Teams installation listener failed")

    @app.on_activity
    async def on_anything_else(ctx: ActivityContext[Activity]) -> None:
        # Only activities no listener above takes reach here (the SDK runs the first match).
        log.info("Teams activity of type %s not handled", ctx.activity.type)


async def _apologise(services: TeamsServices, activity: ActivityBase) -> None:
    try:
        await services.connector.send(arrival(activity).reply_to, card(notice(SORRY)))
    except Exception:
        log.exception("could not tell the person something went wrong")
