"""Draft entries: new answers waiting for the review group, kept in ``knowledge/drafts/``.

The loader never serves drafts. A reviewer completes a draft (sources, applies_to, owner,
review date) and moves it into a topic file.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.knowledge.atomic import atomic_write_text
from bot.knowledge.loader import DRAFTS_FOLDER, slugify

DRAFT_TOPIC = "Drafts"
# How a draft's unwritten answer starts; kb check refuses an entry whose answer still does.
UNWRITTEN = "TODO:"


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


def drafts_noting(knowledge_root: Path, text: str) -> list[Path]:
    """The drafts whose header comment (the lines starting with # before the entry) holds
    ``text``: a draft's note, such as the gap theme it came from."""
    folder = drafts_folder(knowledge_root)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.yml")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # not a draft this can read; kb check is for that
        header = " ".join(itertools.takewhile(lambda line: line.startswith("#"), lines))
        if text in header:
            found.append(path)
    return found


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
        "answer": draft.answer or f"{UNWRITTEN} write the answer in plain English, key fact first.",
        "sources": [],
        "applies_to": [],
        # Not filled in for the reviewer: a draft moved into a topic file as it is must fail
        # kb check until someone has checked it and says when ('reviewed' must be a date).
        "status": "current",
        "owner": "",
        "reviewed": "TODO: the date you checked it, like 2026-12-05",
    }
    header = (
        f"# Draft created {draft.created.isoformat()}. {draft.note}\n"
        "# Complete it (answer, sources, applies_to, status, owner, reviewed), then move the\n"
        "# entry into a topic file under knowledge/ and run: compact-bot kb check. If it applies\n"
        "# to the national Compact, add a binds_now line saying who it binds today.\n"
    )
    body = yaml.safe_dump(
        {"topic": draft.topic, "entries": [entry]}, sort_keys=False, allow_unicode=True, width=88
    )
    atomic_write_text(path, header + body)
    return path
