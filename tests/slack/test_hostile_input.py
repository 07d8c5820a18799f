"""Hostile input through the running bot: text that PostgreSQL cannot store, and a knowledge
file nested deep enough to exhaust Python's recursion limit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.storage.tables import InteractionRow

from ..polling import eventually
from .conftest import Bot, payload
from .fake_slack import FakeSlack


def test_questions_with_nul_bytes_and_lone_surrogates_are_logged(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    questions = ["grant \x00 notice period", "grant \ud800 notice period", "consultation length"]
    for n, text in enumerate(questions):
        body = payload("app_mention")
        body["event_id"] = f"Ev0TEXT{n}"
        body["event"]["text"] = f"<@UBOT> {text}"
        body["event"]["ts"] = f"1700000100.00010{n}"
        assert bot.event(body).status == 200  # sent as JSON with \\u0000 and \\ud800 escapes
    fake_slack.wait_for("chat.postMessage", count=3)
    database = bot.services.database
    assert database is not None

    def stored() -> list[str]:
        # Each reply goes out just before its row is queued, so flush until all three are in.
        bot.services.flush_log()
        with database.session() as session:
            return sorted(session.scalars(select(InteractionRow.question)))

    expected = ["consultation length", "grant  notice period", "grant \ufffd notice period"]
    assert eventually(lambda: stored() == expected, timeout=15)
    assert stored() == expected


def test_reload_reports_a_deeply_nested_file_and_keeps_answering(
    bot: Bot, fake_slack: FakeSlack, kb_copy: Path
) -> None:
    (kb_copy / "funding.yml").write_text(
        "entries:\n  - id: deep\n    question: " + "[" * 20_000 + "]" * 20_000 + "\n"
    )
    fields = payload("slash_command", response_url=fake_slack.url)
    fields.update(text="reload", user_id="UADMIN")
    bot.command(fields)
    [reply] = fake_slack.wait_for("response_url")
    assert "was not reloaded" in reply.params["text"]
    assert "funding.yml:3" in reply.params["text"]
    assert "nested more than 50 deep" in reply.params["text"]
    assert "funding-notice" in bot.services.store.current.kb
