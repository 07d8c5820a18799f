"""Where the bot can send in Teams without being asked first: conversation references.

A proactive message (the Champions' question, a Champion's answer, the weekly digest) needs
the conversation's id and the service URL that reaches it. Teams gives both with every
activity; they are kept in the database when the bot is installed or first messaged, so any
bot process can send later. A conversation seen before is not written again unless its
service URL has changed, so answering does not wait for the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import DatabaseError
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now
from bot.storage.tables import TeamsConversationRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Address:
    """A conversation (a chat, a channel, or one thread in a channel) and its service URL."""

    service_url: str
    conversation_id: str

    @property
    def base_id(self) -> str:
        """The conversation without the thread: ``19:...@thread.tacv2;messageid=1`` -> the channel."""
        return base_conversation_id(self.conversation_id)


@dataclass(frozen=True, slots=True)
class Reference:
    address: Address
    kind: str  # personal, groupChat or channel
    tenant_id: str | None = None
    team_id: str | None = None


def base_conversation_id(conversation_id: str) -> str:
    return conversation_id.split(";", 1)[0]


class ConversationReferences:
    def __init__(
        self,
        database: Database | None,
        *,
        default_service_url: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._database = database
        self._default = default_service_url.rstrip("/")
        self._clock = clock
        self._known: dict[str, str] = {}  # conversation id -> service URL already stored

    def remember(self, reference: Reference) -> None:
        """Keep the reference; a database that is down loses it, never the conversation."""
        key = reference.address.base_id
        url = reference.address.service_url.rstrip("/")
        if self._database is None or self._known.get(key) == url:
            return
        values = {
            "conversation_id": key,
            "service_url": url,
            "tenant_id": reference.tenant_id,
            "kind": reference.kind,
            "team_id": reference.team_id,
            "updated_at": self._clock(),
        }
        dialect = postgresql if self._database.dialect == "postgresql" else sqlite
        statement = dialect.insert(TeamsConversationRow).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["conversation_id"],
            set_={name: statement.excluded[name] for name in values if name != "conversation_id"},
        )
        database = self._database
        try:  # on the answering path: waits at most the database budget
            database.bounded(lambda: database.execute_atomic(statement), what="keep a reference")
        except (SQLAlchemyError, DatabaseError) as exc:
            log.warning("could not keep the Teams conversation reference for %s (%s)", key, exc)
            return
        self._known[key] = url

    def address(self, conversation_id: str) -> Address:
        """Where to send to ``conversation_id`` (a channel id, say): its own service URL if the
        bot has seen it, else the latest one seen in the tenant, else the configured default."""
        key = base_conversation_id(conversation_id)
        url = self._known.get(key) or self._stored_url(key) or self._default
        return Address(url, conversation_id)

    def _stored_url(self, key: str) -> str | None:
        if self._database is None:
            return None
        try:
            with self._database.session() as session:
                exact = session.get(TeamsConversationRow, key)
                if exact is not None:
                    return exact.service_url
                return session.scalars(
                    select(TeamsConversationRow.service_url)
                    .order_by(TeamsConversationRow.updated_at.desc())
                    .limit(1)
                ).first()
        except (SQLAlchemyError, DatabaseError):
            log.exception("could not read the Teams conversation references")
            return None
