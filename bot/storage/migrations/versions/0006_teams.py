"""Microsoft Teams: the conversations the bot can send to without being asked first, where
each Champion's answer goes, and room in the Champion questions for Teams' longer ids.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Slack's ids fit in 32 characters; Teams' user, tenant, channel and message ids do not.
WIDER = {
    "team_id": (32, 128),
    "asker": (32, 512),
    "channel": (32, 512),
    "message_ts": (32, 128),
    "answered_by": (32, 512),
}


def upgrade() -> None:
    _resize(new=True)
    op.create_table(
        "teams_conversations",
        sa.Column("conversation_id", sa.String(512), primary_key=True),
        sa.Column("service_url", sa.String(512), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("team_id", sa.String(512), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_teams_conversations_updated_at", "teams_conversations", ["updated_at"])
    op.create_table(
        "teams_champion_replies",
        sa.Column(
            "question_id",
            Id,
            sa.ForeignKey("champion_questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("service_url", sa.String(512), nullable=False),
        sa.Column("conversation_id", sa.String(512), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teams_champion_replies")
    op.drop_table("teams_conversations")
    _resize(new=False)


def _resize(*, new: bool) -> None:
    """Before any table refers to it: SQLite changes a column by copying the table."""
    with op.batch_alter_table("champion_questions") as table:
        for column, (old, wide) in WIDER.items():
            table.alter_column(
                column,
                type_=sa.String(wide if new else old),
                existing_type=sa.String(old if new else wide),
            )
