"""The neutral views every channel renders, and the text fallback any channel can use."""

from __future__ import annotations

import pytest

from bot.chat.action_values import Action, ActionValue
from bot.chat.reply_views import reply_view, shared_view
from bot.chat.text_fallback import view_text
from bot.chat.views import Buttons, View
from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer

CONTEXT = Context(ChannelKind.CONSOLE, "U1")


def view_for(store: KnowledgeStore, text: str, *, shareable: bool = False) -> View:
    reply = Assistant(store=store).ask(Question(text, CONTEXT))
    return reply_view(reply, store.current.kb, shareable=shareable)


def actions(view: View) -> list[Action]:
    return [b.action for block in view.blocks if isinstance(block, Buttons) for b in block.buttons]


def test_an_answer_offers_feedback_champions_and_related_questions(
    bundled_store: KnowledgeStore,
) -> None:
    view = view_for(bundled_store, "how much notice must we give before ending a grant?")
    assert actions(view)[:3] == [Action.HELPFUL, Action.NOT_HELPFUL, Action.ASK_CHAMPION]
    assert Action.RELATED in actions(view)
    assert Action.SHARE not in actions(view)
    assert Action.SHARE in actions(
        view_for(
            bundled_store, "how much notice must we give before ending a grant?", shareable=True
        )
    )
    text = view_text(view)
    assert "three months" in text
    assert "**Source:**" in text
    assert "**Applies to:**" in text
    assert "- Helpful" in text, "buttons fall back to a list of their labels"


def test_a_did_you_mean_lists_its_options_and_none_of_these(bundled_store: KnowledgeStore) -> None:
    view = view_for(bundled_store, "consultation")
    assert actions(view)[-1] is Action.NONE_OF_THESE
    assert actions(view)[:-1] == [Action.CHOOSE] * (len(actions(view)) - 1)
    option = next(b for block in view.blocks if isinstance(block, Buttons) for b in block.buttons)
    assert ActionValue.decode(option.value).question == "consultation"
    assert "None of these" in view_text(view)


def test_no_match_offers_the_champions_and_the_topics(bundled_store: KnowledgeStore) -> None:
    view = view_for(bundled_store, "where can I park my bicycle")
    assert actions(view) == [Action.ASK_CHAMPION, Action.SHOW_TOPICS]
    # This assistant keeps no log, so the reply must not say the question was logged.
    assert "Your question was not logged" in view_text(view)
    assert "logged your question" not in view_text(view)


def test_typed_text_is_inert_in_the_text_fallback(bundled_store: KnowledgeStore) -> None:
    kb = bundled_store.current.kb
    entry = kb["funding-notice"]
    question = Question("*bold* [link](https://evil.example) <!channel>", CONTEXT)
    view = shared_view("U1", Answer(question, entry, 1.0), kb)
    text = view_text(view)
    assert r"\*bold\* \[link\](https://evil.example) \<!channel\>" in text
    assert not any(isinstance(block, Buttons) for block in view.blocks), "a shared answer has none"


@pytest.mark.parametrize(
    "question",
    [
        "😀" * 3000,  # each escapes to 12 characters
        '"\\' * 2000,  # each escapes to 2
        "\x00\x1f" * 1500,  # control characters escape to 6
        "\ud800" * 1000,  # lone surrogates
        "a" * 5000,
    ],
)
def test_an_action_value_always_fits_in_2000_characters(question: str) -> None:
    value = ActionValue(question, 123456789, "an-entry-id-of-some-length").encode()
    assert len(value) <= 2000
    decoded = ActionValue.decode(value)
    assert question.startswith(decoded.question)
    assert len(decoded.question) > 100
    assert (decoded.interaction_id, decoded.entry_id) == (123456789, "an-entry-id-of-some-length")


def test_a_short_value_is_kept_whole() -> None:
    value = ActionValue("what is the compact? 😀", 7, "what-is-the-compact")
    assert ActionValue.decode(value.encode()) == value
    assert ActionValue.decode("not json") == ActionValue("")
