"""Realistic questions carrying personal data: none of it may reach the database."""

from __future__ import annotations

import pytest

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.storage.interaction_log import InteractionLog
from bot.storage.redaction import redact

CORPUS: list[tuple[str, list[str]]] = [
    (
        "Hi, I'm Sarah (sarah.jones@preston.gov.uk) - how much notice do we give before cutting a grant?",
        ["sarah.jones@preston.gov.uk"],
    ),
    ("can you ring me back on 07700 900 461 about the compact", ["07700 900 461"]),
    ("our treasurer is on 01772 906123, can we pay the grant in advance?", ["01772 906123"]),
    (
        "Please reply to j.smith+compact@harborough.gov.uk or call +44 (0)116 496 0123",
        ["j.smith+compact@harborough.gov.uk", "116 496 0123"],
    ),
    ("The group at PR1 2RL lost its funding - is that a compact breach?", ["PR1 2RL"]),
    ("volunteer with NI number QQ123456C wants a free check", ["QQ123456C"]),
    ("NI AB 12 34 56 C - does she need a DBS check to volunteer?", ["AB 12 34 56 C"]),
    (
        "see https://forms.lancashire.gov.uk/grant?applicant=Jane+Doe&ref=88123 - is this compact compliant?",
        ["Jane+Doe", "88123"],
    ),
    ("<@U04ABCD12> asked whether the council can cut funding with no notice", ["U04ABCD12"]),
    ("<at>Priya Patel</at> wants to know about the consultation period", ["Priya Patel"]),
    (
        "email me at mo.ahmed@example.org.uk or text 07912345678",
        ["mo.ahmed@example.org.uk", "07912345678"],
    ),
    ("our office LE16 7AG has a question about overheads", ["LE16 7AG"]),
]


@pytest.mark.parametrize(("question", "secrets"), CORPUS)
def test_personal_data_is_removed(question: str, secrets: list[str]) -> None:
    cleaned = redact(question)
    for secret in secrets:
        assert secret not in cleaned, cleaned
    assert "[" in cleaned


def test_the_question_itself_survives_redaction() -> None:
    cleaned = redact(CORPUS[0][0])
    assert cleaned.endswith("how much notice do we give before cutting a grant?")


def test_nothing_personal_reaches_the_log(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    for n, (question, _) in enumerate(CORPUS):
        assistant.ask(Question(question, Context(ChannelKind.SLACK, f"U0PERSON{n}", "C1", "T1")))
    stored = " ".join(f"{row.question} {row.user_hash}" for row in interaction_log.recent(100))
    for _question, secrets in CORPUS:
        for secret in secrets:
            assert secret not in stored
    assert "U0PERSON" not in stored
