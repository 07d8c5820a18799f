"""Any text Slack can send reaches the log cleaned: JSON allows NUL and lone surrogates, which
PostgreSQL's text cannot hold. One such question never costs the others their rows."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.tables import InteractionRow

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
    bot.services.flush_log()
    assert bot.services.database is not None
    with bot.services.database.session() as session:
        stored = sorted(session.scalars(select(InteractionRow.question)))
    assert stored == ["consultation length", "grant  notice period", "grant \ufffd notice period"]
