"""Review group: gap themes, their members, and suggested wordings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "themes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("leader", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_themes_status", "themes", ["status"])
    op.create_table(
        "theme_members",
        sa.Column(
            "interaction_id",
            Id,
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("theme_id", Id, sa.ForeignKey("themes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
    )
    op.create_index("ix_theme_members_theme_id", "theme_members", ["theme_id"])
    op.create_table(
        "suggestions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(120), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(500), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "signature", name="uq_suggestions_entry_signature"),
    )
    op.create_index("ix_suggestions_entry_id", "suggestions", ["entry_id"])
    op.create_index("ix_suggestions_status", "suggestions", ["status"])
    op.create_table(
        "suggestion_sources",
        sa.Column(
            "interaction_id",
            Id,
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "suggestion_id",
            Id,
            sa.ForeignKey("suggestions.id", ondelete="CASCADE"),
            nullable=False,
        ),
    )
    op.create_index("ix_suggestion_sources_suggestion_id", "suggestion_sources", ["suggestion_id"])


def downgrade() -> None:
    op.drop_table("suggestion_sources")
    op.drop_table("suggestions")
    op.drop_table("theme_members")
    op.drop_table("themes")
