"""The interaction log's tables. Change them only together with a migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit id.
Id = BigInteger().with_variant(Integer(), "sqlite")
# The largest id either database stores (a 64-bit signed integer): a larger one from a button
# or a command names no row, and the database would refuse to look it up.
LARGEST_ID = 2**63 - 1


def row_id(text: object) -> int | None:
    """The row id ``text`` names (ASCII digits, leading zeros allowed), or None when it names
    none a row can have: not digits ("²" passes ``str.isdigit`` and not ``int``), 0, or past
    ``LARGEST_ID`` (checked before ``int``, which refuses past 4,300 digits)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdecimal()):
        return None
    digits = text.lstrip("0")
    if not digits or len(digits) > len(str(LARGEST_ID)) or int(digits) > LARGEST_ID:
        return None
    return int(digits)


class Base(DeclarativeBase):
    pass


class InteractionRow(Base):
    """One question asked and what the assistant did with it. Text is stored redacted."""

    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    conversation_hash: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(120), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    latency_ms: Mapped[float] = mapped_column(Float)


class FeedbackRow(Base):
    """Something a person did after a reply: helpful, not helpful, a choice after a clarify."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    interaction_id: Mapped[int] = mapped_column(
        Id, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(120))
    user_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- Review group: gap themes and suggested wordings (migration 0002) ---


class ThemeRow(Base):
    """A group of similar questions the assistant could not answer well."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    leader: Mapped[str] = mapped_column(Text)  # normalised wording new questions are compared to
    label: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True, default="new")
    note: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ThemeMemberRow(Base):
    """One unanswered question, and the theme it belongs to."""

    __tablename__ = "theme_members"

    interaction_id: Mapped[int] = mapped_column(
        Id, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        Id, ForeignKey("themes.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))  # no_match, none_of_these, not_helpful
    signature: Mapped[str] = mapped_column(Text)


class SuggestionRow(Base):
    """A wording real traffic suggests adding to an entry's alternates."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("entry_id", "signature", name="uq_suggestions_entry_signature"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(120), index=True)
    wording: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(500))
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuggestionSourceRow(Base):
    """Which interaction produced a suggestion, so each is counted once."""

    __tablename__ = "suggestion_sources"

    interaction_id: Mapped[int] = mapped_column(
        Id, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True
    )
    suggestion_id: Mapped[int] = mapped_column(
        Id, ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )


# --- Chat: delivered events and Compact Champion questions (migration 0003) ---


class DeliveryRow(Base):
    """A delivery (a Slack event, a Teams activity) already taken by one bot process, so that
    retries are ignored. The table's name predates the second channel; other channels' ids
    carry their channel's prefix (see ``bot.chat.delivery_claims``)."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ChampionQuestionRow(Base):
    """A question passed to the Compact Champions, and its answer when one is given."""

    __tablename__ = "champion_questions"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    team_id: Mapped[str | None] = mapped_column(String(128))  # Slack team, Teams tenant
    asker: Mapped[str] = mapped_column(String(512))  # the platform's user id
    question: Mapped[str] = mapped_column(Text)  # redacted
    interaction_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("interactions.id", ondelete="SET NULL")
    )
    channel: Mapped[str | None] = mapped_column(String(512))  # where the Champions' post is
    message_ts: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Induction: tour progress, quiz answers and completions (migration 0004) ---


class InductionRunRow(Base):
    """One time through the tour and quiz by one person. Kept when they start again, so the
    managers' report still counts a completion."""

    __tablename__ = "induction_runs"
    __table_args__ = (UniqueConstraint("user_hash", "attempt", name="uq_induction_runs_attempt"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    attempt: Mapped[int] = mapped_column(Integer)  # 1 the first time, then 2, 3, ...
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)


class InductionProgressRow(Base):
    """Where one person is in the tour now. ``version`` grows with every change, so two clicks
    handled at once cannot both move the tour on (compare-and-set)."""

    __tablename__ = "induction_progress"

    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int] = mapped_column(
        Id, ForeignKey("induction_runs.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(16))  # tour, quiz, done, review
    step: Mapped[int] = mapped_column(Integer)
    question: Mapped[int] = mapped_column(Integer)
    seen: Mapped[list[str]] = mapped_column(JSON)  # ids of the steps seen
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class InductionAnswerRow(Base):
    """One quiz answer. The key makes a repeated click on an answer count once."""

    __tablename__ = "induction_answers"

    run_id: Mapped[int] = mapped_column(
        Id, ForeignKey("induction_runs.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    option: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


# --- Microsoft Teams: where proactive messages can go (migration 0006) ---


class TeamsConversationRow(Base):
    """A Teams conversation the bot has been added to or messaged in, and the service URL
    that reaches it: what a proactive message (a Champion's answer, the digest) needs."""

    __tablename__ = "teams_conversations"

    conversation_id: Mapped[str] = mapped_column(String(512), primary_key=True)  # no ;messageid
    service_url: Mapped[str] = mapped_column(String(512))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # personal, groupChat or channel
    team_id: Mapped[str | None] = mapped_column(String(512))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Whose personal chat this is, as a keyed hash (personal chats only).
    user_hash: Mapped[str | None] = mapped_column(String(64), index=True)


class TeamsChampionReplyRow(Base):
    """Where a Champion's answer goes in Teams: the conversation (or thread) the question
    was asked in."""

    __tablename__ = "teams_champion_replies"

    question_id: Mapped[int] = mapped_column(
        Id, ForeignKey("champion_questions.id", ondelete="CASCADE"), primary_key=True
    )
    service_url: Mapped[str] = mapped_column(String(512))
    conversation_id: Mapped[str] = mapped_column(String(512))
