"""Slack: de-duplicated event deliveries, Compact Champion questions, and slack-sdk's OAuth
installation and state tables.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _slack_sdk_metadata() -> sa.MetaData:
    """slack-sdk's own table definitions, so its stores find exactly what they expect."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def upgrade() -> None:
    op.create_table(
        "slack_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_slack_events_received_at", "slack_events", ["received_at"])
    op.create_table(
        "champion_questions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=True),
        sa.Column("asker", sa.String(32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column(
            "interaction_id",
            Id,
            sa.ForeignKey("interactions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_champion_questions_created_at", "champion_questions", ["created_at"])
    _slack_sdk_metadata().create_all(op.get_bind())


def downgrade() -> None:
    _slack_sdk_metadata().drop_all(op.get_bind())
    op.drop_table("champion_questions")
    op.drop_table("slack_events")
