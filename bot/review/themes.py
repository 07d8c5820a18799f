"""Gap themes: what the assistant could not answer, grouped, counted and triaged.

Unanswered means: no match; a did-you-mean where the person chose "none of these", or chose
nothing at all within ``UNPICKED_AFTER`` (they gave up, or asked something else); or an answer
marked not helpful. Themes are kept in the database so their ids are stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, select
from sqlalchemy.orm import Session

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import UnknownThemeError
from bot.matching.stems import STOPWORDS
from bot.matching.text import words
from bot.review.clustering import assign
from bot.review.signature import theme_signature, without_placeholders
from bot.storage.database import Database, retry_on_conflict
from bot.storage.interaction_log import utc_now
from bot.storage.tables import (
    FeedbackRow,
    InteractionRow,
    ThemeMemberRow,
    ThemeRow,
    row_id,
)

EXAMPLES = 5
LABEL_SAMPLE = 30
# A did-you-mean nobody has answered this long after it was asked (no option picked, no "none
# of these") is a question the assistant could not answer: an off-topic question gets options
# that fit it badly, and a person who moves on without a word would otherwise leave no trace
# for the review group. A one-off ``compact-bot ask`` has no way to pick, so its did-you-means
# count from then on too.
UNPICKED_AFTER = timedelta(minutes=30)


def left_unpicked(now: datetime) -> ColumnElement[bool]:
    """Interactions that are a did-you-mean asked before ``now - UNPICKED_AFTER`` with nothing
    done after it: no option chosen, no "none of these", no rating."""
    return and_(
        InteractionRow.outcome == "clarify",
        InteractionRow.asked_at <= now - UNPICKED_AFTER,
        ~exists().where(FeedbackRow.interaction_id == InteractionRow.id),
    )


class ThemeStatus(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    ANSWERED = "answered"
    IGNORED = "ignored"


OPEN = (ThemeStatus.NEW, ThemeStatus.IN_REVIEW)


@dataclass(frozen=True, slots=True)
class ThemeSummary:
    id: str
    label: str
    keywords: tuple[str, ...]
    status: ThemeStatus
    count: int
    askers: int
    first_seen: datetime
    last_seen: datetime
    examples: tuple[str, ...]
    nearest_entries: tuple[str, ...]
    note: str
    entry_id: str | None


class ThemeService:
    def __init__(
        self,
        *,
        database: Database,
        knowledge: KnowledgeStore,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.knowledge = knowledge
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def refresh(self) -> int:
        """Group every unanswered question not yet in a theme. Returns how many joined one."""
        return retry_on_conflict(self._refresh)

    def _refresh(self) -> int:
        with self.database.session() as session:
            pending = self._pending(session)
            if not pending:
                return 0
            themes = list(
                session.execute(select(ThemeRow.id, ThemeRow.leader).order_by(ThemeRow.id))
            )
            signatures = [sig for _, _, _, sig in pending]
            assignments, leaders = assign(signatures, [leader for _, leader in themes])
            theme_ids = [theme_id for theme_id, _ in themes]
            now = self._clock()
            for leader_position in range(len(themes), len(leaders)):
                first = next(a.position for a in assignments if a.leader == leader_position)
                row = ThemeRow(
                    leader=leaders[leader_position],
                    label=pending[first][1],
                    status=ThemeStatus.NEW,
                    note="",
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                session.flush()
                theme_ids.append(row.id)
            session.add_all(
                ThemeMemberRow(
                    interaction_id=pending[a.position][0],
                    theme_id=theme_ids[a.leader],
                    reason=pending[a.position][2],
                    signature=pending[a.position][3],
                )
                for a in assignments
            )
            return len(assignments)

    def _pending(self, session: Session) -> list[tuple[int, str, str, str]]:
        unassigned = ThemeMemberRow.interaction_id == None  # noqa: E711 - SQL IS NULL
        base = select(InteractionRow.id, InteractionRow.question).outerjoin(
            ThemeMemberRow, ThemeMemberRow.interaction_id == InteractionRow.id
        )
        found: dict[int, tuple[str, str]] = {}
        for interaction_id, text in session.execute(
            base.where(and_(InteractionRow.outcome == "no_match", unassigned))
        ):
            found[interaction_id] = (text, "no_match")
        for interaction_id, text in session.execute(
            base.where(and_(left_unpicked(self._clock()), unassigned))
        ):
            found[interaction_id] = (text, "unpicked")
        feedback = base.join(
            FeedbackRow, FeedbackRow.interaction_id == InteractionRow.id
        ).add_columns(FeedbackRow.kind)
        for interaction_id, text, kind in session.execute(
            feedback.where(and_(FeedbackRow.kind.in_(("none_of_these", "not_helpful")), unassigned))
        ):
            found.setdefault(interaction_id, (text, str(kind)))
        pending = []
        for interaction_id in sorted(found):
            text, reason = found[interaction_id]
            sig = theme_signature(text)
            if sig:
                pending.append((interaction_id, text, reason, sig))
        return pending

    def top(
        self,
        *,
        limit: int = 5,
        statuses: Collection[ThemeStatus] = OPEN,
        since: datetime | None = None,
    ) -> list[ThemeSummary]:
        """The biggest themes (by questions asked since ``since``) with these statuses."""
        with self.database.session() as session:
            query = self._counts(since).where(ThemeRow.status.in_([str(s) for s in statuses]))
            rows = list(
                session.execute(query.order_by(func.count().desc(), ThemeRow.id).limit(limit))
            )
            return [self._summary(session, row, since) for row in rows]

    def get(self, theme_id: str) -> ThemeSummary:
        number = _number(theme_id)
        with self.database.session() as session:
            row = session.execute(self._counts(None).where(ThemeRow.id == number)).first()
            if row is None:
                raise UnknownThemeError(
                    f"There is no theme {theme_id!r}. List the themes with: compact-bot gaps list"
                )
            return self._summary(session, row, None)

    def triage(
        self, theme_id: str, *, status: ThemeStatus, note: str = "", entry_id: str | None = None
    ) -> ThemeSummary:
        """Set the theme's status, replacing what the last triage said: its note becomes
        ``note`` (none when blank), and its entry ``entry_id``; without one, an answered
        theme keeps the entry that answers it and any other status has none. So a theme
        ignored as "spam", then answered, then put back in review, says neither."""
        number = _number(theme_id)
        note = note.strip()
        with self.database.session() as session:
            row = session.get(ThemeRow, number)
            if row is None:
                raise UnknownThemeError(
                    f"There is no theme {theme_id!r}. List the themes with: compact-bot gaps list"
                )
            row.status = str(status)
            row.note = note
            if entry_id is not None:
                row.entry_id = entry_id
            elif status is not ThemeStatus.ANSWERED:
                row.entry_id = None
            row.updated_at = self._clock()
        return self.get(theme_id)

    def members(self, theme_id: str) -> list[str]:
        """Every wording in the theme, newest first, duplicates removed."""
        number = _number(theme_id)
        self.get(theme_id)
        with self.database.session() as session:
            texts = session.scalars(
                select(InteractionRow.question)
                .join(ThemeMemberRow, ThemeMemberRow.interaction_id == InteractionRow.id)
                .where(ThemeMemberRow.theme_id == number)
                .order_by(InteractionRow.asked_at.desc())
            )
            return list(dict.fromkeys(texts))

    @staticmethod
    def _counts(since: datetime | None) -> Select[ThemeRow, int, int, datetime, datetime]:
        joined = and_(ThemeMemberRow.theme_id == ThemeRow.id)
        query = (
            select(
                ThemeRow,
                func.count().label("count"),
                func.count(distinct(InteractionRow.user_hash)),
                func.min(InteractionRow.asked_at),
                func.max(InteractionRow.asked_at),
            )
            .join(ThemeMemberRow, joined)
            .join(InteractionRow, InteractionRow.id == ThemeMemberRow.interaction_id)
            .group_by(ThemeRow.id)
        )
        if since is not None:
            query = query.where(InteractionRow.asked_at >= since)
        return query

    def _summary(
        self, session: Session, row: Sequence[object], since: datetime | None
    ) -> ThemeSummary:
        theme, count, askers, first, last = row
        assert isinstance(theme, ThemeRow)
        recent = (
            select(InteractionRow.question, ThemeMemberRow.signature)
            .join(ThemeMemberRow, ThemeMemberRow.interaction_id == InteractionRow.id)
            .where(ThemeMemberRow.theme_id == theme.id)
        )
        if since is not None:
            recent = recent.where(InteractionRow.asked_at >= since)
        sample = list(
            session.execute(recent.order_by(InteractionRow.asked_at.desc()).limit(LABEL_SAMPLE * 4))
        )
        texts = list(dict.fromkeys(text for text, _ in sample))
        label = _central(texts[:LABEL_SAMPLE]) or theme.label
        counted = Counter(
            w for text in texts for w in set(words(without_placeholders(text))) - STOPWORDS
        )
        keywords = tuple(w for w, _ in counted.most_common(5))
        nearest = tuple(h.entry_id for h in self.knowledge.current.index.search(label, limit=3))
        return ThemeSummary(
            id=str(theme.id),
            label=label,
            keywords=keywords,
            status=ThemeStatus(theme.status),
            count=int(count),  # type: ignore[call-overload]
            askers=int(askers),  # type: ignore[call-overload]
            first_seen=first,  # type: ignore[arg-type]
            last_seen=last,  # type: ignore[arg-type]
            examples=tuple(texts[:EXAMPLES]),
            nearest_entries=nearest,
            note=theme.note,
            entry_id=theme.entry_id,
        )


def _central(texts: list[str]) -> str:
    """The wording most like all the others: the theme's most typical question."""
    if len(texts) <= 2:
        return texts[0] if texts else ""
    scores = process.cdist(texts, texts, scorer=fuzz.token_sort_ratio)
    return texts[int(scores.sum(axis=1).argmax())]


def _number(theme_id: str) -> int:
    cleaned = str(theme_id).strip().lstrip("#")
    if not cleaned.isdecimal():
        raise UnknownThemeError(
            f"{theme_id!r} is not a theme id; theme ids are numbers such as 12 (see compact-bot gaps list)"
        )
    number = row_id(cleaned)  # None: 0, or too large for the database (no theme has it)
    if number is None:
        raise UnknownThemeError(
            f"There is no theme {theme_id!r}. List the themes with: compact-bot gaps list"
        )
    return number
