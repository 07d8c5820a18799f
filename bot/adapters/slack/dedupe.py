"""Answer each Slack event once, with the shared ``DeliveryClaims``: which events are
questions, and the Bolt middleware that sends their claims early.

The middleware runs as soon as a delivery has passed the signature check, before the
acknowledgement; the listener reads the claim after matching the question, just before it
replies (see ``bot.chat.delivery_claims``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.chat.delivery_claims import DeliveryClaims

_CONTEXT_KEY = "compact_event_claim"


def is_question_event(event: Mapping[str, Any]) -> bool:
    """An @mention, or a message a person typed in a DM: the events the bot answers. Edits,
    joins and the bot's own messages (which Slack also delivers to DMs) are not questions."""
    kind = event.get("type")
    if kind == "app_mention":
        return True
    return (
        kind == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
    )


class EventClaims(Middleware):
    """Sends question events' claims early. A ``Middleware`` subclass, which Bolt calls
    directly, where a function middleware would cost argument injection on every request."""

    def __init__(self, claims: DeliveryClaims) -> None:
        self._claims = claims

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Send the claim: runs after the signature check, before the ack."""
        body = req.body
        event = body.get("event")
        event_id = body.get("event_id")
        if (
            self._claims.sends_early
            and body.get("type") == "event_callback"
            and isinstance(event, dict)
            and isinstance(event_id, str)
            and is_question_event(event)
        ):
            req.context[_CONTEXT_KEY] = self._claims.send(event_id)
        return next()


def event_won(claims: DeliveryClaims, body: dict[str, Any], context: BoltContext) -> bool:
    """True if this process should answer the event. Call it once per question event, just
    before replying: it reads the claim the middleware sent, or claims now if none was sent."""
    return claims.won(body.get("event_id"), context.get(_CONTEXT_KEY))
