"""Log rows written behind the reply: batched, kept while the database is away, flushed on
close, and written between answers rather than during them."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, insert, select

from bot.core.assistant import Assistant
from bot.core.foreground import Foreground
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.tables import InteractionRow
from bot.storage.write_behind import WriteBehind

from ..polling import eventually


def row(number: int) -> dict[str, Any]:
    return {
        "asked_at": datetime.now(UTC),
        "channel": "slack",
        "user_hash": "u",
        "conversation_hash": "c",
        "question": f"question {number}",
        "outcome": "no_match",
        "entry_id": None,
        "confidence": 0.0,
        "candidates": [],
        "latency_ms": 0.1,
    }


def stored_questions(database: Database) -> list[str]:
    with database.session() as session:
        return sorted(session.scalars(select(InteractionRow.question)))


def writer_beside_answers(database: Database, yield_s: float) -> tuple[Foreground, WriteBehind]:
    """A writer that keeps out of the way of the answers its ``Foreground`` marks busy."""
    foreground = Foreground()
    writer = WriteBehind(
        database, insert(InteractionRow), gather_s=0, foreground=foreground, yield_s=yield_s
    )
    return foreground, writer


def test_a_batch_waits_for_a_moment_between_answers(database: Database) -> None:
    foreground, writer = writer_beside_answers(database, yield_s=30)
    with foreground.busy():
        writer.put(row(1))
        time.sleep(0.5)  # with nothing to wait for, the row would be written within this
        assert stored_questions(database) == []
    assert eventually(lambda: stored_questions(database) == ["question 1"])
    writer.close()


def test_a_server_that_is_never_idle_still_writes_its_log(database: Database) -> None:
    foreground, writer = writer_beside_answers(database, yield_s=0.1)
    with foreground.busy():
        writer.put(row(1))
        assert eventually(lambda: stored_questions(database) == ["question 1"])
        writer.put(row(2))
        assert writer.flush()  # a flush does not wait for the answers to stop
        assert stored_questions(database) == ["question 1", "question 2"]
    writer.close()


def test_rows_are_made_on_the_writer_thread_and_a_bad_one_is_reported(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    made_on: list[str] = []

    def rows(number: int) -> dict[str, Any]:
        made_on.append(threading.current_thread().name)
        if number < 0:
            raise ValueError("no such question")
        return row(number)

    writer = WriteBehind(database, insert(InteractionRow), gather_s=0, rows=rows)
    writer.put(-1)
    writer.put(4)
    assert writer.flush()
    assert stored_questions(database) == ["question 4"]
    assert "could not prepare one of the log rows; it is lost" in caplog.text
    assert threading.current_thread().name not in made_on
    writer.close()
    writer.put(5)  # after close: made and written at once
    assert stored_questions(database) == ["question 4", "question 5"]


def test_answering_is_busy_on_the_foreground_the_log_writer_watches(
    bundled_store: KnowledgeStore, database: Database
) -> None:
    foreground = Foreground()
    log = InteractionLog(
        database, pseudonymiser=Pseudonymiser("k" * 16), write_behind=True, foreground=foreground
    )
    assistant = Assistant(store=bundled_store, log=log, foreground=foreground)
    question = Question("what is the compact?", Context(ChannelKind.SLACK, "U1"))
    with assistant.answering(question) as reply:
        assert not foreground.idle
    assert foreground.idle
    assert log.flush()
    assert reply.interaction_id is not None
    assert log.get(reply.interaction_id) is not None
    log.close()


def test_rows_queued_together_share_one_statement(database: Database) -> None:
    statements: list[str] = []
    event.listen(
        database.autocommit,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: statements.append(sql),
    )
    writer = WriteBehind(database, insert(InteractionRow), gather_s=0.2)
    for number in range(5):
        writer.put(row(number))
    assert writer.flush()
    assert stored_questions(database) == [f"question {n}" for n in range(5)]
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT")]) == 1
    writer.close()


def test_rows_wait_for_a_database_that_is_away(database: Database) -> None:
    """Nothing is lost to a short outage: the rows stay queued and land when it is back."""
    writer = WriteBehind(database, insert(InteractionRow), gather_s=0)
    working = database.autocommit
    database._autocommit = create_engine(  # the server has gone away
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    writer.put(row(1))
    writer.put(row(2))
    assert writer.flush() is False
    database._autocommit = working
    assert writer.flush() is True
    assert stored_questions(database) == ["question 1", "question 2"]
    writer.close()


def test_closing_writes_out_what_is_queued(database: Database) -> None:
    writer = WriteBehind(database, insert(InteractionRow), gather_s=30)
    writer.put(row(7))
    writer.close()
    assert stored_questions(database) == ["question 7"]
    writer.put(row(8))  # after close: written at once rather than lost
    assert stored_questions(database) == ["question 7", "question 8"]


def test_a_row_the_database_refuses_is_dropped_alone(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    writer = WriteBehind(database, insert(InteractionRow), gather_s=0.3)
    writer.put(row(1))
    writer.put({**row(2), "question": None})  # NOT NULL: a row it will not take
    if database.dialect == "postgresql":  # SQLite takes these two
        writer.put({**row(3), "question": "nul \x00 byte"})  # PostgreSQL's text cannot hold NUL
        writer.put({**row(4), "question": "lone \ud800 surrogate"})  # UTF-8 cannot encode it
    writer.put(row(5))
    assert writer.flush()
    assert stored_questions(database) == ["question 1", "question 5"]
    assert caplog.text.count("could not be written and is dropped") == 1  # rate-limited
    assert "question 1" not in caplog.text
    assert "Traceback" not in caplog.text
    writer.put(row(6))
    assert writer.flush()
    assert writer._thread.is_alive()
    assert stored_questions(database) == ["question 1", "question 5", "question 6"]
    writer.close()


def test_the_log_stores_any_text_cleaned(bundled_store: KnowledgeStore, database: Database) -> None:
    """Text from a chat platform can hold NUL bytes and lone surrogates (JSON allows both)."""
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("k" * 16), write_behind=True)
    assistant = Assistant(store=bundled_store, log=log)
    ids = []
    for text in ("grant \x00 notice", "grant \ud83d notice", "what is the compact?"):
        with assistant.answering(Question(text, Context(ChannelKind.SLACK, "U1"))) as reply:
            ids.append(reply.interaction_id)
    assert log.flush()
    stored = [log.get(i) for i in ids if i is not None]
    assert [s.question for s in stored if s] == [
        "grant  notice",
        "grant \ufffd notice",
        "what is the compact?",
    ]
    log.close()


def test_a_chat_log_writes_reserved_rows_behind_on_postgresql(
    bundled_store: KnowledgeStore, database: Database
) -> None:
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("k" * 16), write_behind=True)
    assistant = Assistant(store=bundled_store, log=log)
    question = Question("what is the compact?", Context(ChannelKind.SLACK, "U1"))
    with assistant.answering(question) as reply:
        assert reply.interaction_id is not None
    assert log.flush()
    logged = log.get(reply.interaction_id)
    assert logged is not None
    assert logged.question == "what is the compact?"
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(InteractionRow)) == 1
    log.close()
