"""A statement kept ready on prepared connections, so that sending it never waits."""

from __future__ import annotations

import time

import pytest

from bot.errors import DatabaseError
from bot.storage.database import Database
from bot.storage.ready_statement import ReadyStatement


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.dialect != "postgresql":
        pytest.skip("prepared statements on libpq connections are PostgreSQL's")
    return database


def sent_when_ready(ready: ReadyStatement, value: str) -> list[tuple[bytes | None, ...]]:
    deadline = time.monotonic() + 5
    while (pending := ready.send([value])) is None:
        assert time.monotonic() < deadline, "no connection was made ready"
        time.sleep(0.01)
    return pending.rows()


def test_connections_are_made_ready_and_reused(postgres: Database) -> None:
    ready = ReadyStatement(postgres, "SELECT $1::text", name="echo", timeout_s=1.0, keep=1)
    assert ready.send(["first"]) is None, "none ready yet: one is made on a worker"
    assert sent_when_ready(ready, "second") == [(b"second",)]
    again = ready.send(["third"])
    assert again is not None, "the connection came back, ready"
    assert again.rows() == [(b"third",)]
    ready.close()


def test_a_failed_statement_costs_its_connection_not_the_next_send(postgres: Database) -> None:
    ready = ReadyStatement(postgres, "SELECT 1 / $1::int", name="divide", timeout_s=1.0, keep=1)
    with pytest.raises(DatabaseError, match="division by zero"):
        sent_when_ready(ready, "0")
    assert sent_when_ready(ready, "1") == [(b"1",)]
    ready.close()
