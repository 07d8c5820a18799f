"""Never confidently wrong between neighbouring entries: a question that shares most of a
stored wording but differs in the word that decides between two entries gets "did you mean",
not the neighbour's answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore, LoadedKnowledge
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify
from bot.knowledge.model import Entry, GlossaryTerm, KnowledgeBase
from bot.matching.index import Hit, MatchIndex
from bot.matching.policy import Decision, Thresholds, decide

GRANT_LENGTH = Entry(
    id="grant-length",
    topic="Funding",
    question="How long should a grant last?",
    answer="Three years where possible.",
    alternates=(
        "multi-year grants",
        "how many years should a grant cover",
        "length of a funding agreement",
        "should grants be longer than a year",
    ),
)
CONSULTATION_LENGTH = Entry(
    id="consultation-length",
    topic="Consultation",
    question="How many weeks should a public consultation run?",
    answer="Twelve weeks is the usual standard.",
    alternates=(
        "consultation period",
        "minimum time for a consultation",
        "how long do we consult for",
        "is a four week consultation too short",
    ),
)
MEETING_DAY = Entry(
    id="forum-meetings",
    topic="Partnership",
    question="When does the partnership forum meet?",
    answer="Every second Tuesday.",
    alternates=(
        "forum meeting dates",
        "next partnership forum meeting",
        "how often does the forum meet",
    ),
)
FORUM_CHAIR = Entry(
    id="forum-chair",
    topic="Partnership",
    question="Who chairs the partnership forum?",
    answer="A voluntary sector representative, elected each year.",
    alternates=("forum chair", "who runs the partnership forum", "who leads the forum"),
)
FORUM_VCS = Entry(
    id="forum-membership",
    topic="Partnership",
    question="Which VCS groups sit on the Riverside partnership forum?",
    answer="Twelve voluntary and community sector groups.",
    alternates=(
        "riverside forum members",
        "vcs seats on the riverside forum",
        "what does the riverside vcs forum mean for council grants",
    ),
)
VCS_MEANING = Entry(
    id="glossary-vcs",
    topic="Glossary",
    question="What does VCS mean?",
    answer="The voluntary and community sector.",
    alternates=("vcs meaning", "what is the vcs", "define vcs"),
)
GLOSSARY = (
    GlossaryTerm(
        "voluntary and community sector", "meaning", acronyms=("VCS",), entry_id="glossary-vcs"
    ),
)
ENTRIES = (GRANT_LENGTH, CONSULTATION_LENGTH, MEETING_DAY, FORUM_CHAIR, FORUM_VCS, VCS_MEANING)


def _assistant(tmp_path: Path) -> Assistant:
    kb = KnowledgeBase(ENTRIES, glossary=GLOSSARY)
    return Assistant(store=KnowledgeStore(tmp_path, LoadedKnowledge.build(kb)))


def _ask(assistant: Assistant, text: str) -> Answer | Clarify:
    reply = assistant.ask(Question(text, Context(ChannelKind.CLI, "test")))
    assert isinstance(reply, Answer | Clarify), (text, reply)
    return reply


def test_a_question_sharing_a_neighbours_wording_but_not_its_topic_is_clarified(
    tmp_path: Path,
) -> None:
    """ "how long should a consultation last" shares every word of the stored "how long
    should a grant last" but one, and that one is the consultation entry's topic."""
    assistant = _assistant(tmp_path)
    reply = _ask(assistant, "how long should a consultation last")
    assert isinstance(reply, Clarify), reply
    options = [o.entry.id for o in reply.options]
    assert "consultation-length" in options
    # The same wording about the neighbour's own topic is still answered outright.
    reply = _ask(assistant, "how long should a grant run for")
    assert isinstance(reply, Answer), reply
    assert reply.entry.id == "grant-length"


def test_who_and_when_questions_about_the_same_thing_are_told_apart(tmp_path: Path) -> None:
    """The question word decides between the forum's chair and its meetings, so it is kept
    (the standard stopword list does not drop "who" or "when")."""
    assistant = _assistant(tmp_path)
    for text, expected in [
        ("who chairs the forum", "forum-chair"),
        ("when does the forum meet", "forum-meetings"),
    ]:
        index = assistant.knowledge.index
        assert index.search(text)[0].entry_id == expected, text
    reply = _ask(assistant, "when is the partnership forum chair elected")
    assert not (isinstance(reply, Answer) and reply.entry.id == "forum-meetings"), reply


def test_asking_what_a_term_means_is_not_answered_by_an_entry_that_uses_it(
    tmp_path: Path,
) -> None:
    """ "what does the riverside forum mean by vcs" leads with the forum entry, which stores
    "what does the riverside vcs forum mean for council grants"; the question asks for the
    term's meaning, so the glossary entry is offered beside it rather than the forum's
    membership answered outright."""
    assistant = _assistant(tmp_path)
    question = "what does the riverside forum mean by vcs"
    hits = assistant.knowledge.index.search(question)
    assert hits[0].entry_id == "forum-membership"
    assert hits[0].contested
    reply = _ask(assistant, question)
    assert isinstance(reply, Clarify), reply
    assert [o.entry.id for o in reply.options][:2] == ["forum-membership", "glossary-vcs"]


def test_the_top_hit_is_contested_only_when_a_rival_holds_the_missing_topic() -> None:
    index = MatchIndex.build(KnowledgeBase(ENTRIES, glossary=GLOSSARY))
    # By confidence alone the grant entry leads: it shares every word but "consultation".
    contested = index.lexical_search("how long should a consultation last")
    assert contested[0].entry_id == "grant-length"
    assert contested[0].contested
    assert not any(h.contested for h in contested[1:]), "only the top hit is marked"
    plain = index.lexical_search("how many years should a grant last")
    assert plain[0].entry_id == "grant-length"
    assert not plain[0].contested


def test_the_static_vectors_put_the_right_neighbour_first_without_answering_it() -> None:
    index = MatchIndex.build(KnowledgeBase(ENTRIES, glossary=GLOSSARY))
    hits = index.search("how long should a consultation last")
    # The static vectors know the question is about a consultation: that entry comes first,
    # but the two views disagree, so it is offered, not answered.
    assert [h.entry_id for h in hits[:2]] == ["consultation-length", "grant-length"]
    assert hits[0].contested
    assert not any(h.contested for h in hits[1:])
    scores = {h.entry_id: h.score for h in hits}
    lexical = {
        h.entry_id: h.score for h in index.lexical_search("how long should a consultation last")
    }
    assert scores == {k: v for k, v in lexical.items() if k in scores}, "each keeps its own score"
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    assert [h.entry_id for h in options][:2] == ["consultation-length", "grant-length"]
    # Where both views agree, nothing changes: the grant question is answered.
    plain = index.search("how many years should a grant last")
    assert plain[0].entry_id == "grant-length"
    assert decide(plain, Thresholds())[0] is Decision.ANSWER


def test_a_contested_top_hit_is_never_answered_however_high_it_scores() -> None:
    hits = [Hit("a", 0.99, "a", contested=True), Hit("b", 0.3, "b")]
    decision, options = decide(hits, Thresholds())
    assert decision is Decision.CLARIFY
    assert [h.entry_id for h in options] == ["a", "b"]
    # A question worded exactly as the entry stores it is answered whatever its rivals.
    exact = [Hit("a", 0.99, "a", exact=True), Hit("b", 0.3, "b")]
    assert decide(exact, Thresholds())[0] is Decision.ANSWER


COVENANT_NATIONS = Entry(
    id="covenant-nations",
    topic="Covenant",
    question="Does the Covenant cover Scotland, Wales and Northern Ireland?",
    answer="It covers UK government business across the UK.",
    alternates=(
        "is the covenant england only",
        "covenant in scotland",
        "does the covenant apply in wales",
        "covenant outside england",
    ),
)
APART = (
    COVENANT_NATIONS,
    Entry(
        id="compact-scope",
        topic="Compact",
        question="Which parts of the UK did the Compact cover?",
        answer="England only.",
        alternates=("compact geography", "where did the compact apply"),
    ),
    Entry(
        id="compact-funding",
        topic="Compact",
        question="What did the Compact say about funding?",
        answer="Three months' notice before ending a grant.",
        alternates=("compact grants", "compact and money"),
    ),
    Entry(
        id="covenant-what",
        topic="Covenant",
        question="What is the Covenant?",
        answer="A set of principles.",
        alternates=("covenant meaning", "civil society covenant"),
    ),
)


def test_a_question_naming_one_thing_kept_apart_is_not_answered_from_an_entry_on_another(
    tmp_path: Path,
) -> None:
    """ "is the compact england only" shares every word but one with the Covenant entry's
    "is the covenant england only", and "compact" is in too many entries to weigh much. With
    the Compact and the Covenant declared ``keep_apart``, the Covenant entry is not answered
    for a question about the Compact; questions about the Covenant still are."""

    def ask(kb: KnowledgeBase, text: str) -> Answer | Clarify:
        folder = tmp_path / str(len(kb.keep_apart))
        folder.mkdir(exist_ok=True)
        return _ask(Assistant(store=KnowledgeStore(folder, LoadedKnowledge.build(kb))), text)

    mixed = KnowledgeBase(APART)
    reply = ask(mixed, "is the compact england only")
    assert isinstance(reply, Answer)
    assert reply.entry.id == "covenant-nations"  # the mix-up

    apart = KnowledgeBase(APART, keep_apart=("Compact", "Covenant"))
    reply = ask(apart, "is the compact england only")
    assert isinstance(reply, Clarify), reply
    assert "compact-scope" in [o.entry.id for o in reply.options]
    for text in ("is the covenant england only?", "does the covenant apply in scotland"):
        reply = ask(apart, text)
        assert isinstance(reply, Answer), text
        assert reply.entry.id == "covenant-nations", text


def test_an_entry_whose_own_question_is_about_the_other_thing_is_not_answered_either(
    tmp_path: Path,
) -> None:
    """The Covenant entry now has an alternate that mentions the Compact, so the Compact is in
    its wordings; its own question is still about the Covenant alone, so a question about the
    Compact alone is not answered from it. A question naming both still is."""
    mentions = replace(
        COVENANT_NATIONS,
        alternates=(*COVENANT_NATIONS.alternates, "did the covenant replace the compact"),
    )
    kb = KnowledgeBase((mentions, *APART[1:]), keep_apart=("Compact", "Covenant"))
    store = KnowledgeStore(tmp_path, LoadedKnowledge.build(kb))
    reply = _ask(Assistant(store=store), "is the compact england only")
    assert isinstance(reply, Clarify), reply
    assert "compact-scope" in [o.entry.id for o in reply.options]
    both = _ask(Assistant(store=store), "did the covenant replace the compact")
    assert isinstance(both, Answer)
    assert both.entry.id == "covenant-nations"
