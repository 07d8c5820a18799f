"""Answer each delivery once. Chat platforms retry deliveries (Slack after 3 s, Teams on
errors), and several bot processes may share one database: the first process to insert a
delivery's row answers, the others skip it.

The database is never waited for before a request is acknowledged, and on the way to a reply
for at most the budget (``COMPACT_DB_BUDGET_MS``):

- ``send``, on PostgreSQL, sends the insert as soon as a request is known to be genuine, on a
  connection kept ready with it prepared (``bot.storage.ready_statement``), so sending never
  waits; with none ready, a worker sends it (``bot.storage.deferred``). It is read late
  (``bot.storage.in_flight``), so the round trip overlaps with matching the question.
- ``won``, just before the reply, reads it: from the send, or claiming there and then.
- If the database cannot decide within the budget (it is away, hung or locked), the process
  falls back on the deliveries it has itself seen (``RecentDeliveries``): a retry that reaches
  the same process is still skipped, one that reaches another process may be answered again.
  Answering twice is better than not answering. A process also skips, without asking the
  database, any delivery it has already answered.

Delivery ids are kept per channel: an adapter names its ``namespace`` (Slack's is empty, so
its event ids are stored as they come).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from bot.chat.recent_deliveries import RecentDeliveries
from bot.errors import DatabaseError
from bot.storage import in_flight
from bot.storage.database import Database
from bot.storage.deferred import Deferred, warn_now_and_then
from bot.storage.ready_statement import ReadyStatement
from bot.storage.tables import DeliveryRow

log = logging.getLogger(__name__)

KEY_LENGTH = 64  # the column's width
KEPT_FOR = timedelta(days=1)  # far longer than any platform retries a delivery
DEFAULT_BUDGET_S = 0.5

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
_PREPARED = "compact_claim_event"
PendingClaim = Deferred[in_flight.InFlight]


class DeliveryClaims:
    def __init__(
        self,
        database: Database | None,
        clock: Callable[[], datetime],
        *,
        namespace: str = "",
        budget_s: float = DEFAULT_BUDGET_S,
    ) -> None:
        self._database = database
        self._clock = clock
        self._namespace = namespace
        self._budget_s = budget_s
        self._recent = RecentDeliveries()
        self._ready = (
            ReadyStatement(database, _CLAIM_SQL, name=_PREPARED, timeout_s=budget_s)
            if database is not None and database.dialect == "postgresql"
            else None
        )

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
        """Start the claim now, without waiting for the database at all; read it with ``won``.
        None where claims are not sent early (SQLite, no database) or cannot be now."""
        database = self._database
        if database is None or not self.sends_early or not delivery_id:
            return None
        if not database.available:
            return None  # it is away: ``won`` answers without it
        values = [self.key(delivery_id), self._clock().isoformat()]
        if self._ready is not None:
            sent = self._ready.send(values)  # inline: a ready connection never waits
            if sent is not None:
                return Deferred.done(sent, release=in_flight.InFlight.abandon)
        try:
            return Deferred.start(
                lambda: in_flight.send(
                    database,
                    _CLAIM_SQL,
                    values,
                    prepared=_PREPARED,
                    timeout_s=self._budget_s,
                ),
                release=in_flight.InFlight.abandon,
            )
        except DatabaseError as exc:
            warn_now_and_then(
                log, "claim", "could not send the claim for %s (%s)", delivery_id, exc
            )
            return None

    def won(self, delivery_id: str | None, pending: PendingClaim | None = None) -> bool:
        """True if this process should answer. Call it once per delivery, just before replying:
        it reads the claim ``send`` started, or claims now; it waits at most the budget."""
        if not delivery_id:
            if pending is not None:
                pending.abandon()
            return True
        key = self.key(delivery_id)
        if key in self._recent:
            if pending is not None:
                pending.abandon()
            log.info("delivery %s was already handled here; skipping the retry", delivery_id)
            return False
        decided = self._decide(key, delivery_id, pending)
        if decided is None:
            # The database could not say: fall back on what this process has answered.
            return self._recent.add(key)
        if decided:
            # Won in the database, unless this process answered it meanwhile without it.
            return self._recent.add(key)
        # Not remembered: the winner may be a delivery of it still being handled here.
        log.info("delivery %s was already handled; skipping the retry", delivery_id)
        return False

    def _decide(self, key: str, delivery_id: str, pending: PendingClaim | None) -> bool | None:
        """Whether the claim's insert returned its row; None if the database did not say."""
        database = self._database
        if database is None or not database.available:
            if pending is not None:
                pending.abandon()
            return None
        deadline = time.monotonic() + self._budget_s
        try:
            if pending is not None:
                sent = pending.result(deadline - time.monotonic())
                return bool(sent.rows(max(0.0, deadline - time.monotonic())))
            statement = _CLAIM_POSTGRES if database.dialect == "postgresql" else _CLAIM_SQLITE
            parameters = {"event_id": key, "received_at": self._clock()}
            return bool(
                Deferred.run(lambda: database.execute_atomic(statement, parameters), self._budget_s)
            )
        except DatabaseError as exc:
            warn_now_and_then(
                log,
                "claim",
                "could not claim delivery %s in the database (%s); this process answers it "
                "once, another process could answer a retry of it again",
                delivery_id,
                exc,
            )
            return None

    def close(self) -> None:
        """Let go of the connections kept ready for claims."""
        if self._ready is not None:
            self._ready.close()

    def forget_old(self) -> None:
        """Delete claims old enough that no platform will retry them."""
        if self._database is None or not self._database.available:
            return
        with self._database.session() as session:
            session.execute(
                delete(DeliveryRow).where(DeliveryRow.received_at < self._clock() - KEPT_FOR)
            )
