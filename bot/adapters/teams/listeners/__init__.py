"""Register the Teams listeners on the SDK's app.

Each listener is a plain function run in a worker thread, so that matching and the database
never hold up the event loop. This is the one place where a listener's crash is caught: it is
logged with its traceback, the person gets a polite message, and Teams gets a 200 (repeated
500s make Teams stop delivering to the bot).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from bot.adapters.teams.activities import address_problem, arrival
from bot.adapters.teams.cards import card
from bot.adapters.teams.listeners import actions, installs, messages
from bot.adapters.teams.routes import refuse
from bot.adapters.teams.services import TeamsServices
from bot.chat.views import notice

if TYPE_CHECKING:
    from microsoft_teams.api import ActivityBase
    from microsoft_teams.api.activities import Activity
    from microsoft_teams.apps import ActivityContext, App

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def register_all(app: App, services: TeamsServices) -> None:
    app.use(_refuse_unaddressable)  # first: it runs before every listener
    app.on_message(_in_worker(services, messages.on_message, "message", apology=_apologise))
    app.on_card_action(
        _in_worker(services, actions.on_card_action, "card action", answer=actions.message(SORRY))
    )
    app.on_conversation_update(
        _in_worker(services, installs.on_conversation_update, "conversation update")
    )
    app.on_installation_update(
        _in_worker(services, installs.on_installation_update, "installation update")
    )

    @app.on_activity
    async def on_anything_else(ctx: ActivityContext[Activity]) -> None:
        # Only activities no listener above takes reach here (the SDK runs the first match).
        log.info("Teams activity of type %s not handled", ctx.activity.type)


async def _refuse_unaddressable(ctx: ActivityContext[ActivityBase]) -> None:
    """An activity naming a conversation no reply could be sent to goes no further: no
    listener, no apology (which would fail the same way), one log line and a 400."""
    problem = address_problem(ctx.activity)
    if problem is not None:
        refuse(problem)
        return
    await ctx.next()


def _in_worker(
    services: TeamsServices,
    listener: Callable[[TeamsServices, Any], Any],
    what: str,
    *,
    answer: Any = None,
    apology: Callable[[TeamsServices, Any], Awaitable[None]] | None = None,
) -> Any:
    """An SDK handler that runs ``listener`` in a worker thread. On a crash: log it, say
    sorry (``apology``), and give Teams ``answer`` (an invoke needs one) with a 200."""

    async def handler(ctx: ActivityContext[Any]) -> Any:
        try:
            return await run_in_threadpool(listener, services, ctx.activity)
        except Exception:
            log.exception("the Teams %s listener failed", what)
            if apology is not None:
                await apology(services, ctx.activity)
            return answer

    return handler


async def _apologise(services: TeamsServices, activity: ActivityBase) -> None:
    try:
        await services.connector.send(arrival(activity).reply_to, card(notice(SORRY)))
    except Exception:
        log.exception("could not tell the person something went wrong")
