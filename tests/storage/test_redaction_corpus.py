"""A corpus of realistic questions (redaction_corpus.yml): half carry personal data, none of
which may survive; the other half carry none, and fewer than 5% of them may be changed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser
from bot.storage.redaction import redact

CORPUS: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("redaction_corpus.yml").read_text(encoding="utf-8")
)
PERSONAL: list[tuple[str, list[str]]] = [(p["text"], p["secrets"]) for p in CORPUS["personal"]]
CLEAN: list[str] = CORPUS["clean"]
MAX_FALSE_POSITIVE_RATE = 0.05


def leaks(stored: str, secrets: list[str]) -> list[str]:
    """Secrets (or a group of four or more of their digits, such as '07700' from
    '07700 900 461') still in ``stored``."""
    found = []
    for secret in secrets:
        pieces = [
            p
            for p in re.split(r"[\s\-–().,/]+", secret)
            if len(p) >= 4 and any(c.isdigit() for c in p)
        ]
        if secret in stored or any(
            re.search(rf"(?<!\w){re.escape(p)}(?!\w)", stored) for p in pieces
        ):
            found.append(secret)
    return found


def test_the_corpus_is_big_enough_and_balanced() -> None:
    assert len(PERSONAL) + len(CLEAN) >= 100
    assert abs(len(PERSONAL) - len(CLEAN)) <= 10


@pytest.mark.parametrize(("question", "secrets"), PERSONAL, ids=[s[0] for _, s in PERSONAL])
def test_no_personal_data_survives(question: str, secrets: list[str]) -> None:
    cleaned = redact(question)
    assert leaks(cleaned, secrets) == [], cleaned
    assert "[" in cleaned


def test_clean_questions_are_left_alone() -> None:
    changed = [(q, redact(q)) for q in CLEAN if redact(q) != q]
    assert len(changed) / len(CLEAN) < MAX_FALSE_POSITIVE_RATE, changed


def test_the_question_itself_survives_redaction() -> None:
    cleaned = redact(PERSONAL[0][0])
    assert cleaned.endswith("how much notice do we give before cutting a grant?")


def test_nothing_personal_reaches_the_log(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    ids = []
    for n, (question, _) in enumerate(PERSONAL):
        context = Context(ChannelKind.SLACK, f"U0PERSON{n}", "C1", "T1")
        ids.append(assistant.ask(Question(question, context)).interaction_id)
    for interaction_id, (_question, secrets) in zip(ids, PERSONAL, strict=True):
        assert interaction_id is not None
        row = interaction_log.get(interaction_id)
        assert row is not None
        assert leaks(row.question, secrets) == [], row.question
        assert "U0PERSON" not in row.user_hash


def test_nothing_personal_is_stored_by_ask(tmp_path: Path) -> None:
    """The whole corpus through ``compact-bot ask --json -``, as a script would send it."""
    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    lines = [q for q, _ in PERSONAL] + CLEAN
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--db", url, "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == len(lines)
    database = Database.connect(url)
    log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
    stored = [log.get(reply["interaction_id"]) for reply in replies]
    database.dispose()
    for row, (_question, secrets) in zip(stored, PERSONAL, strict=False):
        assert row is not None
        assert leaks(row.question, secrets) == [], row.question
    kept = [row.question for row in stored[len(PERSONAL) :] if row]
    changed = [q for q, k in zip(CLEAN, kept, strict=True) if q != k]
    assert len(changed) / len(CLEAN) < MAX_FALSE_POSITIVE_RATE, changed


def test_the_chat_asks_people_not_to_type_personal_details(run) -> None:  # type: ignore[no-untyped-def]
    """Names cannot be spotted reliably, so people are asked up front."""
    result = run("chat", stdin="help\nquit\n")
    assert result.returncode == 0, result.stderr
    welcome = " ".join(result.stdout.split("you>")[0].split())
    assert "Please don't type personal details" in welcome
    assert result.stdout.count("Please don't type personal details") == 2  # and in help
