"""Room for encrypted tokens: slack-sdk's installation tables hold tokens in 200 characters,
and a Fernet-encrypted token (see bot/storage/token_cipher.py) needs more when Slack's token
rotation makes tokens long. SQLite does not enforce these lengths, so only PostgreSQL changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECRETS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                            "incoming_webhook_url"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in SECRETS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(200))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in SECRETS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String(200), existing_type=sa.Text())
