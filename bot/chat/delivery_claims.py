"""Answer each delivery once. Chat platforms retry deliveries (Slack after 3 s, Teams on
errors), and several bot processes may share one database: the first process to insert a
delivery's row answers, the others skip it.

On PostgreSQL the insert can be sent early and read late (see ``bot.storage.in_flight``): an
adapter ``send``s the claim as soon as a request is known to be genuine, matches the question
while the database works, and reads the result with ``won`` just before it replies. The round
trip then overlaps with work the reply needs anyway, and the row is still written before any
reply is sent. Elsewhere ``won`` claims there and then.

Delivery ids are kept per channel: an adapter names its ``namespace`` (Slack's is empty, so
its event ids are stored as they come).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sized
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import DatabaseError
from bot.storage import in_flight
from bot.storage.availability import failure_reason
from bot.storage.database import Database
from bot.storage.tables import DeliveryRow

log = logging.getLogger(__name__)

KEY_LENGTH = 64  # the column's width
KEPT_FOR = timedelta(days=1)  # far longer than any platform retries a delivery

# Built once: constructing a statement per delivery costs more than running it.
_CLAIM_POSTGRES, _CLAIM_SQLITE = (
    insert(DeliveryRow)
    .on_conflict_do_nothing(index_elements=["event_id"])
    .returning(DeliveryRow.event_id)
    for insert in (postgresql.insert, sqlite.insert)
)
_CLAIM_SQL = (
    f"INSERT INTO {DeliveryRow.__tablename__} (event_id, received_at) VALUES ($1, $2) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
PendingClaim = in_flight.InFlight


class DeliveryClaims:
    def __init__(
        self, database: Database | None, clock: Callable[[], datetime], *, namespace: str = ""
    ) -> None:
        self._database = database
        self._clock = clock
        self._namespace = namespace

    def key(self, delivery_id: str) -> str:
        """The row's key: the id in this channel's namespace, hashed if it would not fit."""
        key = f"{self._namespace}{delivery_id}"
        if len(key) <= KEY_LENGTH:
            return key
        digest = hashlib.sha256(delivery_id.encode()).hexdigest()
        return f"{self._namespace}{digest}"[:KEY_LENGTH]

    @property
    def sends_early(self) -> bool:
        return self._database is not None and self._database.dialect == "postgresql"

    def send(self, delivery_id: str) -> PendingClaim | None:
        """Send the claim now and read it later with ``won``; None where claims are not sent
        early (SQLite, no database) or the send failed (``won`` then claims again)."""
        if not self.sends_early or not delivery_id:
            return None
        assert self._database is not None
        if not self._database.available:
            return None  # it is away: ``won`` answers without it
        try:
            return in_flight.send(
                self._database,
                _CLAIM_SQL,
                [self.key(delivery_id), self._clock().isoformat()],
                prepared="compact_claim_event",
            )
        except DatabaseError as exc:
            log.warning(
                "could not send the claim for %s (%s); trying again later", delivery_id, exc
            )
            return None

    def won(self, delivery_id: str | None, pending: PendingClaim | None = None) -> bool:
        """True if this process should answer. Call it once per delivery, just before replying:
        it reads the claim ``send`` sent, or claims now if none was sent."""
        if pending is not None:
            return _claimed(delivery_id, pending.rows)
        database = self._database
        if database is None or not delivery_id or not database.available:
            return True
        # One statement and one round trip: "insert unless present" tells us whether we won,
        # without the cost of an ORM session and a rolled-back unique-key violation.
        statement = _CLAIM_POSTGRES if database.dialect == "postgresql" else _CLAIM_SQLITE
        parameters = {"event_id": self.key(delivery_id), "received_at": self._clock()}
        return _claimed(delivery_id, lambda: database.execute_atomic(statement, parameters))

    def forget_old(self) -> None:
        """Delete claims old enough that no platform will retry them."""
        if self._database is None or not self._database.available:
            return
        with self._database.session() as session:
            session.execute(
                delete(DeliveryRow).where(DeliveryRow.received_at < self._clock() - KEPT_FOR)
            )


def _claimed(delivery_id: str | None, inserted_rows: Callable[[], Sized]) -> bool:
    """Whether the claim's insert returned its row; True (answer) if it failed."""
    try:
        claimed = bool(inserted_rows())
    except (SQLAlchemyError, DatabaseError) as exc:
        # Better to risk answering twice than to leave someone unanswered.
        log.warning(
            "could not record delivery %s (%s); answering anyway", delivery_id, failure_reason(exc)
        )
        return True
    if not claimed:
        log.info("delivery %s was already handled; skipping the retry", delivery_id)
    return claimed
