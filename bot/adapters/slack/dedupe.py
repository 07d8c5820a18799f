"""Answer each Slack event once: Slack retries deliveries, and several bot processes may share
one database. The first process to insert the event's row answers; the others skip it."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

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


def claim_event(database: Database | None, event_id: str | None, now: datetime) -> bool:
    """True if this process should handle the event."""
    if database is None or not event_id:
        return True
    # One statement and one round trip: "insert unless present" tells us whether we won,
    # without the cost of an ORM session and a rolled-back unique-key violation.
    statement = _CLAIM_POSTGRES if database.dialect == "postgresql" else _CLAIM_SQLITE
    try:
        claimed = bool(
            database.execute_atomic(statement, {"event_id": event_id, "received_at": now})
        )
    except SQLAlchemyError:
        # Better to risk answering twice than to leave someone unanswered.
        log.exception("could not record event %s; answering anyway", event_id)
        return True
    if not claimed:
        log.info("event %s was already handled; skipping the retry", event_id)
    return claimed
