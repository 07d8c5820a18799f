from __future__ import annotations

import pytest

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.core.recording import FeedbackKind
from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk, SmallTalkKind
from bot.errors import DatabaseError
from bot.storage.interaction_log import InteractionLog

CONTEXT = Context(ChannelKind.CONSOLE, "U1")


def ask(assistant: Assistant, text: str) -> Reply:
    return assistant.ask(Question(text, CONTEXT))


def test_a_clear_question_gets_a_sourced_answer(assistant: Assistant) -> None:
    reply = ask(assistant, "how much notice must we give before ending a grant?")
    assert isinstance(reply, Answer)
    assert reply.entry.id == "funding-notice"
    assert "three months" in reply.entry.answer
    assert reply.entry.sources
    assert 0 < reply.confidence <= 1
    assert reply.candidates[0].entry.id == "funding-notice"
    assert [e.id for e in reply.related] == [
        "funding-cut-steps",
        "covenant-compact-numbers",
        "best-value-guidance",
    ]


def test_nonsense_gets_no_match(assistant: Assistant) -> None:
    reply = ask(assistant, "purple elephants dancing on the moon")
    assert isinstance(reply, NoMatch)


def test_a_vague_question_gets_did_you_mean(assistant: Assistant) -> None:
    reply = ask(assistant, "consultation")
    assert isinstance(reply, Clarify)
    assert 2 <= len(reply.options) <= 3
    assert all(o.entry.topic in {"Consultation", "Codes of good practice"} for o in reply.options)


def test_acronyms_from_the_glossary_are_answered(assistant: Assistant) -> None:
    reply = ask(assistant, "what does VCFS mean?")
    assert isinstance(reply, Answer)
    assert reply.entry.id == "glossary-voluntary-community-and-faith-sector"


def test_a_typo_still_matches(assistant: Assistant) -> None:
    reply = ask(assistant, "consultaton length")
    assert isinstance(reply, Answer)
    assert reply.entry.id == "consultation-length"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", SmallTalkKind.GREETING),
        ("Good morning!", SmallTalkKind.GREETING),
        ("thanks", SmallTalkKind.THANKS),
        ("bye", SmallTalkKind.GOODBYE),
        ("Goodbye!", SmallTalkKind.GOODBYE),
        ("thanks, bye", SmallTalkKind.GOODBYE),
        ("quit", SmallTalkKind.GOODBYE),  # the console's command, typed in Slack or Teams
        ("Exit.", SmallTalkKind.GOODBYE),
        ("help", SmallTalkKind.HELP),
        ("what can I ask?", SmallTalkKind.HELP),
        ("Who are you?", SmallTalkKind.HELP),
        ("topics", SmallTalkKind.TOPICS),
    ],
)
def test_small_talk_is_recognised(assistant: Assistant, text: str, kind: SmallTalkKind) -> None:
    reply = ask(assistant, text)
    assert isinstance(reply, SmallTalk)
    assert reply.kind is kind


def test_help_and_topics_list_the_topics(assistant: Assistant) -> None:
    for text in ("help", "topics"):
        reply = ask(assistant, text)
        assert isinstance(reply, SmallTalk)
        assert "Funding" in [t.name for t in reply.topics]


def test_a_greeting_before_a_question_is_ignored(assistant: Assistant) -> None:
    reply = ask(assistant, "Hi there, can we pay grants upfront?")
    assert isinstance(reply, Answer)
    assert reply.entry.id == "payment-in-advance"


@pytest.mark.parametrize("text", ["", "   \t\n ", "🙂🙂🙂", "\u200b\u200b", "?!?!"])
def test_empty_and_symbol_only_questions_get_a_polite_reply(
    assistant: Assistant, text: str
) -> None:
    reply = ask(assistant, text)
    assert isinstance(reply, SmallTalk)
    assert reply.kind in {SmallTalkKind.EMPTY, SmallTalkKind.HELP}
    assert reply.text


def test_a_very_long_question_does_not_crash(assistant: Assistant) -> None:
    reply = ask(assistant, "notice " * 1500 + "x" * 1500)
    assert isinstance(reply, Answer | Clarify | NoMatch)


def test_unicode_is_normalised(assistant: Assistant) -> None:
    plain = ask(assistant, "What is the Compact?")
    fancy = ask(assistant, "Ｗｈａｔ ｉｓ the\u00a0Compact\u200b?")
    assert isinstance(plain, Answer)
    assert isinstance(fancy, Answer)
    assert fancy.entry.id == plain.entry.id == "what-is-the-compact"


def test_slack_and_teams_markup_is_ignored(assistant: Assistant) -> None:
    slack = ask(assistant, "<@U0BOT> what is the compact?")
    teams = ask(assistant, "<at>Compact Assistant</at> what is the compact?")
    assert isinstance(slack, Answer)
    assert isinstance(teams, Answer)
    assert slack.entry.id == teams.entry.id == "what-is-the-compact"


class BrokenLog:
    """A log whose database is down."""

    def record(self, reply: Reply, *, latency_ms: float, interaction_id: int | None = None) -> int:
        raise DatabaseError("The interaction log could not be written: connection refused")

    def reserve_id(self) -> int | None:
        raise DatabaseError("Could not reserve interaction ids: connection refused")

    def record_feedback(self, interaction_id: int, kind: FeedbackKind, **_: object) -> None:
        raise DatabaseError("down")


def test_a_database_outage_does_not_stop_answers(
    bundled_store: KnowledgeStore, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = Assistant(store=bundled_store, log=BrokenLog())
    reply = ask(assistant, "how much notice must we give before ending a grant?")
    assert isinstance(reply, Answer)
    assert reply.interaction_id is None
    assert "could not log the question" in caplog.text
    assert assistant.feedback(reply.question, 7, helpful=True) is False
    with assistant.answering(reply.question) as replied:
        assert isinstance(replied, Answer)
        assert replied.interaction_id is None


def test_choices_and_feedback_are_logged(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    clarify = ask(assistant, "consultation")
    assert isinstance(clarify, Clarify)
    assert clarify.interaction_id is not None
    option = clarify.options[1].entry.id
    picked = assistant.choose(clarify.question, option, interaction_id=clarify.interaction_id)
    assert isinstance(picked, Answer)
    assert picked.entry.id == option
    assert picked.interaction_id == clarify.interaction_id
    assert assistant.feedback(picked.question, picked.interaction_id, helpful=False)

    second = ask(assistant, "consultation")
    assert isinstance(second, Clarify)
    none = assistant.choose(second.question, None, interaction_id=second.interaction_id)
    assert isinstance(none, NoMatch)

    first_feedback = interaction_log.feedback_for(clarify.interaction_id)
    assert [(f.kind, f.entry_id) for f in first_feedback] == [
        (FeedbackKind.CHOSE, option),
        (FeedbackKind.NOT_HELPFUL, None),
    ]
    assert [f.kind for f in interaction_log.feedback_for(second.interaction_id or 0)] == [
        FeedbackKind.NONE_OF_THESE
    ]


def test_answering_replies_first_and_logs_after(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    """Chat adapters send the reply inside the block; the log row follows it. On PostgreSQL
    the id comes from the sequence before the row exists, so ids from ``ask`` and
    ``answering`` never collide; SQLite writes the row first."""
    assistant = Assistant(store=bundled_store, log=interaction_log)
    earlier = ask(assistant, "how much notice before ending a grant?")
    question = Question("how much notice before ending a grant?", Context(ChannelKind.SLACK, "U1"))
    with assistant.answering(question) as reply:
        assert isinstance(reply, Answer)
        assert reply.interaction_id is not None
        assert reply.interaction_id != earlier.interaction_id
        written_before_reply = interaction_log.get(reply.interaction_id) is not None
        assert written_before_reply is (interaction_log.database.dialect == "sqlite")
    logged = interaction_log.get(reply.interaction_id)
    assert logged is not None
    assert (logged.outcome, logged.entry_id) == ("answer", reply.entry.id)
    later = ask(assistant, "what is the compact?")
    assert later.interaction_id not in {earlier.interaction_id, reply.interaction_id}
    assert assistant.feedback(reply.question, reply.interaction_id, helpful=True)


def test_answering_logs_even_when_sending_fails(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    question = Question("what is the compact?", Context(ChannelKind.SLACK, "U1"))
    with pytest.raises(ConnectionError), assistant.answering(question) as reply:
        raise ConnectionError("slack is down")
    assert reply.interaction_id is not None
    assert interaction_log.get(reply.interaction_id) is not None


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # BM25 alone ranks the Covenant's devolved-nations entry first: its many phrasings
        # repeat "scotland". The re-rank puts the entry whose wording explains the question
        # (the Compact, not the Covenant) first.
        ("does the compact apply in scotland", "compact-scope-england"),
        ("would the local government ombudsman look at a compact complaint", "ombudsman-complaint"),
    ],
)
def test_did_you_mean_lists_the_entry_that_explains_the_question_first(
    assistant: Assistant, question: str, first: str
) -> None:
    reply = ask(assistant, question)
    assert isinstance(reply, Clarify)
    assert reply.options[0].entry.id == first


def test_a_re_ranked_entry_claims_no_more_confidence_than_the_bm25_leader(
    assistant: Assistant,
) -> None:
    # "consultation" alone: "consultation code" explains the one word best, but five entries
    # are about consultation, so the question is vague and gets options, not an answer.
    reply = ask(assistant, "consultation")
    assert isinstance(reply, Clarify)
    assert reply.options[0].score == reply.options[1].score


@pytest.mark.parametrize(
    "question",
    [
        "does the compact apply in scotland",
        "consultation",
        "how much notice before a grant ends",
        "what is the covenant",
        "can we pay a charity up front",
    ],
)
def test_a_longer_candidate_list_has_the_same_top(assistant: Assistant, question: str) -> None:
    # The semantic matcher asks the lexical index for 20 candidates, the assistant for 5:
    # only the first five are re-ranked, so both see the same leaders with the same scores.
    index = assistant.knowledge.index
    assert index.search(question, limit=20)[:5] == index.search(question, limit=5)
