"""Availability: calls on the answering path never wait past the budget, a database that
fails or hangs counts as away until a retry in the background reaches it and migrates it,
and no error message carries a statement's parameters."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.errors import DatabaseUnavailable
from bot.storage.availability import MAX_STUCK, Availability
from bot.storage.database import Database

from ..polling import eventually


def availability(reach: list[Exception | None], prepared: list[int]) -> Availability:
    """Reaches the database once ``reach`` holds None (each try pops one outcome)."""

    def try_reach() -> None:
        outcome = reach.pop(0) if len(reach) > 1 else reach[0]
        if outcome is not None:
            raise outcome

    return Availability(
        name="test",
        budget_s=0.05,
        reach=try_reach,
        prepare=lambda: prepared.append(1),
        retry_pauses_s=(0.01,),
    )


def test_a_hung_call_is_given_up_after_the_budget_and_finishes_by_itself() -> None:
    watched = availability([None], [])
    assert watched.start()
    release, finished = threading.Event(), threading.Event()

    def hung() -> None:
        release.wait(10)
        finished.set()

    with pytest.raises(DatabaseUnavailable, match="no answer within 50 ms"):
        watched.call(hung, what="log the question")
    assert watched.up  # one slow call is not an outage
    release.set()
    assert finished.wait(5)


def test_calls_stuck_past_the_budget_make_the_database_away_until_it_answers() -> None:
    prepared: list[int] = []
    watched = availability([None], prepared)
    assert watched.start()
    release = threading.Event()
    for _ in range(MAX_STUCK):
        with pytest.raises(DatabaseUnavailable):
            watched.call(lambda: release.wait(10), what="log the question")
    with pytest.raises(DatabaseUnavailable, match="not answering"):
        watched.call(lambda: None, what="log the question")
    assert not watched.up
    with pytest.raises(DatabaseUnavailable, match="unavailable"):
        watched.call(lambda: None, what="log the question")  # refused at once, never run
    release.set()
    assert eventually(lambda: watched.up)
    assert len(prepared) == 2  # migrations ran again on the way back
    assert watched.call(lambda: 42, what="log the question") == 42
    watched.close()


def test_a_failing_database_is_retried_and_migrated_when_it_is_back() -> None:
    refused = OperationalError("connect", {}, Exception("connection refused"))
    prepared: list[int] = []
    watched = availability([refused, refused, None], prepared)
    assert not watched.start()  # refused: answers go on without it
    assert eventually(lambda: watched.up)
    assert prepared == [1]


def test_an_outage_during_a_call_is_reported_and_the_call_is_refused() -> None:
    watched = availability([None], [])
    assert watched.start()

    def lost() -> None:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    with pytest.raises(DatabaseUnavailable, match="server closed the connection"):
        watched.call(lost, what="log the question")
    assert eventually(lambda: watched.up)  # the retry reaches it again


def test_errors_never_carry_the_statement_parameters(tmp_path: Path) -> None:
    database = Database.connect(f"sqlite:///{tmp_path / 'log.db'}")
    with pytest.raises(OperationalError) as raised, database.engine.begin() as connection:
        connection.execute(text("INSERT INTO no_such_table VALUES (:q)"), {"q": "my secret"})
    database.dispose()
    assert "my secret" not in str(raised.value)
