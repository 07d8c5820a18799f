"""Answer each Slack event once: Slack retries deliveries, and several bot processes may share
one database. The first process to insert the event's row answers; the others skip it.

On PostgreSQL the insert is sent early and read late (see ``bot.storage.in_flight``): Bolt
middleware sends it as soon as a delivery has passed the signature check, before the
acknowledgement, and the listener reads the result after matching the question, just before
it replies. The round trip then overlaps with work the reply needs anyway instead of adding
to it, and the row is still written before any reply is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sized
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import DatabaseError
from bot.storage import in_flight
from bot.storage.availability import failure_reason
from bot.storage.database import Database
from bot.storage.tables import SlackEventRow

log = logging.getLogger(__name__)

# Built once: constructing a statement per event costs more than running it.
_CLAIM_POSTGRES, _CLAIM_SQLITE = (
    insert(SlackEventRow)
    .on_conflict_do_nothing(index_elements=["event_id"])
    .returning(SlackEventRow.event_id)
    for insert in (postgresql.insert, sqlite.insert)
)
_CLAIM_SQL = (
    f"INSERT INTO {SlackEventRow.__tablename__} (event_id, received_at) VALUES ($1, $2) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
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


def claim_event(database: Database | None, event_id: str | None, now: datetime) -> bool:
    """True if this process should handle the event."""
    if database is None or not event_id or not database.available:
        return True
    # One statement and one round trip: "insert unless present" tells us whether we won,
    # without the cost of an ORM session and a rolled-back unique-key violation.
    statement = _CLAIM_POSTGRES if database.dialect == "postgresql" else _CLAIM_SQLITE
    return _claimed(
        event_id,
        lambda: database.execute_atomic(statement, {"event_id": event_id, "received_at": now}),
    )


def _claimed(event_id: str | None, inserted_rows: Callable[[], Sized]) -> bool:
    """Whether the claim's insert returned its row; True (answer) if it failed."""
    try:
        claimed = bool(inserted_rows())
    except (SQLAlchemyError, DatabaseError) as exc:
        # Better to risk answering twice than to leave someone unanswered.
        log.warning(
            "could not record event %s (%s); answering anyway", event_id, failure_reason(exc)
        )
        return True
    if not claimed:
        log.info("event %s was already handled; skipping the retry", event_id)
    return claimed


class EventClaims(Middleware):
    """Claims question events early (see the module docstring). It is the Bolt middleware
    that sends the claim (``app.use(claims)``): a ``Middleware`` subclass, which Bolt calls
    directly, where a function middleware would cost argument injection on every request."""

    def __init__(self, database: Database | None, clock: Callable[[], datetime]) -> None:
        self._database = database
        self._clock = clock

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Send the claim: runs after the signature check, before the ack."""
        body, context = req.body, req.context
        event = body.get("event")
        event_id = body.get("event_id")
        if (
            self._database is not None
            and self._database.dialect == "postgresql"
            and self._database.available
            and body.get("type") == "event_callback"
            and isinstance(event, dict)
            and isinstance(event_id, str)
            and is_question_event(event)
        ):
            try:
                context[_CONTEXT_KEY] = in_flight.send(
                    self._database,
                    _CLAIM_SQL,
                    [event_id, self._clock().isoformat()],
                    prepared="compact_claim_event",
                )
            except DatabaseError:
                log.exception("could not send the claim for event %s; trying again later", event_id)
        return next()

    def won(self, body: dict[str, Any], context: BoltContext) -> bool:
        """True if this process should answer. Call it once per question event, just before
        replying: it reads the early claim, or claims now if none was sent."""
        event_id = body.get("event_id")
        pending: in_flight.InFlight | None = context.get(_CONTEXT_KEY)
        if pending is None:
            return claim_event(self._database, event_id, self._clock())
        return _claimed(event_id, pending.rows)
