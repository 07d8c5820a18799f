"""A Champion question keeps the raw ids it needs to send its answer back, and no longer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.champion_desk import ChampionDesk
from bot.errors import ReviewActionError
from bot.storage.database import Database
from bot.storage.tables import ChampionQuestionRow


def test_the_raw_ids_are_deleted_once_the_question_is_answered(
    database: Database, tmp_path: Path
) -> None:
    desk = ChampionDesk(database, tmp_path)
    opened = desk.open(team_id="T1", asker="UASKER", question="mileage?", interaction_id=None)
    desk.posted(opened.id, channel="CCHAMPIONS", ts="1700000000.000100")
    with pytest.raises(ReviewActionError, match="write an answer"):
        desk.answer(opened.id, champion="UCHAMPION", answer="  ", via="Slack")

    answered, draft = desk.answer(opened.id, champion="UCHAMPION", answer="Yes.", via="Slack")
    # The caller gets them once, to send the answer and mark the post answered...
    assert (answered.asker, answered.channel, answered.message_ts) == (
        "UASKER",
        "CCHAMPIONS",
        "1700000000.000100",
    )
    assert "in Slack" in draft.read_text()
    # ...and the database keeps the question and its answer, not who asked or answered.
    with database.session() as session:
        row = session.get(ChampionQuestionRow, opened.id)
        assert row is not None
        kept = (row.asker, row.team_id, row.answered_by, row.channel, row.message_ts)
        assert (row.question, row.answer, row.status) == ("mileage?", "Yes.", "answered")
    assert kept == ("", None, None, None, None)
    with pytest.raises(ReviewActionError, match="already been answered"):
        desk.answer(opened.id, champion="UOTHER", answer="No.", via="Slack")
