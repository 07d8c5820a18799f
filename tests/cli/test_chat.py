from __future__ import annotations

from pathlib import Path

from bot.core.recording import FeedbackKind
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from .conftest import Run


def test_a_console_conversation(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    script = [
        "how much notice must we give before ending a grant?",
        "y",
        "consultation",
        "1",
        "n",
        "what is a flibbertigibbet",
        "topics",
        "quit",
    ]
    result = run("chat", "--db", url, stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "three months" in out
    assert "Was this helpful?" in out
    assert "glad it helped" in out
    assert "Did you mean:" in out
    assert "\n  1. " in out
    assert "0. None of these" in out
    assert out.count("Was this helpful?") == 2
    assert "flagged that answer" in out
    assert "I don't know that yet" in out
    assert "Funding" in out
    assert out.rstrip().endswith("Goodbye.")

    database = Database.connect(url)
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
    rows = list(reversed(log.recent()))
    assert [r.outcome for r in rows] == ["answer", "clarify", "no_match", "smalltalk"]
    assert [(f.kind, f.entry_id) for f in log.feedback_for(rows[0].id)] == [
        (FeedbackKind.HELPFUL, "funding-notice")
    ]
    chose, not_helpful = log.feedback_for(rows[1].id)
    assert chose.kind is FeedbackKind.CHOSE
    assert chose.entry_id in {c["entry_id"] for c in rows[1].candidates}
    assert (not_helpful.kind, not_helpful.entry_id) == (FeedbackKind.NOT_HELPFUL, chose.entry_id)
    database.dispose()


def test_chat_ends_cleanly_at_end_of_input(run: Run) -> None:
    result = run("chat", stdin="what is the compact?\n")
    assert result.returncode == 0, result.stderr
    assert "agreement between government" in result.stdout


def test_start_without_credentials_opens_the_console_chat(run: Run) -> None:
    result = run("start", stdin="help\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "Compact Assistant" in result.stdout
    assert "I answer questions about the Compact" in result.stdout
    assert "Goodbye." in result.stdout
