"""Theme notes name no one: the digest's triage buttons wrote "Set from Slack by U123", a raw
chat user id, where every other user id is kept only as a keyed hash. Notes are shown in the
reports, so those already written are rewritten as the buttons now write them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WITH_AN_ID = re.compile(r"Set from (?P<channel>Slack|Microsoft Teams) by \S+")


def upgrade() -> None:
    themes = sa.table("themes", sa.column("id", sa.Integer), sa.column("note", sa.Text))
    bind = op.get_bind()
    found = bind.execute(
        sa.select(themes.c.id, themes.c.note).where(themes.c.note.like("Set from % by %"))
    ).all()
    for theme_id, note in found:
        named = _WITH_AN_ID.fullmatch(note or "")
        if named is not None:
            bind.execute(
                themes.update()
                .where(themes.c.id == theme_id)
                .values(note=f"Set from the digest's buttons in {named['channel']}")
            )


def downgrade() -> None:
    """The ids are gone for good: nothing to put back."""
