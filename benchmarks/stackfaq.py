"""Load the StackFAQ collection as two knowledge bases: title-only, and with alternates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.model import Entry, KnowledgeBase

DEFAULT_PATH = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/stackfaq/stackExchange-FAQ.json"
)


@dataclass(frozen=True)
class FaqSetting:
    name: str
    kb: KnowledgeBase
    queries: list[tuple[str, str]]  # (query, expected entry id)


def load(path: Path = DEFAULT_PATH) -> list[FaqSetting]:
    pairs = json.loads(path.read_text(encoding="utf-8"))["root"]["qapair"]
    titles, halves, all_queries, second_half = [], [], [], []
    for number, pair in enumerate(pairs):
        entry_id = f"faq-{number}"
        rephrasings = [r.strip() for r in pair["rephr"] if r and len(r.strip()) > 3]
        answer = (
            " ".join(pair["answer"]) if isinstance(pair["answer"], list) else str(pair["answer"])
        )
        half = len(rephrasings) // 2
        base = {"id": entry_id, "topic": "StackFAQ", "question": pair["question"], "answer": answer}
        titles.append(Entry(**base))
        halves.append(Entry(**base, alternates=tuple(rephrasings[:half])))
        all_queries += [(q, entry_id) for q in rephrasings]
        second_half += [(q, entry_id) for q in rephrasings[half:]]
    return [
        FaqSetting("title only", KnowledgeBase(tuple(titles)), all_queries),
        FaqSetting("with alternates", KnowledgeBase(tuple(halves)), second_half),
    ]
