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
from bot.adapters.slack.payloads import action_context, clicked_value, clicker, context_of
from bot.chat import tour
from bot.chat.services import ChatServices
from bot.chat.views import View
from bot.induction.events import typed_command


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
) -> bool:
    """A DM that is a tour command ("tour", "my progress") posts the tour there, once even
    if Slack delivers the message twice. False when the message is a question."""
    text = event.get("text") or ""
    if typed_command(text) is None or services.induction is None:
        return False
    if event_won(services.claims, body, context):
        where = context_of(body, user=event.get("user"), conversation=event.get("channel"))
        view = tour.typed(services, where, text)
        if view is not None:
            say(**message(view))
    return True
