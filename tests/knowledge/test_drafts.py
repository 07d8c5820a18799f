from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.knowledge import atomic
from bot.knowledge.drafts import Draft, write_draft
from bot.knowledge.loader import load_knowledge
from bot.knowledge.yaml_source import read_yaml


def test_a_draft_is_written_beside_the_knowledge_and_never_served(tmp_path: Path) -> None:
    (tmp_path / "live.yml").write_text(
        "topic: Live\nentries:\n  - id: live\n    question: Q?\n    answer: A.\n"
    )
    draft = Draft(
        question="Can volunteers claim travel expenses?",
        answer="Champion's answer.",
        alternates=("volunteer expenses",),
        note="From a Compact Champion.",
    )
    first = write_draft(tmp_path, draft)
    second = write_draft(tmp_path, draft)
    assert first == tmp_path / "drafts" / "can-volunteers-claim-travel-expenses.yml"
    assert second.name == "can-volunteers-claim-travel-expenses-2.yml"
    data, problems = read_yaml(first, first.name)
    assert problems == []
    [entry] = data["entries"]
    assert entry["question"] == "Can volunteers claim travel expenses?"
    assert entry["alternates"] == ["volunteer expenses"]
    assert [e.id for e in load_knowledge(tmp_path).entries] == ["live"]


def test_a_failed_write_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "topic.yml"
    target.write_text("original\n")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write_text(target, "half-written")
    assert target.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["topic.yml"]
