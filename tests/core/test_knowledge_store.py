from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import KnowledgeBaseError
from bot.settings import bundled_knowledge


def test_a_bad_reload_keeps_the_last_good_knowledge_base(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(bundled_knowledge(), folder)
    store = KnowledgeStore.open(folder)
    before = store.current

    (folder / "funding.yml").write_text("topic: Funding\nentries:\n  - id: x\n    question: [\n")
    with pytest.raises(KnowledgeBaseError, match=r"funding\.yml:\d+: YAML syntax error"):
        store.reload()
    assert store.current is before
    assert "funding-notice" in store.current.kb

    shutil.copy(bundled_knowledge() / "funding.yml", folder / "funding.yml")
    (folder / "extra.yml").write_text(
        "topic: Extra\nentries:\n  - id: extra-entry\n    question: Is the zebra crossing rota new?\n"
        "    answer: Yes.\n"
    )
    after = store.reload()
    assert store.current is after
    assert "extra-entry" in after.kb
    assert after.index.search("zebra crossing rota")[0].entry_id == "extra-entry"
