"""What a reply says about logging is what happened: "I've logged your question" and "I've
flagged that answer" only when the row was stored; otherwise the reply says it was not. The
wording is the core's, so every channel (the console, and Slack and Teams through the shared
views and clicks) says the same."""

from __future__ import annotations

from bot.chat import clicks
from bot.chat.action_values import ActionValue
from bot.chat.reply_views import reply_view
from bot.chat.services import ChannelSetup, ChatServices
from bot.chat.text_fallback import view_text
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify, NoMatch, SmallTalk, SmallTalkKind
from bot.core.wording import GOODBYE_TEXT
from bot.settings import load_settings
from bot.storage.interaction_log import InteractionLog

from .test_assistant import BrokenLog

CONTEXT = Context(ChannelKind.SLACK, "U1", "C1", "T1")
UNKNOWN = "where do I get a parking permit for the bike shed"
GRANT = "how much notice must we give before ending a grant?"


def services_for(assistant: Assistant, store: KnowledgeStore) -> ChatServices:
    """What the Slack and Teams adapters hand the shared clicks."""
    return ChatServices(
        assistant=assistant, store=store, settings=load_settings(), setup=ChannelSetup("Slack")
    )


def no_match(assistant: Assistant) -> NoMatch:
    reply = assistant.ask(Question(UNKNOWN, CONTEXT))
    assert isinstance(reply, NoMatch)
    return reply


def shown(assistant: Assistant, store: KnowledgeStore, reply: NoMatch) -> str:
    return view_text(reply_view(reply, store.current.kb))


def test_a_logged_question_says_it_was_logged(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    assistant = Assistant(store=bundled_store, log=interaction_log)
    reply = no_match(assistant)
    assert reply.logged
    assert "I've logged your question" in shown(assistant, bundled_store, reply)


def test_a_question_not_logged_never_claims_it_was(bundled_store: KnowledgeStore) -> None:
    for assistant in (
        Assistant(store=bundled_store),
        Assistant(store=bundled_store, log=BrokenLog()),
    ):
        reply = no_match(assistant)
        assert not reply.logged
        text = shown(assistant, bundled_store, reply)
        assert "logged your question" not in text
        assert "was not logged" in text
        with assistant.answering(Question(UNKNOWN, CONTEXT)) as sent:  # the chat adapters' way
            assert isinstance(sent, NoMatch)
            assert "was not logged" in view_text(reply_view(sent, bundled_store.current.kb))


def test_feedback_thanks_say_whether_it_was_recorded(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    working = Assistant(store=bundled_store, log=interaction_log)
    answer = working.ask(Question(GRANT, CONTEXT))
    assert isinstance(answer, Answer)
    value = ActionValue(GRANT, answer.interaction_id, answer.entry.id)
    services = services_for(working, bundled_store)
    assert "flagged that answer" in clicks.feedback(services, CONTEXT, value, helpful=False).summary

    down = Assistant(store=bundled_store, log=BrokenLog())
    lost = down.ask(Question(GRANT, CONTEXT))
    value = ActionValue(GRANT, lost.interaction_id, "funding-notice")
    services = services_for(down, bundled_store)
    thanks = clicks.feedback(services, CONTEXT, value, helpful=False).summary
    assert "flagged" not in thanks
    assert "could not be recorded" in thanks
    assert "glad it helped" in clicks.feedback(services, CONTEXT, value, helpful=True).summary


def test_none_of_these_says_whether_it_was_recorded(
    bundled_store: KnowledgeStore, interaction_log: InteractionLog
) -> None:
    for log, said in ((interaction_log, "will see your question"), (BrokenLog(), "won't see")):
        assistant = Assistant(store=bundled_store, log=log)
        clarify = assistant.ask(Question("consultation", CONTEXT))
        assert isinstance(clarify, Clarify)
        services = services_for(assistant, bundled_store)
        value = ActionValue("consultation", clarify.interaction_id)
        assert said in view_text(clicks.none_of_these(services, CONTEXT, value))


def test_goodbye_gets_a_goodbye(assistant: Assistant) -> None:
    for text in ("bye", "goodbye", "ok bye"):
        reply = assistant.ask(Question(text, CONTEXT))
        assert isinstance(reply, SmallTalk)
        assert reply.kind is SmallTalkKind.GOODBYE
        assert reply.text == GOODBYE_TEXT
        assert "welcome" not in reply.text
