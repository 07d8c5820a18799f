"""Retention: delete interactions (and everything hanging off them) older than a cut-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from bot.storage.database import Database
from bot.storage.tables import (
    ChampionQuestionRow,
    FeedbackRow,
    InteractionRow,
    SuggestionSourceRow,
    ThemeMemberRow,
)


def purge(database: Database, *, before: datetime) -> int:
    """Delete interactions asked before ``before``; returns how many were deleted."""
    old = select(InteractionRow.id).where(InteractionRow.asked_at < before)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(old.subquery())) or 0
        # Children first, so this works whether or not the database enforces cascades.
        for table in (FeedbackRow, ThemeMemberRow, SuggestionSourceRow):
            session.execute(delete(table).where(table.interaction_id.in_(old)))
        session.execute(delete(InteractionRow).where(InteractionRow.asked_at < before))
        # Champion questions hold the asker's Slack id so the answer can reach them.
        session.execute(delete(ChampionQuestionRow).where(ChampionQuestionRow.created_at < before))
        return int(count)
