"""Where each Compact Champion's answer goes in Teams: back into the conversation the question
was asked in (the personal chat, or the channel thread). Slack sends it to the asker directly;
Teams can only send where the bot has been added, and the asker's conversation is one."""

from __future__ import annotations

import logging

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.teams.references import Address
from bot.errors import DatabaseError
from bot.storage.database import Database
from bot.storage.tables import TeamsChampionReplyRow

log = logging.getLogger(__name__)


class ChampionReplies:
    def __init__(self, database: Database | None) -> None:
        self._database = database

    def remember(self, question_id: int, address: Address) -> None:
        if self._database is None:
            return
        with self._database.session() as session:
            session.merge(
                TeamsChampionReplyRow(
                    question_id=question_id,
                    service_url=address.service_url,
                    conversation_id=address.conversation_id,
                )
            )

    def forget(self, question_id: int) -> None:
        """The answer has reached the asker: where they asked is no longer needed."""
        if self._database is None:
            return
        try:
            with self._database.session() as session:
                session.execute(
                    delete(TeamsChampionReplyRow).where(
                        TeamsChampionReplyRow.question_id == question_id
                    )
                )
        except (SQLAlchemyError, DatabaseError):
            log.warning("could not forget where Champion question %s was asked", question_id)

    def address(self, question_id: int) -> Address | None:
        if self._database is None:
            return None
        try:
            with self._database.session() as session:
                row = session.get(TeamsChampionReplyRow, question_id)
                return Address(row.service_url, row.conversation_id) if row else None
        except (SQLAlchemyError, DatabaseError):
            log.exception("could not read where Champion question %s was asked", question_id)
            return None
