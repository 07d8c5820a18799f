"""The tables the code declares and the tables the migrations build must be the same."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage.database import Database
from bot.storage.tables import Base

# slack-sdk's OAuth tables are made by migration 0003 from slack-sdk's own definitions.
NOT_DECLARED = {"slack_installations", "slack_bots", "slack_oauth_states", "alembic_version"}


def test_the_migrated_schema_matches_the_declared_tables(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d for d in compare_metadata(context, Base.metadata) if _table(d) not in NOT_DECLARED
        ]
    assert differences == []


def _table(difference: Any) -> str | None:
    if isinstance(difference, list):  # column changes come as a list of one tuple
        difference = difference[0]
    operation, subject = difference[0], difference[1]
    if operation.endswith("_table"):
        return str(subject.name)
    if operation.endswith("_index"):
        return str(subject.table.name)
    return str(difference[2]) if operation.startswith("modify_") else None
