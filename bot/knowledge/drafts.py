"""Draft entries: new answers waiting for the review group, kept in ``knowledge/drafts/``.

The loader never serves drafts. A reviewer completes a draft (sources, applies_to, owner,
review date) and moves it into a topic file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.loader import DRAFTS_FOLDER, slugify

DRAFT_TOPIC = "Drafts"


@dataclass(frozen=True, slots=True)
class Draft:
    question: str
    answer: str = ""
    alternates: tuple[str, ...] = ()
    topic: str = DRAFT_TOPIC
    note: str = ""
    suggested_id: str = ""
    created: date = field(default_factory=date.today)

    @property
    def entry_id(self) -> str:
        return self.suggested_id or slugify(self.question)[:60].strip("-") or "draft"


def drafts_folder(knowledge_root: Path) -> Path:
    root = knowledge_root if knowledge_root.is_dir() else knowledge_root.parent
    return root / DRAFTS_FOLDER


def write_draft(knowledge_root: Path, draft: Draft) -> Path:
    """Write ``draft`` as ``drafts/<id>.yml`` (``<id>-2.yml`` and so on if taken); atomic."""
    folder = drafts_folder(knowledge_root)
    base = draft.entry_id
    path, number = folder / f"{base}.yml", 1
    while path.exists():
        number += 1
        path = folder / f"{base}-{number}.yml"
    entry: dict[str, object] = {
        "id": path.stem,
        "question": draft.question,
        "alternates": list(draft.alternates),
        "answer": draft.answer or "TODO: write the answer in plain English, key fact first.",
        "sources": [],
        "applies_to": [],
        "status": "current",
        "owner": "",
        "reviewed": draft.created,
    }
    header = (
        f"# Draft created {draft.created.isoformat()}. {draft.note}\n"
        "# Complete it (answer, sources, applies_to, status, owner), then move the entry into a\n"
        "# topic file under knowledge/ and run: compact-bot kb check. If it applies to the\n"
        "# national Compact, add a binds_now line saying who it binds today.\n"
    )
    body = yaml.safe_dump(
        {"topic": draft.topic, "entries": [entry]}, sort_keys=False, allow_unicode=True, width=88
    )
    atomic_write_text(path, header + body)
    return path
