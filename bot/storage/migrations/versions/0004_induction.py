"""Induction: each person's runs through the tour and quiz, where they are now, and their
quiz answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "induction_runs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.UniqueConstraint("user_hash", "attempt", name="uq_induction_runs_attempt"),
    )
    op.create_index("ix_induction_runs_user_hash", "induction_runs", ["user_hash"])
    op.create_index("ix_induction_runs_started_at", "induction_runs", ["started_at"])
    op.create_index("ix_induction_runs_completed_at", "induction_runs", ["completed_at"])
    op.create_table(
        "induction_progress",
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column(
            "run_id",
            Id,
            sa.ForeignKey("induction_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_induction_progress_run_id", "induction_progress", ["run_id"])
    op.create_index("ix_induction_progress_updated_at", "induction_progress", ["updated_at"])
    op.create_table(
        "induction_answers",
        sa.Column(
            "run_id",
            Id,
            sa.ForeignKey("induction_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("question_id", sa.String(120), primary_key=True),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_induction_answers_answered_at", "induction_answers", ["answered_at"])


def downgrade() -> None:
    op.drop_table("induction_answers")
    op.drop_table("induction_progress")
    op.drop_table("induction_runs")
