"""Usage figures for ``/compact stats`` and the like."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.storage.database import Database
from bot.storage.tables import FeedbackRow, InteractionRow


@dataclass(frozen=True, slots=True)
class UsageStats:
    since: datetime
    outcomes: dict[str, int]
    helpful: int
    not_helpful: int
    top_entries: tuple[tuple[str, int], ...]

    @property
    def questions(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome != "smalltalk")


def usage_stats(database: Database, *, since: datetime) -> UsageStats:
    with database.session() as session:
        outcomes = dict(
            session.execute(
                select(InteractionRow.outcome, func.count())
                .where(InteractionRow.asked_at >= since)
                .group_by(InteractionRow.outcome)
            ).all()
        )
        feedback = Counter(
            dict(
                session.execute(
                    select(FeedbackRow.kind, func.count())
                    .where(FeedbackRow.created_at >= since)
                    .group_by(FeedbackRow.kind)
                ).all()
            )
        )
        top = session.execute(
            select(InteractionRow.entry_id, func.count())
            .where(InteractionRow.asked_at >= since, InteractionRow.entry_id.is_not(None))
            .group_by(InteractionRow.entry_id)
            .order_by(func.count().desc())
            .limit(5)
        ).all()
    return UsageStats(
        since,
        {str(k): int(v) for k, v in outcomes.items()},
        feedback["helpful"],
        feedback["not_helpful"],
        tuple((str(e), int(n)) for e, n in top),
    )
