"""The induction tour in Slack: started from App Home, ``/compact tour`` or "tour" in a DM.
Every click updates the one tour message in place: ``chat.update`` for a message in the DM,
the response URL for the private reply to ``/compact``. The tour's logic is the core's
(``bot.induction``); this only parses payloads and renders views."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond, Say
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.payloads import context_of
from bot.adapters.slack.services import SlackServices
from bot.adapters.slack.tour_blocks import tour_blocks
from bot.induction.events import TourEvent, Verb, typed_command
from bot.induction.views import TourView

NOT_A_TOUR_BUTTON = "That button no longer works. Type `/compact tour` to carry on with the tour."


def _clicked(body: dict[str, Any]) -> tuple[str | None, TourEvent | None]:
    action = (body.get("actions") or [{}])[0]
    user = (body.get("user") or {}).get("id")
    return user, TourEvent.decode(action.get("value"))


def _where(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def register(app: App, services: SlackServices) -> None:
    induction = services.induction

    @app.action(ids.START_TOUR)
    def on_start(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """App Home's Start / Resume button: the tour opens in the person's DM with the bot."""
        ack()
        user, event = _clicked(body)
        if induction is None or not user:
            return
        view = induction.handle(context_of(body, user=user, conversation=None), event or START)
        text, blocks = tour_blocks(view)
        client.chat_postMessage(channel=user, text=text, blocks=blocks)

    @app.action(ids.matcher(ids.TOUR))
    def on_click(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        user, event = _clicked(body)
        if induction is None or not user:
            return
        if event is None:
            respond(response_type="ephemeral", replace_original=False, text=NOT_A_TOUR_BUTTON)
            return
        view = induction.handle(context_of(body, user=user, conversation=_where(body)), event)
        show_in_place(body, view, client, respond)


START = TourEvent(Verb.START)


def show_in_place(
    body: dict[str, Any], view: TourView, client: WebClient, respond: Respond
) -> None:
    """Replace the message the click came from with the next view."""
    text, blocks = tour_blocks(view)
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if container.get("type") == "message" and not container.get("is_ephemeral") and channel and ts:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    elif body.get("response_url"):
        respond(replace_original=True, text=text, blocks=blocks)
    else:
        user = (body.get("user") or {}).get("id") or ""
        client.chat_postMessage(channel=user, text=text, blocks=blocks)


def tour_command_reply(
    services: SlackServices, text: str, command: dict[str, Any]
) -> tuple[str, list[dict[str, Any]]] | None:
    """``/compact tour`` (or "my progress", "restart the tour"): the view to send privately,
    or None when the text is not a tour command."""
    event = typed_command(text)
    if event is None or services.induction is None:
        return None
    user, channel = command.get("user_id"), command.get("channel_id")
    view = services.induction.handle(context_of(command, user=user, conversation=channel), event)
    return tour_blocks(view)


def answered_as_tour(
    services: SlackServices,
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    say: Say,
) -> bool:
    """A DM that is a tour command ("tour", "my progress") starts or shows the tour, once even
    if Slack delivers the message twice. False when the message is a question."""
    command = typed_command(event.get("text") or "")
    if command is None or services.induction is None:
        return False
    if services.claims.won(body, context):
        user = event.get("user")
        view = services.induction.handle(
            context_of(body, user=user, conversation=event.get("channel")), command
        )
        text, blocks = tour_blocks(view)
        say(text=text, blocks=blocks)
    return True
