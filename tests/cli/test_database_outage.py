"""If the database is away, ``ask`` and ``chat`` still answer: they say once that questions are
not being logged, and never print a traceback (which would carry SQL and its parameters)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage.database import Database

from ..outages import OUTAGES, outage
from .conftest import Run

GRANT = "how much notice must we give before ending a grant?"
NOT_LOGGED = "questions are not being logged"


def bot_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


def ask_line(process: subprocess.Popen[str], question: str) -> dict[str, object]:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(question + "\n")
    process.stdin.flush()
    reply: dict[str, object] = json.loads(process.stdout.readline())
    return reply


@pytest.mark.parametrize("kind", OUTAGES)
def test_ask_answers_when_the_database_is_away(run: Run, tmp_path: Path, kind: str) -> None:
    with outage(kind, tmp_path) as url:
        result = run("ask", "--json", "--db", url, "-", stdin=f"{GRANT}\nwhat is the compact\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in replies] == ["answer", "answer"]
    assert replies[0]["entry_id"] == "funding-notice"
    assert replies[0]["interaction_id"] is None  # not logged, and nothing pretends it was
    assert result.stderr.count(NOT_LOGGED) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["hung", "sqlite-folder"])
def test_chat_answers_when_the_database_is_away(run: Run, tmp_path: Path, kind: str) -> None:
    with outage(kind, tmp_path) as url:
        result = run("chat", "--db", url, stdin=f"{GRANT}\ny\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "three months" in result.stdout
    assert result.stdout.rstrip().endswith("Goodbye.")
    assert result.stderr.count(NOT_LOGGED) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_broken_during_a_run_costs_a_line_not_a_traceback_per_question(
    database_url: str,
) -> None:
    process = bot_process("ask", "--json", "--db", database_url, "-")
    try:
        first = ask_line(process, GRANT)
        assert isinstance(first["interaction_id"], int)
        database = Database.connect(database_url, migrate=False)
        with database.engine.begin() as connection:
            connection.execute(text("ALTER TABLE interactions RENAME TO interactions_gone"))
        database.dispose()
        secret = "zq-private-question-{}"
        replies = [ask_line(process, f"{GRANT} {secret.format(n)}") for n in range(20)]
    finally:
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert len(replies) == 20
    assert all(r["message"] for r in replies)
    lines = stderr.splitlines()
    assert 1 <= len(lines) <= 3, stderr  # the failure, and perhaps its recovery attempts
    assert "Traceback" not in stderr
    assert "zq-private-question" not in stderr
    assert "[parameters" not in stderr
    assert "INSERT" not in stderr


def test_answers_do_not_wait_for_an_sqlite_write_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    process = bot_process("ask", "--json", "--db", url, "-", env={"COMPACT_DB_BUDGET_MS": "100"})
    holder = None
    try:
        assert isinstance(ask_line(process, GRANT)["interaction_id"], int)
        holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock throughout
        # Each would wait 30 s for the lock before; the test's own timeout would end it.
        replies = [ask_line(process, f"{GRANT} ({n})") for n in range(12)]
    finally:
        _, stderr = process.communicate(timeout=60)
        if holder is not None:
            holder.close()
    assert process.returncode == 0, stderr
    assert [r["entry_id"] for r in replies] == ["funding-notice"] * 12
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) <= 3, stderr


@pytest.mark.parametrize("kind", ["refused", "sqlite-folder"])
def test_the_tour_in_chat_runs_from_memory_with_a_line_not_a_traceback(
    run: Run, tmp_path: Path, kind: str
) -> None:
    with outage(kind, tmp_path) as url:
        result = run("chat", "--db", url, stdin="tour\nn\nn\nq\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "Step 2 of" in result.stdout
    assert result.stdout.rstrip().endswith("Goodbye.")
    assert "Traceback" not in result.stderr
    # The outage is said in a line or two, not a page of stack frames and SQL.
    assert len(result.stderr.splitlines()) <= 3, result.stderr
