"""Behaviour of the matcher on small fixture knowledge bases (no timing here: see benchmarks)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase
from bot.matching.analyzer import Analyzer, Canonicaliser
from bot.matching.index import Hit, MatchIndex
from bot.matching.policy import Decision, Thresholds, decide

NOTICE = Entry(
    id="funding-notice",
    topic="Funding",
    question="How much notice must we give before ending a grant?",
    answer="At least three months.",
    alternates=("notice period for cutting funding", "grant ending notice"),
)
CONSULTATION = Entry(
    id="consultation-length",
    topic="Consultation",
    question="How long should a consultation with the voluntary sector run?",
    answer="Twelve weeks where appropriate.",
    alternates=("consultation period length", "12 week consultation"),
)
PROCUREMENT = Entry(
    id="procurement-law",
    topic="Procurement",
    question="Does the Compact conflict with procurement law?",
    answer="No.",
    alternates=("procure services from charities under the compact",),
)
VCS = Entry(
    id="glossary-vcs",
    topic="Glossary",
    question="What does voluntary and community sector mean?",
    answer="VCS is the voluntary and community sector.",
    alternates=("what is VCS",),
)
CHARITY_FUNDING = Entry(
    id="vcs-funding",
    topic="Funding",
    question="How should we fund voluntary and community sector groups?",
    answer="Fairly.",
)
TIE_A = Entry(id="codes-list", topic="Codes", question="compact codes list", answer="A.")
TIE_B = Entry(id="codes-today", topic="Codes", question="compact codes today", answer="B.")


def kb(*entries: Entry, synonyms: tuple[tuple[str, ...], ...] = ()) -> KnowledgeBase:
    glossary = (GlossaryTerm("voluntary and community sector", "meaning", acronyms=("VCS",)),)
    return KnowledgeBase(entries, glossary=glossary, synonym_groups=synonyms)


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(
        kb(
            NOTICE,
            CONSULTATION,
            PROCUREMENT,
            VCS,
            CHARITY_FUNDING,
            TIE_A,
            TIE_B,
            synonyms=(("grant", "funding"),),
        )
    )


def top(index: MatchIndex, text: str) -> str:
    hits = index.search(text)
    assert hits, f"nothing matched {text!r}"
    return hits[0].entry_id


def test_every_phrasing_matches_its_own_entry(index: MatchIndex) -> None:
    for entry in (NOTICE, CONSULTATION, PROCUREMENT, VCS):
        for phrasing in entry.phrasings:
            assert top(index, phrasing) == entry.id


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("how much notise before endng a grnat", "funding-notice"),
        ("consultaton lenght", "consultation-length"),
        ("procurment law and the compcat", "procurement-law"),
    ],
)
def test_typos_are_matched(index: MatchIndex, typo: str, expected: str) -> None:
    assert top(index, typo) == expected


def test_two_swapped_letters_are_mended_whatever_the_word(index: MatchIndex) -> None:
    """The commonest slip: in a stopword ("teh") or a short word ("waht", "hwo") it used to
    count as a word the knowledge base never uses and sink the question; now it reads as the
    word meant, with the same hit and score as the question typed right."""
    for typed, meant in [
        ("waht is teh notice for ending a grant", "what is the notice for ending a grant"),
        ("hwo long is a consultaiton", "how long is a consultation"),
    ]:
        slipped, right = index.search(typed)[0], index.search(meant)[0]
        assert (slipped.entry_id, slipped.score) == (right.entry_id, right.score), typed
    # A real word is never "mended" into another ("form" is not "from").
    assert index.wording("grant form").terms != index.wording("grant from").terms


def test_a_word_with_its_vowels_wrong_is_mended_when_one_known_word_fits() -> None:
    """ "covanent" is two letters off "covenant", which the fuzzy repair counts as four edits,
    so "what is the covanent" got "I don't know". A word that differs from one known word
    only in its vowels is that word; a slip the fuzzy repair can mend keeps its mend
    ("ompact" is "compact", not "impact"), and two known words with the same consonants
    leave the word alone."""
    analyzer = Analyzer(Canonicaliser([]))
    analyzer.learn(["What is the Covenant?", "What impact has the Compact had?", "zalamon zelemon"])

    def mended(text: str) -> list[str]:
        return analyzer.terms(text, repair=True)

    assert mended("what is the covanent") == mended("what is the covenant")
    assert mended("the ompact") == mended("the compact")
    # "zolomon" could be "zalamon" or "zelemon" (two known words with the same consonants):
    # it is left as typed.
    assert mended("zolomon") == analyzer.terms("zolomon")
    assert mended("zolomon") not in (mended("zalamon"), mended("zelemon"))
    # And through the matcher, the question is answered as if typed right.
    covenant = Entry(id="covenant", topic="About", question="What is the Covenant?", answer="A.")
    index = MatchIndex.build(KnowledgeBase((covenant, NOTICE, CONSULTATION)))
    slipped, right = (
        index.search("what is the covanent")[0],
        index.search("what is the covenant")[0],
    )
    assert (slipped.entry_id, slipped.score) == (right.entry_id, right.score) == ("covenant", 1.0)


def test_a_four_letter_word_with_one_letter_wrong_is_mended_when_one_known_word_fits() -> None:
    """One wrong letter in four scores 75 on the fuzzy repair, under its cutoff, so "what is
    the tume limit" kept an unknown word, the strongest evidence of another subject."""
    analyzer = Analyzer(Canonicaliser([]))
    analyzer.learn(["What is the time limit?", "Is it a mile or a mine?"])
    assert analyzer.terms("tume limit", repair=True) == analyzer.terms("time limit")
    # "mize" is one letter from "mile" and from "mine": it is left as typed.
    assert analyzer.terms("mize", repair=True) == analyzer.terms("mize")
    # A real word is never mended ("told" is not "toll", "tile" is not "time").
    assert analyzer.terms("tile", repair=True) == analyzer.terms("tile")


def test_a_short_word_missing_a_letter_is_mended_when_one_known_word_fits(
    index: MatchIndex,
) -> None:
    """A letter left out of a word of three or four letters ("wth", "grnt") is too far off for
    the fuzzy repair, so the question kept a word no entry uses, the strongest evidence of
    another subject. It now reads as the word meant when one known word or stopword, and no
    other, has the missing letter."""
    slipped = index.search("notice for ending a grnt wth the compact")[0]
    right = index.search("notice for ending a grant with the compact")[0]
    assert (slipped.entry_id, slipped.score) == (right.entry_id, right.score)
    analyzer = Analyzer(Canonicaliser([]))
    analyzer.learn(["Can we bid for the fund?", "A bond or a band?"])
    # "fnd" is "fund" (no other known word is "fnd" with a letter more); "wth" is the
    # stopword "with".
    assert analyzer.terms("fnd wth", repair=True) == analyzer.terms("fund with") == ["fund"]
    # "bnd" could be "bond" or "band", and two letters are too few to tell: left as typed.
    assert analyzer.terms("bnd bd", repair=True) == ["bnd", "bd"]


def test_sentence_readers_get_the_question_with_its_slips_mended_but_short_forms_kept() -> None:
    """The static vectors and the semantic model read whole sentences; they get the mends the
    word index makes, except one that only adds or drops letters at the end, which is more
    often a short form or a name than a slip."""
    analyzer = Analyzer(Canonicaliser([]))
    analyzer.learn(["How do I configure the system?", "Who the Compact applies to"])
    assert analyzer.mended("the copmact applise to councils?") == (
        "the compact applies to councils"
    )
    assert analyzer.mended("Does the Compact apply?") == "Does the Compact apply?"
    assert analyzer.mended("edit the config of systemd") == "edit the config of systemd"
    # The word index still reads them as the known words.
    assert analyzer.terms("config", repair=True) == analyzer.terms("configure")


def test_acronyms_and_their_expansions_match_the_same_entries(index: MatchIndex) -> None:
    assert top(index, "what's the VCS") == "glossary-vcs"
    assert top(index, "how do we fund VCS groups") == "vcs-funding"
    assert top(index, "funding voluntary and community sector groups") == "vcs-funding"


def test_synonym_groups_fold_words_together(index: MatchIndex) -> None:
    with_synonym = index.search("how much notice before ending funding")[0]
    assert with_synonym.entry_id == "funding-notice"
    plain = MatchIndex.build(kb(NOTICE, CONSULTATION)).search(
        "how much notice before ending funding"
    )[0]
    assert with_synonym.score > plain.score


def test_markup_and_american_spelling_are_normalised(index: MatchIndex) -> None:
    assert top(index, "<@U123ABC> how long should a consultation run?") == "consultation-length"
    assert (
        top(index, "<at>Compact bot</at> does the compact conflict with procurement law")
        == "procurement-law"
    )


@pytest.mark.parametrize(
    "trap",
    [
        "notice period if I resign",
        "how long is a GP consultation",
        "procure a new laptop",
        "funding for my loft insulation",
    ],
)
def test_lexical_traps_get_no_answer(index: MatchIndex, trap: str) -> None:
    decision, _ = decide(index.search(trap), Thresholds())
    assert decision is not Decision.ANSWER


def test_a_tie_gives_a_clarify(index: MatchIndex) -> None:
    hits = index.search("compact codes")
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    assert {o.entry_id for o in options} >= {"codes-list", "codes-today"}


def test_scores_are_between_0_and_1_and_never_rise_down_the_list(index: MatchIndex) -> None:
    for text in ("grant notice", "compact", "consultation weeks", "zebra"):
        scores = [h.score for h in index.search(text)]
        assert all(0 <= s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_unrelated_questions_match_nothing(index: MatchIndex) -> None:
    assert index.search("purple elephants dancing") == []
    assert index.search("") == []


def test_a_bare_glossary_term_asks_for_its_meaning() -> None:
    """ "VCS?" wants the definition, not an entry that merely mentions the VCS; plural
    acronyms ("VCSs") are the same term."""
    glossary = (
        GlossaryTerm(
            "voluntary and community sector", "meaning", acronyms=("VCS",), entry_id="glossary-vcs"
        ),
    )
    index = MatchIndex.build(KnowledgeBase((CHARITY_FUNDING, VCS, NOTICE), glossary=glossary))
    for text in ("VCS?", "VCSs - what are they exactly", "vcs meaning", "what does VCS stand for"):
        hits = index.search(text)
        assert hits[0].entry_id == "glossary-vcs", text
        assert decide(hits, Thresholds())[0] is Decision.ANSWER, text
    assert top(index, "how should we fund vcs groups") == "vcs-funding"


def test_a_bare_name_goes_to_the_one_entry_asking_what_it_is() -> None:
    """ "compact" alone is in most entries' wordings, so BM25 gives it almost no weight and
    side topics came first; the entry asking "What is the Compact?" is what it wants. The
    same holds in any imported FAQ ("debian": "What is Debian?")."""

    def entry(id_: str, question: str, *others: str) -> Entry:
        return Entry(
            id=id_, topic="About", question=question, answer="See the guide.", alternates=others
        )

    what = entry(
        "what-is-the-compact",
        "What is the Compact?",
        "explain the agreement between government and the voluntary sector",
        "the national agreement on how public bodies and charities work together",
    )
    week = entry("compact-week", "Compact Week")
    local = entry("local-compact", "our local Compact")
    signed = entry("who-signed", "Who signed the Compact?")
    index = MatchIndex.build(KnowledgeBase((week, local, signed, what)))
    for text in ("compact", "The Compact?", "compact meaning"):
        hits = index.search(text)
        assert hits[0].entry_id == "what-is-the-compact", text
    assert top(index, "when is compact week") == "compact-week"


def test_a_question_naming_the_subject_is_flagged_on_every_hit() -> None:
    index = MatchIndex.build(
        KnowledgeBase(
            (NOTICE, PROCUREMENT, VCS, CHARITY_FUNDING),
            glossary=(GlossaryTerm("voluntary and community sector", "m", acronyms=("VCS",)),),
            subject=("Compact",),
        )
    )
    for text in ("compact and procurement law", "grant notice for vcs groups"):
        hits = index.search(text)
        assert hits, text
        assert all(h.names_subject for h in hits), text
    for text in ("notice period if I resign", "procure a new laptop"):
        hits = index.search(text)
        assert hits, f"{text!r} shares words with an entry, so it has hits"
        assert not any(h.names_subject for h in hits), text


def test_a_question_naming_the_subject_is_answered_on_the_subject_thresholds() -> None:
    thresholds = Thresholds(
        answer=0.8, margin=0.05, subject_answer=0.6, subject_margin=0.2, clarify=0.3
    )
    for names_subject, lead, expected in [
        (False, 0.3, Decision.CLARIFY),  # 0.65 is under the general bar of 0.8
        (True, 0.3, Decision.ANSWER),  # ...and over the subject bar of 0.6
        (True, 0.1, Decision.CLARIFY),  # but a subject question needs the wider lead
    ]:
        hits = [
            Hit("a", 0.65, "a", names_subject),
            Hit("b", round(0.65 - lead, 2), "b", names_subject),
        ]
        assert decide(hits, thresholds)[0] is expected, (names_subject, lead)


def test_subject_thresholds_are_checked_like_the_others() -> None:
    with pytest.raises(ValueError, match="clarify <= subject_answer"):
        Thresholds(clarify=0.5, subject_answer=0.4)
    with pytest.raises(ValueError, match="subject_margin must be from 0 to 1"):
        Thresholds(subject_margin=1.5)


COMMISSION = Entry(
    id="commission",
    topic="Who",
    question="What was the Commission for the Compact?",
    answer="A public body that oversaw the Compact.",
)
COMMISSIONING = Entry(
    id="intelligent-commissioning",
    topic="Procurement",
    question="What is intelligent commissioning?",
    answer="Commissioning in four stages: commissioning needs, commissioning plans, "
    "commissioning services and reviewing commissioning.",
    alternates=("is intelligent commissioning in the compact",),
)


def test_an_entry_worded_exactly_like_the_question_outranks_a_neighbour_sharing_a_stem() -> None:
    """BM25 favours the commissioning entry (its answer repeats the stem); the confidence of
    the entry whose own question is asked is higher, so it comes first, not tied second."""
    index = MatchIndex.build(KnowledgeBase((COMMISSIONING, COMMISSION)))
    hits = index.search("what was the commission for the compact")
    assert [h.entry_id for h in hits] == ["commission", "intelligent-commissioning"]
    assert hits[0].score > hits[1].score
    assert hits[0].exact
    assert not hits[1].exact
    assert decide(hits, Thresholds())[0] is Decision.ANSWER


def test_an_exact_wording_is_answered_even_with_a_close_neighbour() -> None:
    thresholds = Thresholds(answer=0.7, margin=0.2, clarify=0.3)
    close = [Hit("a", 0.9, "a", exact=True), Hit("b", 0.85, "b")]
    assert decide(close, thresholds) == (Decision.ANSWER, [close[0]])
    # Two entries storing the same wording is a clash (kb check reports it): ask which.
    clash = [Hit("a", 0.9, "a", exact=True), Hit("b", 0.85, "b", exact=True)]
    assert decide(clash, thresholds)[0] is Decision.CLARIFY
    assert decide([Hit("a", 0.9, "a"), Hit("b", 0.85, "b")], thresholds)[0] is Decision.CLARIFY


FACEBOOK = Entry(
    id="facebook-page",
    topic="Communications",
    question="Should our Facebook page link to the Compact?",
    answer="Yes, where it helps partners find it.",
)
COVID = Entry(
    id="covid-grants",
    topic="Funding",
    question="What happened to covid 19 emergency grants?",
    answer="They ended.",
    alternates=("covid19 grant schemes",),
)


def test_a_split_compound_is_joined_only_when_a_part_is_unknown() -> None:
    analyzer = Analyzer(Canonicaliser([]), join_compounds=True)
    analyzer.learn([*FACEBOOK.phrasings, *COVID.phrasings])
    # "face book": "face" is no word of the knowledge base, "facebook" is: one word.
    assert analyzer.terms("face book page", repair=True) == ["facebook", "page"]
    # "covid 19": both are the knowledge base's own words, so they stay two words rather than
    # becoming "covid19" (which pulled questions to the wrong entries on a held-out set).
    assert analyzer.terms("covid 19 grants", repair=True) == ["covid", "19", "grant"]
    # The knowledge base's own wordings are never joined.
    assert analyzer.terms("face book page") == ["face", "book", "page"]


def test_a_question_of_known_words_and_stopwords_never_loads_the_dictionary(
    index: MatchIndex,
) -> None:
    """The English dictionary (which says "told" is a word, not a slip for "old") takes about
    0.1 s to load, a tenth of a cold ``ask``. A stopword is English by definition, so a
    question whose only words the knowledge base lacks are stopwords ("the", "is") is read
    without it; a word neither knows still asks it."""
    from bot.matching import english

    english._dictionary.cache_clear()
    english.is_english.cache_clear()
    assert top(index, "what is the notice for ending a grant") == "funding-notice"
    assert english._dictionary.cache_info().currsize == 0
    index.search("grant told")
    assert english._dictionary.cache_info().currsize == 1
