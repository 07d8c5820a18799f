"""The review group's report: what went unanswered, and how answering is going, over a period."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.induction.report import InductionFigures, induction_figures
from bot.review.themes import ThemeService, ThemeStatus, ThemeSummary, left_unpicked
from bot.storage.tables import FeedbackRow, InteractionRow

TOP_THEMES = 10


@dataclass(frozen=True, slots=True)
class Week:
    start: datetime
    questions: int  # small talk excluded
    answered: int
    unanswered: int  # no match, "none of these", or a did-you-mean left without a choice
    helpful: int
    not_helpful: int

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def helpful_rate(self) -> float | None:
        rated = self.helpful + self.not_helpful
        return self.helpful / rated if rated else None


@dataclass(frozen=True, slots=True)
class EntryCount:
    entry_id: str
    question: str
    count: int


@dataclass(frozen=True, slots=True)
class Report:
    since: datetime
    until: datetime
    themes: tuple[ThemeSummary, ...]
    weeks: tuple[Week, ...]
    not_helpful: tuple[EntryCount, ...]
    topics: tuple[tuple[str, int], ...]
    induction: InductionFigures | None = None

    @property
    def questions(self) -> int:
        return sum(w.questions for w in self.weeks)

    @property
    def answered(self) -> int:
        return sum(w.answered for w in self.weeks)

    @property
    def unanswered(self) -> int:
        return sum(w.unanswered for w in self.weeks)


def week_start(moment: datetime) -> datetime:
    day = moment - timedelta(days=moment.weekday())
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def build_report(service: ThemeService, *, since: datetime, until: datetime) -> Report:
    """Refresh the themes, then gather every figure for the window. User ids never leave."""
    service.refresh()
    kb = service.knowledge.current.kb
    counts: dict[datetime, Counter[str]] = defaultdict(Counter)
    topics: Counter[str] = Counter()
    not_helpful: Counter[str] = Counter()
    window = (InteractionRow.asked_at >= since) & (InteractionRow.asked_at <= until)
    with service.database.session() as session:
        rows = session.execute(
            select(InteractionRow.asked_at, InteractionRow.outcome, InteractionRow.entry_id).where(
                window
            )
        )
        for asked_at, outcome, entry_id in rows:
            week = counts[week_start(_aware(asked_at, since))]
            if outcome == "smalltalk":
                continue
            week["questions"] += 1
            if outcome == "answer":
                week["answered"] += 1
                entry = kb.get(entry_id) if entry_id else None
                topics[entry.topic if entry else "(retired entries)"] += 1
            elif outcome == "no_match":
                week["unanswered"] += 1
        # A did-you-mean left without a choice is unanswered too (bot.review.themes).
        for (asked_at,) in session.execute(
            select(InteractionRow.asked_at).where(window & left_unpicked(service.now()))
        ):
            counts[week_start(_aware(asked_at, since))]["unanswered"] += 1
        feedback = session.execute(
            select(
                InteractionRow.asked_at,
                FeedbackRow.kind,
                FeedbackRow.entry_id,
                InteractionRow.entry_id,
            )
            .join(InteractionRow, InteractionRow.id == FeedbackRow.interaction_id)
            .where(window)
        )
        for asked_at, kind, chosen, answered in feedback:
            week = counts[week_start(_aware(asked_at, since))]
            if kind == "helpful":
                week["helpful"] += 1
            elif kind == "not_helpful":
                week["not_helpful"] += 1
                entry_id = chosen or answered
                if entry_id:
                    not_helpful[entry_id] += 1
            elif kind == "none_of_these":
                week["unanswered"] += 1
    weeks = tuple(
        Week(start, c["questions"], c["answered"], c["unanswered"], c["helpful"], c["not_helpful"])
        for start, c in sorted(_every_week(counts, since, until).items())
    )
    themes = service.top(limit=TOP_THEMES, statuses=tuple(ThemeStatus), since=since)
    worst = tuple(
        EntryCount(
            entry_id,
            kb[entry_id].question if entry_id in kb else "(no longer in the knowledge base)",
            n,
        )
        for entry_id, n in not_helpful.most_common(10)
    )
    induction = induction_figures(
        service.database, service.knowledge.current.tour, since=since, until=until
    )
    return Report(
        since, until, tuple(themes), weeks, worst, tuple(topics.most_common(10)), induction
    )


def _every_week(
    counts: dict[datetime, Counter[str]], since: datetime, until: datetime
) -> dict[datetime, Counter[str]]:
    """Include quiet weeks, so a chart shows gaps as zero rather than hiding them."""
    filled = dict(counts)
    week = week_start(since)
    while week <= until:
        filled.setdefault(week, Counter())
        week += timedelta(days=7)
    return filled


def _aware(moment: datetime, reference: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment.replace(tzinfo=reference.tzinfo) if moment.tzinfo is None else moment
