"""Retention: delete interactions older than a cut-off, and every copy of their text.

A question's words live on beyond its interaction row: a theme's label and leader are the
words of its first question, and a suggestion's wording is the words of a question too. So
purging deletes what hangs off the old interactions, then re-derives each theme and
suggestion from the questions it still has, and deletes those left with none.
"""

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
    SuggestionRow,
    SuggestionSourceRow,
    TeamsConversationRow,
    ThemeMemberRow,
    ThemeRow,
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
        # A personal chat's reference says whose chat it is; channels' stay, for proactive posts.
        session.execute(
            delete(TeamsConversationRow).where(
                TeamsConversationRow.kind == "personal", TeamsConversationRow.updated_at < before
            )
        )
        _rederive_themes(session)
        _rederive_suggestions(session)
        return int(count)


def _rederive_themes(session: Session) -> None:
    """Each theme takes its label and leader from its earliest remaining question."""
    earliest = (
        select(
            ThemeMemberRow.theme_id,
            InteractionRow.question,
            ThemeMemberRow.signature,
            func.row_number()
            .over(
                partition_by=ThemeMemberRow.theme_id,
                order_by=(InteractionRow.asked_at, InteractionRow.id),
            )
            .label("position"),
        )
        .join(InteractionRow, InteractionRow.id == ThemeMemberRow.interaction_id)
        .subquery()
    )
    firsts = {
        theme_id: (question, sig)
        for theme_id, question, sig in session.execute(
            select(earliest.c.theme_id, earliest.c.question, earliest.c.signature).where(
                earliest.c.position == 1
            )
        )
    }
    for theme in session.scalars(select(ThemeRow)):
        if theme.id not in firsts:
            session.delete(theme)
        else:
            theme.label, theme.leader = firsts[theme.id]


def _rederive_suggestions(session: Session) -> None:
    """Each suggestion's wording is its newest remaining question, its count how many it
    has left."""
    sources = session.execute(
        select(SuggestionSourceRow.suggestion_id, InteractionRow.question)
        .join(InteractionRow, InteractionRow.id == SuggestionSourceRow.interaction_id)
        .order_by(InteractionRow.asked_at, InteractionRow.id)
    )
    newest: dict[int, tuple[str, int]] = {}
    for suggestion_id, question in sources:
        count = newest.get(suggestion_id, ("", 0))[1]
        newest[suggestion_id] = (question, count + 1)
    for suggestion in session.scalars(select(SuggestionRow)):
        if suggestion.id not in newest:
            session.delete(suggestion)
        else:
            suggestion.wording, suggestion.count = newest[suggestion.id]


def _purge_induction(session: Session, before: datetime) -> None:
    """Tours nobody has touched since the cut-off, and runs that ended (or stalled) before it."""
    session.execute(delete(InductionProgressRow).where(InductionProgressRow.updated_at < before))
    last_active = func.coalesce(InductionRunRow.completed_at, InductionRunRow.started_at)
    old_runs = select(InductionRunRow.id).where(
        last_active < before, InductionRunRow.id.not_in(select(InductionProgressRow.run_id))
    )
    session.execute(delete(InductionAnswerRow).where(InductionAnswerRow.run_id.in_(old_runs)))
    session.execute(delete(InductionRunRow).where(InductionRunRow.id.in_(old_runs)))
