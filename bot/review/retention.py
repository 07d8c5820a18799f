"""Retention: delete interactions (and everything hanging off them) older than a cut-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.storage.database import Database
from bot.storage.tables import (
    ChampionQuestionRow,
    FeedbackRow,
    InductionAnswerRow,
    InductionProgressRow,
    InductionRunRow,
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
        _purge_induction(session, before)
        return int(count)


def _purge_induction(session: Session, before: datetime) -> None:
    """Tours nobody has touched since the cut-off, and runs that ended (or stalled) before it."""
    session.execute(delete(InductionProgressRow).where(InductionProgressRow.updated_at < before))
    last_active = func.coalesce(InductionRunRow.completed_at, InductionRunRow.started_at)
    old_runs = select(InductionRunRow.id).where(
        last_active < before, InductionRunRow.id.not_in(select(InductionProgressRow.run_id))
    )
    session.execute(delete(InductionAnswerRow).where(InductionAnswerRow.run_id.in_(old_runs)))
    session.execute(delete(InductionRunRow).where(InductionRunRow.id.in_(old_runs)))
