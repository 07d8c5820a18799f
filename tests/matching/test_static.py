"""The static vectors: the encoder itself, the order they give the matcher's candidates, and
what the policy makes of hits whose scores no longer fall down the list."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, KnowledgeBase
from bot.matching.index import Hit, MatchConfig, MatchIndex, static_vectors
from bot.matching.policy import Decision, Thresholds, decide
from bot.matching.static import FOLDER, Pieces, StaticEncoder, piece_weights, static_encoder
from bot.settings import bundled_knowledge, load_settings


def test_texts_become_unit_vectors_and_close_meanings_lie_close() -> None:
    encoder = static_encoder()
    texts = [
        "How do I postpone a meeting?",
        "reschedule an appointment",
        "grant funding for small charities",
    ]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, encoder.dimensions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # No word shared, yet nearer each other than either is to the funding question.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    assert vectors[0] @ vectors[1] > vectors[1] @ vectors[2] + 0.1
    # A batch gives what one text at a time gives (a fresh encoder: nothing remembered).
    assert np.allclose(StaticEncoder.load().encode(texts[1:2])[0], vectors[1], atol=1e-6)


def test_a_knowledge_bases_wordings_are_split_once_per_process() -> None:
    encoder = StaticEncoder.load()
    split: list[str] = []
    real = encoder.pieces

    def counting(texts: Sequence[str]) -> list[Pieces]:
        split.extend(texts)
        return real(texts)

    encoder.pieces = counting  # type: ignore[method-assign]
    texts = ["how long should a consultation last", "grant notice", "grant notice"]
    first = encoder.pieces_remembered(texts)
    assert split == texts[:2], "each distinct wording once"
    again = encoder.pieces_remembered(texts[::-1])
    assert split == texts[:2], "nothing split the second time"
    assert [a.tolist() for a in again] == [f.tolist() for f in first[::-1]]
    assert np.allclose(encoder.vectors_of(first), encoder.encode(texts), atol=1e-6)


def test_pieces_most_entries_use_weigh_less_and_kept_apart_names_weigh_fully() -> None:
    encoder = static_encoder()
    flu, vaccine, covenant = (encoder.pieces([w])[0] for w in ("flu", "vaccine", "covenant"))
    entries = [
        [encoder.pieces(["flu vaccine covenant"])[0]],
        [encoder.pieces(["flu symptoms covenant"])[0]],
        [encoder.pieces(["flu treatment covenant"])[0]],
        [encoder.pieces(["travel advice covenant"])[0]],
    ]
    weights = piece_weights(encoder.size, entries, 0.3, keep=[covenant])
    assert np.isclose(weights[flu], 0.3 / (0.3 + 0.75)).all()
    assert np.isclose(weights[vaccine], 0.3 / (0.3 + 0.25)).all()
    assert (weights[covenant] == 1.0).all(), "every entry uses it, but it is kept apart"
    unused = encoder.pieces(["zebra"])[0]
    assert (weights[unused] == 1.0).all()
    # Weighted, "flu vaccine" leans towards its rarer word.
    plain, weighted = encoder.encode(["flu vaccine"]), encoder.encode(["flu vaccine"], weights)
    towards = encoder.encode(["vaccine"])[0]
    assert weighted[0] @ towards > plain[0] @ towards


def test_a_word_every_entry_uses_no_longer_decides_which_entry_the_vectors_prefer() -> None:
    # Every entry of a flu FAQ says "flu". In a plain mean it is a third of a short question's
    # vector and pulls it to whichever entry it sits best in; weighted, the vectors follow
    # "catch ... from my partner" to the entry on how flu spreads.
    def entry(id_: str, question: str) -> Entry:
        return Entry(id=id_, topic="Flu", question=question, answer="See the flu pages.")

    kb = KnowledgeBase(
        entries=(
            entry("jab", "Where can I get the flu jab?"),
            entry("spread", "How does flu spread between people?"),
            entry("symptoms", "What are the symptoms of flu?"),
            entry("travel", "Can I travel abroad with flu?"),
            entry("work", "Should I stay off work with flu?"),
            entry("children", "Is flu dangerous for children?"),
            entry("treat", "How is flu treated?"),
            entry("test", "Is there a test for flu?"),
        )
    )
    question = "can i catch flu from my partner"
    plain = MatchIndex.build(kb, MatchConfig(static_smoothing=0.0)).search(question)
    assert plain[0].entry_id == "test"
    assert MatchIndex.build(kb).search(question)[0].entry_id == "spread"


def test_a_text_with_nothing_to_encode_is_a_zero_vector() -> None:
    vectors = static_encoder().encode(["", "   "])
    assert not vectors.any()
    # Whatever a chat payload carries: a lone surrogate, a NUL byte.
    odd = static_encoder().encode(["grant \ud800 notice", "grant\x00notice"])
    assert np.allclose(np.linalg.norm(odd, axis=1), 1.0, atol=1e-5)
    assert static_encoder().encode([]).shape == (0, static_encoder().dimensions)


def test_damaged_vectors_name_the_folder_and_the_fix(tmp_path: Path) -> None:
    shutil.copy(FOLDER / "tokenizer.json", tmp_path / "tokenizer.json")
    shutil.copy(FOLDER / "scales.npy", tmp_path / "scales.npy")
    (tmp_path / "codes.npy").write_bytes(b"not a numpy array")
    with pytest.raises(ConfigError) as raised:
        StaticEncoder.load(tmp_path)
    assert str(tmp_path) in str(raised.value)
    assert "static_distil.py" in str(raised.value)


def test_the_vectors_fix_wording_the_confidence_alone_gets_wrong_and_never_answer_it() -> None:
    # "when did the community groups code come out": by shared words the volunteering code
    # leads; the vectors know the question is about the community groups code.
    kb = load_knowledge(bundled_knowledge())
    question = "when did the community groups code come out"
    lexical = MatchIndex.build(kb, MatchConfig(static_weight=0.0)).search(question)
    assert lexical[0].entry_id == "volunteering-code"
    hits = MatchIndex.build(kb).search(question)
    assert hits[0].entry_id == "community-groups-code"
    assert hits[0].contested, "the two views disagree, so it is not answered outright"
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    assert options[0].entry_id == "community-groups-code"
    assert "volunteering-code" in [o.entry_id for o in options]


def test_an_entry_is_judged_on_what_its_wordings_share_as_well_as_on_its_nearest() -> None:
    # The glossary entry for BME has a wording or two; the entry on the code for BME
    # organisations has many, and together they say what it is about. Asked how to treat BME
    # organisations under the Compact, the closest single wording is the glossary's, but the
    # entry's centre (the mean of its wordings' vectors) puts the code first.
    kb = load_knowledge(bundled_knowledge())
    question = "how should we treat BME organisations under the compact"
    nearest_only = MatchIndex.build(kb, MatchConfig(static_centroid=0.0)).search(question)
    assert nearest_only[0].entry_id == "glossary-black-and-minority-ethnic"
    assert MatchIndex.build(kb).search(question)[0].entry_id == "bme-code"


def test_the_static_similarity_blends_the_nearest_wording_and_the_centre() -> None:
    def entry(id_: str, question: str, *others: str) -> Entry:
        return Entry(
            id=id_, topic="Mail", question=question, answer="See the help pages.", alternates=others
        )

    kb = KnowledgeBase(
        entries=(
            entry("forward", "How do I forward my mail?", "send my email on", "redirect mail"),
            entry("sign", "How do I add a signature to my email?"),
        )
    )
    vectors = static_vectors(kb, 0.0)
    assert vectors.counts.tolist() == [3, 1]
    question = static_encoder().encode(["pass my messages to another address"])[0]
    both = np.arange(2)
    phrasings = vectors.phrasings.astype(np.float32) @ question
    nearest = np.asarray([phrasings[:3].max(), phrasings[3]])
    centre = vectors.centroids.astype(np.float32) @ question
    answers = vectors.answers.astype(np.float32) @ question
    assert np.allclose(vectors.similarity(question, both, 0.0, False), nearest, atol=1e-6)
    assert np.allclose(
        vectors.similarity(question, both, 0.3, False), 0.7 * nearest + 0.3 * centre, atol=1e-6
    )
    # One wording: its centre is that wording.
    assert np.isclose(centre[1], nearest[1], atol=1e-3)
    assert np.allclose(
        vectors.similarity(question, both, 0.3, True),
        np.maximum(0.7 * nearest + 0.3 * centre, answers),
        atol=1e-6,
    )
    # Only the entries asked for, in the order asked.
    assert np.allclose(
        vectors.similarity(question, np.asarray([1]), 0.3, False), [nearest[1]], atol=1e-6
    )


@pytest.mark.parametrize(
    "question",
    [
        "who signed the compact",
        "covenant and local government",
        "did government keep its funding promises",
    ],
)
def test_a_top_hit_the_two_views_barely_separate_is_offered_not_answered(question: str) -> None:
    # Each question is a written alternate of one entry, asked of the knowledge base without
    # it: a neighbouring entry leads on confidence and stays first in the blend, but only
    # just, and answering it outright would be wrong.
    kb = load_knowledge(bundled_knowledge())
    owner = next(e for e in kb.entries if question in e.alternates)
    kept = tuple(a for a in owner.alternates if a != question)
    entries = tuple(
        dataclasses.replace(e, alternates=kept) if e is owner else e for e in kb.entries
    )
    kb = dataclasses.replace(kb, entries=entries)
    thresholds = load_settings().thresholds()

    without_margin = MatchIndex.build(kb, MatchConfig(static_margin=0.0)).search(question)
    decision, chosen = decide(without_margin, thresholds)
    assert decision is Decision.ANSWER, "the case it guards: answered without the margin"
    assert chosen[0].entry_id != owner.id, "...and answered wrongly"

    hits = MatchIndex.build(kb).search(question)
    assert hits[0].entry_id == without_margin[0].entry_id
    assert hits[0].contested
    decision, options = decide(hits, thresholds)
    assert decision is Decision.CLARIFY
    assert owner.id in [o.entry_id for o in options], "the right entry is offered"


def test_a_question_of_function_words_alone_is_never_answered_outright() -> None:
    # "who are you" shares "who" and "you" with a wording about campaigning charities, which
    # was answered outright; nothing in it says what it is about. (The assistant takes it as
    # small talk first; the matcher must hold it back on its own too.)
    index = MatchIndex.build(load_knowledge(bundled_knowledge()))
    hits = index.search("who are you")
    assert hits, "it still has candidates to offer"
    assert hits[0].contested
    assert decide(hits, load_settings().thresholds())[0] is not Decision.ANSWER


def test_the_knowledge_bases_own_questions_keep_their_entry_first() -> None:
    kb = load_knowledge(bundled_knowledge())
    index = MatchIndex.build(kb)
    for entry in kb.entries:
        hits = index.search(entry.question)
        assert hits[0].entry_id == entry.id, entry.question
        assert decide(hits, Thresholds())[0] is Decision.ANSWER, entry.question


def test_the_lead_is_over_the_best_of_the_others_wherever_it_stands() -> None:
    # Reordered hits: the runner-up in score is third in the list.
    hits = [Hit("a", 0.8, "a"), Hit("c", 0.5, "c"), Hit("b", 0.79, "b")]
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    # Options are those within 0.25 of the best score, in the hits' order.
    assert [h.entry_id for h in options] == ["a", "b"]
    clear = [Hit("a", 0.8, "a"), Hit("c", 0.5, "c"), Hit("b", 0.6, "b")]
    assert decide(clear, Thresholds())[0] is Decision.ANSWER


def test_a_first_hit_below_the_clarify_line_is_still_offered_when_another_reaches_it() -> None:
    hits = [Hit("b", 0.2, "b", contested=True), Hit("a", 0.7, "a"), Hit("c", 0.3, "c")]
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    assert [h.entry_id for h in options] == ["b", "a"]
    weak = [Hit("b", 0.2, "b"), Hit("a", 0.3, "a")]
    assert decide(weak, Thresholds())[0] is Decision.NO_MATCH


def test_a_missing_tokenizers_package_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # as if it were not installed
    with pytest.raises(ConfigError) as raised:
        StaticEncoder.load()
    assert "tokenizers" in str(raised.value)
    assert "run.py" in str(raised.value)


def test_the_recorded_hashes_are_those_of_the_files() -> None:
    # The build cache's key takes the vectors' record instead of hashing 4 MB on every start,
    # so the record must say what the files are.
    recorded = json.loads((FOLDER / "source.json").read_text())["sha256"]
    assert set(recorded) == {"codes.npy", "scales.npy", "tokenizer.json"}
    for name, digest in recorded.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name
