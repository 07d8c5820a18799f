"""The built knowledge base cached in the data folder: used when the files are the same, never
when they (or the code) changed, and never a reason for a question to go unanswered."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

import bot.core.knowledge_store as knowledge_store
import bot.matching.cache as build_cache
from bot.core.knowledge_store import KnowledgeStore
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

NOTICE = "how much notice before we end a grant"


def builds(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.build"))


def no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the YAML fail: only a cached build can answer now."""

    def refuse(*args: object, **kwargs: object) -> KnowledgeBase:
        raise AssertionError("the knowledge base was read again instead of the cached build")

    monkeypatch.setattr(knowledge_store, "load_knowledge", refuse)


def count_loading(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record each time the knowledge base is read from its YAML files."""
    calls: list[Path] = []

    def counted(path: Path, **kwargs: Any) -> KnowledgeBase:
        calls.append(path)
        return load_knowledge(path, **kwargs)

    monkeypatch.setattr(knowledge_store, "load_knowledge", counted)
    return calls


def test_a_second_start_uses_the_cached_build_and_answers_the_same(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert len(builds(cache)) == 1
    no_loading(monkeypatch)
    second = KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert second.current.kb == first.current.kb
    assert second.current.tour == first.current.tour
    assert second.current.index.search(NOTICE) == first.current.index.search(NOTICE)
    assert second.current.kb["funding-notice"].file == first.current.kb["funding-notice"].file


def test_an_edited_file_is_read_again_and_cached_beside_the_old_build(
    kb_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    funding = kb_copy / "funding.yml"
    funding.write_text(
        funding.read_text().replace("Plan on at least three months' notice", "Zebra answer"),
        encoding="utf-8",
    )
    store = KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert store.current.kb["funding-notice"].answer.startswith("**Zebra answer")
    assert len(builds(cache)) == 2


def test_other_matcher_code_means_a_new_build(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    monkeypatch.setattr(build_cache, "code_version", lambda: "the ranker was rewritten")
    calls = count_loading(monkeypatch)
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert calls == [kb_copy]
    assert len(builds(cache)) == 2


def test_the_code_version_covers_the_matcher_source() -> None:
    digest = build_cache.code_version()
    assert len(digest) == 64
    sources = list((Path(build_cache.__file__).parent).glob("*.py"))
    assert Path(build_cache.__file__).parent / "index.py" in sources


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"not a cache at all", id="garbage"),
        pytest.param(lambda data: data[:-10] + bytes(10), id="bytes changed"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_damaged_cache_is_rebuilt_with_one_log_line(
    damage: object,
    kb_copy: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = tmp_path / "cache"
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    [built] = builds(cache)
    built.write_bytes(damage(built.read_bytes()))  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        store = KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert store.current.index.search(NOTICE)[0].entry_id == "funding-notice"
    assert [r.message for r in caplog.records if "cache" in r.message] == [
        f"build cache {built} is damaged or out of date; building instead"
    ]
    # The damaged file was replaced by a sound one.
    no_loading(monkeypatch)
    assert KnowledgeStore.open(kb_copy, cache_dir=cache).current.kb == store.current.kb


def test_a_cache_holding_something_else_is_not_used(
    kb_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    [built] = builds(cache)
    key = built.read_bytes().split(b"\n")[1].decode()
    build_cache.BuildCache(cache).put(key, {"not": "a knowledge base"})
    with caplog.at_level(logging.WARNING):
        store = KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert "funding-notice" in store.current.kb
    assert any("damaged or out of date" in r.message for r in caplog.records)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_file_others_can_write_is_ignored(
    kb_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    KnowledgeStore.open(kb_copy, cache_dir=cache)
    [built] = builds(cache)
    built.chmod(0o666)
    calls = count_loading(monkeypatch)
    with caplog.at_level(logging.WARNING):
        KnowledgeStore.open(kb_copy, cache_dir=cache)
    assert calls == [kb_copy]
    assert any("writable by others" in r.message for r in caplog.records)
    assert built.stat().st_mode & 0o777 == 0o600  # replaced by our own


def test_a_cache_folder_that_cannot_be_written_never_stops_loading(
    kb_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    with caplog.at_level(logging.WARNING):
        store = KnowledgeStore.open(kb_copy, cache_dir=blocked / "cache")
    assert store.current.index.search(NOTICE)[0].entry_id == "funding-notice"
    assert any("build cache not written" in r.message for r in caplog.records)


def test_reload_reads_an_edit_and_a_reload_of_unchanged_files_uses_the_cache(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    store = KnowledgeStore.open(kb_copy, cache_dir=cache)
    (kb_copy / "extra.yml").write_text(
        "topic: Extra\nentries:\n  - id: extra-entry\n    question: Is the zebra crossing rota new?\n"
        "    answer: Yes.\n"
    )
    after = store.reload()
    assert after.index.search("zebra crossing rota")[0].entry_id == "extra-entry"
    no_loading(monkeypatch)
    again = store.reload()
    assert "extra-entry" in again.kb


def test_a_bad_file_is_never_cached_and_its_error_still_shows(
    kb_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    store = KnowledgeStore.open(kb_copy, cache_dir=cache)
    (kb_copy / "funding.yml").write_text("topic: Funding\nentries:\n  - id: x\n    question: [\n")
    with pytest.raises(Exception, match=r"funding\.yml:\d+: YAML syntax error"):
        store.reload()
    assert len(builds(cache)) == 1
