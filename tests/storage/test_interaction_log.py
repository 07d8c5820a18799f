from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.chat.champion_desk import ChampionDesk, ChampionQuestion
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.core.recording import FeedbackKind
from bot.errors import DatabaseError, UnknownInteractionError
from bot.storage.database import HEAD_REVISION, Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.tables import ChampionQuestionRow, ThemeRow


def test_every_question_is_logged_with_outcome_candidates_and_latency(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    context = Context(ChannelKind.SLACK, "U123", conversation_id="C9", workspace_id="T1")
    answered = assistant.ask(
        Question("how much notice must we give before ending a grant?", context)
    )
    missed = assistant.ask(Question("purple elephants dancing", context))

    row = interaction_log.get(answered.interaction_id or 0)
    assert row is not None
    assert row.channel == "slack"
    assert row.outcome == "answer"
    assert row.entry_id == "funding-notice"
    assert row.confidence == pytest.approx(answered.confidence, abs=1e-3)
    assert row.candidates[0]["entry_id"] == "funding-notice"
    assert row.latency_ms >= 0
    assert row.asked_at.year >= 2026

    missed_row = interaction_log.get(missed.interaction_id or 0)
    assert missed_row is not None
    assert missed_row.outcome == "no_match"
    assert missed_row.entry_id is None
    assert missed_row.question == "purple elephants dancing"


def test_user_ids_are_keyed_hashes(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    first = assistant.ask(Question("hi", Context(ChannelKind.SLACK, "U123", workspace_id="T1")))
    again = assistant.ask(Question("hi", Context(ChannelKind.SLACK, "U123", workspace_id="T1")))
    other = assistant.ask(Question("hi", Context(ChannelKind.SLACK, "U999", workspace_id="T1")))
    rows = {r.id: r for r in interaction_log.recent()}
    assert "U123" not in rows[first.interaction_id or 0].user_hash
    assert len(rows[first.interaction_id or 0].user_hash) == 32
    assert rows[first.interaction_id or 0].user_hash == rows[again.interaction_id or 0].user_hash
    assert rows[first.interaction_id or 0].user_hash != rows[other.interaction_id or 0].user_hash


def test_questions_are_stored_redacted(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    reply = assistant.ask(
        Question(
            "email jo.bloggs@preston.gov.uk or ring 07700 900123 about grant notice",
            Context(ChannelKind.CONSOLE, "me"),
        )
    )
    row = interaction_log.get(reply.interaction_id or 0)
    assert row is not None
    assert row.question == "email [email] or ring [phone] about grant notice"


def test_feedback_for_an_unknown_interaction_is_refused(interaction_log: InteractionLog) -> None:
    impatient = InteractionLog(
        interaction_log.database,
        pseudonymiser=interaction_log.pseudonymiser,
        pending_row_wait_s=0.1,
    )
    with pytest.raises(UnknownInteractionError, match="No interaction 424242"):
        impatient.record_feedback(424242, FeedbackKind.HELPFUL)


def test_feedback_waits_for_a_row_that_is_being_written(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    """A click can race the log write that follows a chat reply; it is kept, not lost."""
    assistant = Assistant(store=bundled_store, log=interaction_log)
    question = Question("what is the compact?", Context(ChannelKind.SLACK, "U1"))
    clicked = threading.Event()
    with assistant.answering(question) as reply:
        assert reply.interaction_id is not None
        interaction_id = reply.interaction_id

        def press() -> None:
            interaction_log.record_feedback(interaction_id, FeedbackKind.HELPFUL)
            clicked.set()

        click = threading.Thread(target=press)
        click.start()
        time.sleep(0.2)
    click.join(timeout=5)
    assert clicked.is_set()
    [feedback] = interaction_log.feedback_for(reply.interaction_id)
    assert feedback.kind is FeedbackKind.HELPFUL


def test_migrations_are_applied_and_repeatable(database: Database) -> None:
    assert database.current_revisions() == database.head_revisions()
    database.upgrade()  # a second run changes nothing and does not fail
    assert database.current_revisions() == database.head_revisions()


def test_upgrading_rewrites_theme_notes_that_named_a_chat_user(database: Database) -> None:
    """The digest's triage buttons wrote "Set from Slack by U123", a raw chat user id, into
    the theme's note, which the reports show; migration 0009 rewrites those already stored
    as the buttons now write them, and leaves every other note alone."""
    now = datetime.now(UTC)
    notes = {
        "Set from Slack by U0RAWSLACKID": "Set from the digest's buttons in Slack",
        "Set from Microsoft Teams by 29:1abc-def": (
            "Set from the digest's buttons in Microsoft Teams"
        ),
        "Asked the finance team": "Asked the finance team",
        "Set from above by the chair, see minutes": "Set from above by the chair, see minutes",
    }
    with database.session() as session:
        session.add_all(
            ThemeRow(leader=n, label=n, note=n, created_at=now, updated_at=now) for n in notes
        )
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    database.upgrade()
    with database.session() as session:
        stored = {row.label: row.note for row in session.scalars(select(ThemeRow))}
    assert stored == notes
    assert database.current_revisions() == {HEAD_REVISION}


def test_the_recorded_newest_migration_is_alembics_head(database: Database) -> None:
    # Starting skips Alembic when the database is at HEAD_REVISION; a stale one would leave
    # a new migration unapplied.
    assert database.head_revisions() == {HEAD_REVISION}


def test_a_database_at_the_newest_migration_starts_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    Database.connect(url).dispose()  # brings it up to date
    probe = (
        "import sys; from bot.storage.database import Database; "
        f"Database.connect({url!r}).dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    fresh = f"sqlite:///{tmp_path / 'new.db'}"
    assert Database.connect(fresh).current_revisions() == {HEAD_REVISION}


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        "not a url",
        "mysql+nosuchdriver://x@localhost/db",
    ],
)
def test_an_unusable_database_gives_a_clear_error(url: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        Database.connect(url)
    message = str(caught.value)
    assert "database" in message.lower()
    assert "Traceback" not in message


def test_a_connection_dropped_by_the_server_is_retried_once(database: Database) -> None:
    """The hot-path engine has no pre-ping; a server restart costs one retry, not a lost row."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite connections are files; they are never dropped by a server")
    [(pid,)] = database.execute_atomic(text("SELECT pg_backend_pid()"))
    with database.engine.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert database.execute_atomic(text("SELECT 1")) == [(1,)]


def test_a_champion_question_waits_for_the_row_it_came_from(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog, tmp_path: Path
) -> None:
    """ "Ask a Compact Champion" can be clicked before the reply's row is written: the question
    is linked to it once it lands; one whose row never lands is kept, unlinked."""
    desk = ChampionDesk(interaction_log.database, tmp_path)
    assistant = Assistant(store=bundled_store, log=interaction_log)
    question = Question("can volunteers claim travel expenses?", Context(ChannelKind.SLACK, "U1"))
    opened: list[ChampionQuestion] = []
    with assistant.answering(question) as reply:
        assert reply.interaction_id is not None
        click = threading.Thread(
            target=lambda: opened.append(
                desk.open(
                    team_id="T1",
                    asker="U1",
                    question=question.text,
                    interaction_id=reply.interaction_id,
                )
            )
        )
        click.start()
        time.sleep(0.2)
    click.join(timeout=5)
    [linked] = opened
    with interaction_log.database.session() as session:
        row = session.get(ChampionQuestionRow, linked.id)
        assert row is not None
        assert row.interaction_id == reply.interaction_id

    impatient = ChampionDesk(interaction_log.database, tmp_path, pending_row_wait_s=0.1)
    lost = impatient.open(team_id="T1", asker="U1", question="still asked", interaction_id=424242)
    with interaction_log.database.session() as session:
        row = session.get(ChampionQuestionRow, lost.id)
        assert row is not None
        assert (row.question, row.interaction_id) == ("still asked", None)
