"""The induction tour in Slack: started from App Home, ``/compact tour`` or "tour" in a DM.
Every click updates the one tour message in place: ``chat.update`` for a message in the DM,
the response URL for the private reply to ``/compact``. What the tour does is
``bot.chat.tour``; here is only where Slack shows it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond, Say
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import message, render
from bot.adapters.slack.dedupe import event_won
from bot.adapters.slack.payloads import (
    action_context,
    clicked_value,
    clicker,
    context_of,
    question_from_event,
)
from bot.chat import tour
from bot.chat.services import ChatServices
from bot.chat.views import View

SENT_TO_DM = "I've sent you the induction tour in a direct message."


def register(app: App, services: ChatServices) -> None:
    @app.action(ids.START_TOUR)
    def on_start(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """App Home's Start or Resume button: the tour opens in the DM with the assistant."""
        ack()
        user = clicker(body)
        view = tour.started(services, action_context(body), clicked_value(body))
        if view is not None and user:
            client.chat_postMessage(channel=user, **message(view))

    @app.action(ids.matcher(ids.TOUR))
    def on_click(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        view = tour.clicked(services, action_context(body), clicked_value(body))
        if view is None:
            respond(
                response_type="ephemeral",
                replace_original=False,
                **message(tour.not_a_tour_button()),
            )
            return
        show_in_place(body, view, client, respond)


def show_in_place(body: dict[str, Any], view: View, client: WebClient, respond: Respond) -> None:
    """Replace the tour message the click came from with the next view."""
    text, blocks = render(view)
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("type") == "message" and not container.get("is_ephemeral") and channel and ts:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    elif body.get("response_url"):
        respond(replace_original=True, text=text, blocks=blocks)
    else:
        client.chat_postMessage(channel=clicker(body) or "", text=text, blocks=blocks)


def answered_as_tour(
    services: ChatServices,
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    say: Say,
    client: WebClient,
) -> bool:
    """A DM or @mention that is a tour command ("tour", "my progress") gets the tour, once
    even if Slack delivers the message twice: in the DM itself, or, for an @mention in a
    channel, in the person's DM with a note in the thread. False when it is a question."""
    text = question_from_event(event, body).text  # without the @mention of the assistant
    if not tour.is_command(services, text):
        return False
    if not event_won(services.claims, body, context):
        return True
    user = event.get("user") or ""
    in_dm = event.get("channel_type") == "im"
    where = context_of(body, user=user, conversation=event.get("channel") if in_dm else user)
    view = tour.typed(services, where, text)
    if view is None:
        return True
    if in_dm:
        say(**message(view))
    else:
        client.chat_postMessage(channel=user, **message(view))
        say(text=SENT_TO_DM, thread_ts=event.get("thread_ts") or event.get("ts"))
    return True
