"""Card buttons (``Action.Execute``): feedback, did-you-mean choices, related questions, the
topics, Ask a Compact Champion and a Champion's answer, the digest's triage buttons, and the
induction tour's. Every click is recorded against the interaction it belongs to (see
``bot.chat.clicks``).

Teams waits for the answer to a click: it is a short message Teams shows under the card, or
a new card that replaces the one clicked (a did-you-mean becomes its answer; a Champions'
post shows who answered; the tour moves on in the one card).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx

from bot.adapters.teams.activities import Arrival, arrival
from bot.adapters.teams.cards import ANSWER_INPUT, card
from bot.adapters.teams.routes import refuse
from bot.adapters.teams.services import TeamsServices
from bot.chat import champions, clicks, tour, wording
from bot.chat.action_values import Action, ActionValue
from bot.chat.views import View
from bot.errors import ReviewActionError
from bot.review.themes import ThemeStatus

if TYPE_CHECKING:
    from microsoft_teams.api.activities.invoke.adaptive_card.action import (
        AdaptiveCardInvokeActivity,
    )

log = logging.getLogger(__name__)

InvokeResponse = dict[str, Any]
NOT_OURS = wording.BUTTON_GONE
NOT_A_TOUR_BUTTON = tour.not_a_tour_button().summary
CHAMPIONS_UNREACHABLE = (
    "Sorry, I couldn't reach the Compact Champions just now. Please try again in a few minutes."
)


def message(text: str) -> InvokeResponse:
    """A short message Teams shows under the card that was clicked."""
    return {
        "status": 200,
        "body": {
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": text,
        },
    }


def replace_with(view: View, *, names: dict[str, str] | None = None) -> InvokeResponse:
    """A new card in place of the one that was clicked."""
    return {
        "status": 200,
        "body": {
            "statusCode": 200,
            "type": "application/vnd.microsoft.card.adaptive",
            "value": card(view, names=names),
        },
    }


def on_card_action(services: TeamsServices, activity: AdaptiveCardInvokeActivity) -> InvokeResponse:
    """Runs in a worker thread (see ``listeners.register_all``)."""
    where = arrival(activity)
    if not services.welcomes(where):
        return message(NOT_OURS)
    data = activity.value.action.data or {}
    for key in ("action", "value", ANSWER_INPUT):  # our cards send these as text only
        if data.get(key) is not None and not isinstance(data[key], str):
            # str() would make {"x": 1} a Champion's answer, or a button's value
            refuse(f"value.action.data.{key} is {type(data[key]).__name__}, not text")
            return message(NOT_OURS)
    try:
        action = Action(str(data.get("action") or activity.value.action.verb or ""))
    except ValueError:
        log.info("Teams card action %r is not one of ours", activity.value.action.verb)
        return message(NOT_OURS)
    return _act(services, where, action, str(data.get("value") or ""), data)


def _act(
    services: TeamsServices, where: Arrival, action: Action, value: str, data: dict[str, Any]
) -> InvokeResponse:
    chat, context = services.chat, where.context
    match action:
        case Action.HELPFUL | Action.NOT_HELPFUL:
            helpful = action is Action.HELPFUL
            return message(
                clicks.feedback(chat, context, ActionValue.decode(value), helpful=helpful).summary
            )
        case Action.CHOOSE:
            return replace_with(clicks.choose(chat, context, ActionValue.decode(value)))
        case Action.NONE_OF_THESE:
            return replace_with(clicks.none_of_these(chat, context, ActionValue.decode(value)))
        case Action.RELATED:
            view = clicks.related(chat, context, ActionValue.decode(value))
            services.connector.send_blocking(where.reply_to, card(view))
            return message(view.summary)
        case Action.SHOW_TOPICS:
            view = clicks.topics(chat)
            services.connector.send_blocking(where.reply_to, card(view))
            return message(view.summary)
        case Action.ASK_CHAMPION:
            return _escalate(services, where, ActionValue.decode(value))
        case Action.CHAMPION_ANSWER:
            return _champion_answer(services, where, value, str(data.get(ANSWER_INPUT) or ""))
        case Action.TOUR:
            # The value is the tour event as the card carried it; the core tells a stale or
            # repeated click from a fresh one.
            step = tour.clicked(chat, context, value)
            return replace_with(step) if step is not None else message(NOT_A_TOUR_BUTTON)
        case Action.START_TOUR:  # the welcome's Start or Resume: the tour in a card of its own
            started = tour.started(chat, context, value)
            if started is None:
                return message(NOT_A_TOUR_BUTTON)
            services.connector.send_blocking(where.reply_to, card(started))
            return message(started.summary)
        case Action.THEME_IN_REVIEW | Action.THEME_IGNORE:
            status = (
                ThemeStatus.IN_REVIEW if action is Action.THEME_IN_REVIEW else ThemeStatus.IGNORED
            )
            return message(clicks.triage(chat, context, value, status).summary)
        case _:
            log.info("Teams card action %s has nothing to do in Teams", action)
            return message(NOT_OURS)


def _escalate(services: TeamsServices, where: Arrival, value: ActionValue) -> InvokeResponse:
    escalation = champions.escalate(services.chat, where.context, value)
    if isinstance(escalation, View):
        return message(escalation.summary)
    question = escalation.question
    services.replies.remember(question.id, where.reply_to)
    post_to = services.references.address(escalation.conversation)
    try:
        posted = services.connector.send_blocking(post_to, card(escalation.post))
    except (httpx.HTTPError, TimeoutError):
        log.exception(
            "could not post Champion question %s to %s", question.id, post_to.conversation_id
        )
        return message(CHAMPIONS_UNREACHABLE)
    champions.record_post(
        services.chat, question.id, conversation=post_to.conversation_id, message=posted
    )
    return message(escalation.to_asker.summary)


def _champion_answer(
    services: TeamsServices, where: Arrival, value: str, text: str
) -> InvokeResponse:
    try:
        answered = champions.answer(services.chat, value, champion=where.context.user_id, text=text)
    except ReviewActionError as exc:
        return message(str(exc))
    asker = services.replies.address(answered.question.id)
    if asker is None:
        log.warning("Champion question %s has no conversation to answer in", answered.question.id)
    else:
        try:
            services.connector.send_blocking(asker, card(answered.to_asker))
        except (httpx.HTTPError, TimeoutError):
            log.exception(
                "could not send the Champion's answer to question %s", answered.question.id
            )
        else:
            services.replies.forget(answered.question.id)
    return replace_with(answered.post, names={where.context.user_id: where.user_name})
