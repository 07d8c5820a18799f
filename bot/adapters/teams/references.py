"""Where the bot can send in Teams without being asked first: conversation references.

A proactive message (the Champions' question, a Champion's answer, the weekly digest, the
tour asked for in a channel) needs the conversation's id and the service URL that reaches it.
Teams gives both with every activity; they are kept in the database when the bot is installed
or first messaged, so any bot process can send later. A personal chat also keeps whose it is,
as a keyed hash of the person (never their id). A conversation seen before is not written
again unless its service URL has changed, so answering does not wait for the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.core.question import Context
from bot.errors import DatabaseError
from bot.storage.database import Database
from bot.storage.interaction_log import utc_now
from bot.storage.pseudonyms import Pseudonymiser
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
    person: Context | None = None  # whose personal chat this is (personal chats only)


def base_conversation_id(conversation_id: str) -> str:
    return conversation_id.split(";", 1)[0]


class ConversationReferences:
    def __init__(
        self,
        database: Database | None,
        *,
        default_service_url: str,
        pseudonymiser: Pseudonymiser | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._database = database
        self._default = default_service_url.rstrip("/")
        self._pseudonymiser = pseudonymiser
        self._clock = clock
        # conversation id -> (service URL, person's hash) already stored
        self._known: dict[str, tuple[str, str | None]] = {}

    def remember(self, reference: Reference) -> None:
        """Keep the reference; a database that is down loses it, never the conversation."""
        key = reference.address.base_id
        url = reference.address.service_url.rstrip("/")
        user_hash = self._hash(reference.person)
        if self._database is None or self._known.get(key) == (url, user_hash):
            return
        values = {
            "conversation_id": key,
            "service_url": url,
            "tenant_id": reference.tenant_id,
            "kind": reference.kind,
            "team_id": reference.team_id,
            "user_hash": user_hash,
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
        self._known[key] = (url, user_hash)

    def personal_chat(self, person: Context) -> Address | None:
        """The personal chat the bot has with ``person``, if it has ever been in one (the app
        installed for them, or a message from them there); None otherwise."""
        user_hash = self._hash(person)
        if self._database is None or user_hash is None:
            return None
        try:
            with self._database.session() as session:
                row = session.scalars(
                    select(TeamsConversationRow)
                    .where(
                        TeamsConversationRow.user_hash == user_hash,
                        TeamsConversationRow.kind == "personal",
                    )
                    .order_by(TeamsConversationRow.updated_at.desc())
                    .limit(1)
                ).first()
                return Address(row.service_url, row.conversation_id) if row else None
        except (SQLAlchemyError, DatabaseError):
            log.exception("could not read the Teams personal chat references")
            return None

    def _hash(self, person: Context | None) -> str | None:
        if person is None or self._pseudonymiser is None:
            return None
        return self._pseudonymiser.user(person)

    def address(self, conversation_id: str) -> Address:
        """Where to send to ``conversation_id`` (a channel id, say): its own service URL if the
        bot has seen it, else the latest one seen in the tenant, else the configured default."""
        key = base_conversation_id(conversation_id)
        known = self._known.get(key)
        url = (known[0] if known else None) or self._stored_url(key) or self._default
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
