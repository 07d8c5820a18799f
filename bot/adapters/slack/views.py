"""Slack's own surfaces, as Block Kit: App Home and the modals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import Block, button, plain_section, render, section
from bot.adapters.slack.mrkdwn import literal
from bot.chat.action_values import ActionValue
from bot.chat.tour_views import tour_offer
from bot.chat.views import View
from bot.induction.views import ProgressView
from bot.knowledge.model import KnowledgeBase, Topic
from bot.review.themes import ThemeSummary
from bot.words import counted, one_line

WELCOME = (
    "*Welcome to the Compact Assistant.* Ask me about the Compact in your own words: send me a "
    "message here, @mention me in a channel, or type `/compact your question`."
)


def home_view(
    kb: KnowledgeBase,
    themes: Sequence[ThemeSummary] | None = None,
    tour: ProgressView | None = None,
    *,
    gaps_unavailable: bool = False,
) -> dict[str, Any]:
    """App Home: the welcome, the tour, the topics and, for the review group, the top open
    gaps (``themes``; ``gaps_unavailable`` when they could not be loaded just now)."""
    blocks: list[Block] = [section(WELCOME)]
    if tour is not None:  # None: this knowledge base has no tour
        blocks += render(View(tour.heading, tour_offer(tour)))[1]
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Topics"}})
    for number, topic in enumerate(kb.topics()):
        blocks.append(
            section(f"*{literal(topic.name)}* · {len(topic.entries)} questions", verbatim=True)
            | {"accessory": button("Open", ids.numbered(ids.SHOW_TOPIC, number), topic.name)}
        )
    if themes is not None or gaps_unavailable:
        blocks.append(
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "Top open gaps (review group)"},
            }
        )
        if themes is None:
            blocks.append(
                section(
                    "The open gaps could not be loaded just now. Answers still work; "
                    "open this tab again in a minute, or run `compact-bot gaps report`."
                )
            )
        elif not themes:
            blocks.append(section("Nothing is waiting for the review group."))
        for theme in themes or ():
            label = literal(one_line(theme.label))  # the words people typed
            blocks.append(
                section(
                    f"*Theme {theme.id}* · {counted(theme.count, 'question')} · {label}",
                    verbatim=True,
                )
            )
    return {"type": "home", "blocks": blocks[:100]}


def topic_modal(topic: Topic) -> dict[str, Any]:
    buttons = [
        plain_section(entry.question)
        | {
            "accessory": button(
                "Ask",
                ids.numbered(ids.RELATED, n),
                ActionValue(entry.question, entry_id=entry.id).encode(),
            )
        }
        for n, entry in enumerate(topic.entries[:40])
    ]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": topic.name[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section("Choose a question; I'll answer it in our direct messages."), *buttons],
    }


def champion_modal(question_id: int, question: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.CHAMPION_MODAL,
        "private_metadata": str(question_id),
        "title": {"type": "plain_text", "text": "Answer the question"},
        "submit": {"type": "plain_text", "text": "Send answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            plain_section(question),  # as the asker typed it
            {
                "type": "input",
                "block_id": ids.ANSWER_BLOCK,
                "label": {"type": "plain_text", "text": "Your answer, in plain English"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.ANSWER_INPUT,
                    "multiline": True,
                    "max_length": 2500,
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "It goes to the person who asked, and to the review group as a draft answer.",
                    }
                ],
            },
        ],
    }
