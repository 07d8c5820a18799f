"""Microsoft Teams: whose personal chat each personal conversation is (as a keyed hash), so
that "tour" asked in a channel can be answered in the person's personal chat.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("teams_conversations") as table:
        table.add_column(sa.Column("user_hash", sa.String(64), nullable=True))
        table.create_index("ix_teams_conversations_user_hash", ["user_hash"])


def downgrade() -> None:
    with op.batch_alter_table("teams_conversations") as table:
        table.drop_index("ix_teams_conversations_user_hash")
        table.drop_column("user_hash")
