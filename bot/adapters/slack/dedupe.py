"""Answer each Slack event once: Slack retries deliveries, and several bot processes may share
one database. The first process to insert the event's row answers; the others skip it."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.storage.database import Database
from bot.storage.tables import SlackEventRow

log = logging.getLogger(__name__)


def claim_event(database: Database | None, event_id: str | None, now: datetime) -> bool:
    """True if this process should handle the event."""
    if database is None or not event_id:
        return True
    try:
        with database.session() as session:
            session.add(SlackEventRow(event_id=event_id, received_at=now))
        return True
    except IntegrityError:
        log.info("event %s was already handled; skipping the retry", event_id)
        return False
    except SQLAlchemyError:
        # Better to risk answering twice than to leave someone unanswered.
        log.exception("could not record event %s; answering anyway", event_id)
        return True
