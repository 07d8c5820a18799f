"""A statement sent now and read later (the Slack adapter's early event claim)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.errors import DatabaseError
from bot.storage import in_flight
from bot.storage.database import Database


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.dialect != "postgresql":
        pytest.skip("libpq's asynchronous commands are PostgreSQL's")
    return database


def checked_out(database: Database) -> int:
    return int(database.autocommit.pool.checkedout())  # type: ignore[attr-defined]


def test_the_result_is_read_later_and_the_connection_goes_back(postgres: Database) -> None:
    pending = in_flight.send(postgres, "SELECT $1::text, $2::text", ["sent", None])
    assert checked_out(postgres) == 1  # held while the statement is out
    assert pending.rows() == [(b"sent", None)]
    assert checked_out(postgres) == 0
    with pytest.raises(RuntimeError, match="already called"):
        pending.rows()


def test_a_refused_statement_names_itself_and_the_connection_stays_usable(
    postgres: Database,
) -> None:
    with pytest.raises(DatabaseError, match="refused 'SELECT nonsense'"):
        in_flight.send(postgres, "SELECT nonsense", []).rows()
    assert checked_out(postgres) == 0
    assert in_flight.send(postgres, "SELECT 1", []).rows() == [(b"1",)]


def test_a_connection_dropped_mid_statement_is_an_error_not_a_hang(postgres: Database) -> None:
    pending = in_flight.send(postgres, "SELECT pg_sleep(5)", [])
    with postgres.engine.begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'SELECT pg_sleep(5)' AND pid <> pg_backend_pid()"
            )
        )
    with pytest.raises(DatabaseError):
        pending.rows(timeout_s=3)
    assert checked_out(postgres) == 0  # thrown away, not returned
    assert in_flight.send(postgres, "SELECT 2", []).rows() == [(b"2",)]


def test_no_answer_in_time_is_an_error(postgres: Database) -> None:
    with pytest.raises(DatabaseError, match="No answer from the database"):
        in_flight.send(postgres, "SELECT pg_sleep(2)", []).rows(timeout_s=0.2)
    assert checked_out(postgres) == 0


ECHO = "SELECT $1::text, (SELECT count(*) FROM pg_prepared_statements WHERE name = 'echo')::text"


def test_a_prepared_statement_is_prepared_once_and_reused(postgres: Database) -> None:
    # Preparing "echo" twice on one connection would be refused, so three sends in a row on
    # the pool's one connection show it is prepared once; the count shows it is server-side.
    for word in ("one", "two", "three"):
        assert in_flight.send(postgres, ECHO, [word], prepared="echo").rows() == [
            (word.encode(), b"1")
        ]
    assert checked_out(postgres) == 0


def test_a_prepared_statement_the_server_forgot_is_prepared_again(postgres: Database) -> None:
    assert in_flight.send(postgres, ECHO, ["kept"], prepared="echo").rows()
    assert in_flight.send(postgres, "DEALLOCATE echo", []).rows() == []
    with pytest.raises(DatabaseError, match="does not exist"):
        in_flight.send(postgres, ECHO, ["lost"], prepared="echo").rows()
    assert in_flight.send(postgres, ECHO, ["back"], prepared="echo").rows() == [(b"back", b"1")]


def test_a_statement_that_cannot_be_prepared_names_itself(postgres: Database) -> None:
    with pytest.raises(DatabaseError, match="refused to prepare 'SELECT nonsense'"):
        in_flight.send(postgres, "SELECT nonsense", [], prepared="nonsense")
    assert checked_out(postgres) == 0
    assert in_flight.send(postgres, "SELECT 3", []).rows() == [(b"3",)]
