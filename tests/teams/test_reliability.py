"""Retries from the connector, each activity answered once (also across processes), and
failures of the database or the connector."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from sqlalchemy import create_engine

from bot.adapters.teams.retries import ConnectorRetries, retry_after_s
from bot.settings import Settings
from bot.storage.database import Database

from .conftest import Bot, StartTeams, activity

QUESTION = "how much notice before ending a grant?"


def test_429_412_502_and_504_are_retried_and_the_reply_arrives_once(teams: Bot) -> None:
    teams.fake.fail_next(429, {"Retry-After": "0.1"})
    teams.fake.fail_next(412, {"Retry-After": "0"})
    teams.fake.fail_next(502, {"Retry-After": "0"})
    teams.fake.fail_next(504)  # no Retry-After: backoff
    assert teams.message(QUESTION).status == 200
    [sent] = teams.fake.wait_for(1)
    assert "three months" in sent.text
    assert [call.status for call in teams.fake.failed] == [429, 412, 502, 504]
    assert len(teams.fake.quiet(0.3)) == 1


def test_a_connector_error_is_logged_and_the_person_gets_a_polite_message(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    teams.fake.fail_next(500)
    assert teams.message(QUESTION).status == 200
    [sent] = teams.fake.wait_for(1)
    assert "Sorry, something went wrong" in sent.text
    assert "the Teams message listener failed" in caplog.text


def test_a_wait_longer_than_the_budget_is_not_retried(teams: Bot) -> None:
    teams.fake.fail_next(429, {"Retry-After": "120"})
    assert teams.message(QUESTION).status == 200
    [sent] = teams.fake.wait_for(1)
    assert "Sorry" in sent.text  # told at once, not after two minutes
    assert [call.status for call in teams.fake.failed] == [429]


def test_a_redelivered_activity_is_answered_once(teams: Bot) -> None:
    body = activity("personal_message", text=QUESTION, service_url=teams.fake.service_url)
    assert teams.post(body).status == 200
    assert teams.post(body).status == 200
    assert len(teams.fake.quiet(0.5)) == 1


def test_two_processes_sharing_one_database_answer_each_activity_once(
    start_teams: StartTeams, teams_settings: Settings
) -> None:
    first, second = start_teams(teams_settings), start_teams(teams_settings)
    assert first.services.chat.database is not second.services.chat.database
    for number in range(3):
        body = activity("personal_message", text=QUESTION, service_url=first.fake.service_url)
        assert first.post(body).status == 200
        assert second.post(body).status == 200
        assert len(first.fake.quiet(0.3)) == number + 1


def test_a_database_outage_still_gets_an_answer(teams: Bot) -> None:
    database = teams.services.chat.database
    down = Database(
        create_engine(
            "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
        )
    )
    database.engine, database._sessions = down.engine, down._sessions  # the server has gone away
    database._autocommit = None
    assert teams.message(QUESTION).status == 200
    [sent] = teams.fake.wait_for(1)
    assert "three months" in sent.text
    assert json.loads(teams.get("/healthz"))["database"] == "unavailable"


# The retry middleware on its own, with a recorded clock: no waiting.


def _failing(*statuses: int, headers: dict[str, str] | None = None) -> tuple[list[int], object]:
    calls: list[int] = []

    async def next_call() -> httpx.Response:
        calls.append(1)
        request = httpx.Request("POST", "https://smba.example/v3/conversations/a/activities")
        if len(calls) <= len(statuses):
            status = statuses[len(calls) - 1]
            response = httpx.Response(status, headers=headers or {}, request=request)
            raise httpx.HTTPStatusError("failed", request=request, response=response)
        return httpx.Response(201, json={"id": "1"}, request=request)

    return calls, next_call


def _retries(waits: list[float], budget_s: float = 20) -> ConnectorRetries:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    return ConnectorRetries(sleep=sleep, clock=lambda: now[0], budget_s=budget_s)


def test_retry_after_is_honoured_in_seconds_or_as_a_date() -> None:
    waits: list[float] = []
    calls, next_call = _failing(429, 429, headers={"Retry-After": "3"})
    response = asyncio.run(_retries(waits).send(None, next_call))  # type: ignore[arg-type]
    assert response.status_code == 201
    assert (len(calls), waits) == (3, [3.0, 3.0])
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = retry_after_s(httpx.Response(429, headers={"Retry-After": later}))
    assert seconds is not None
    assert 25 < seconds <= 30


def test_backoff_grows_and_stops_within_the_budget() -> None:
    waits: list[float] = []
    _calls, next_call = _failing(502, 502, 502, 502, 502)
    with pytest.raises(httpx.HTTPStatusError):
        asyncio.run(_retries(waits, budget_s=1.0).send(None, next_call))  # type: ignore[arg-type]
    assert 1 <= len(waits) < 4
    assert sum(waits) <= 1.0
    assert waits == sorted(waits)


def test_other_errors_are_not_retried() -> None:
    waits: list[float] = []
    calls, next_call = _failing(400)
    with pytest.raises(httpx.HTTPStatusError):
        asyncio.run(_retries(waits).send(None, next_call))  # type: ignore[arg-type]
    assert (len(calls), waits) == (1, [])
