"""App Home, modals, the Champions' channel post and the weekly digest, as Block Kit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import Block, actions, button, section
from bot.adapters.slack.mrkdwn import escape
from bot.adapters.slack.payloads import ButtonValue
from bot.induction.text import progress_text
from bot.induction.views import ProgressView
from bot.knowledge.model import KnowledgeBase, Topic
from bot.review.digest import Digest
from bot.review.themes import ThemeSummary

WELCOME = (
    "*Welcome to the Compact Assistant.* Ask me about the Compact in your own words: send me a "
    "message here, @mention me in a channel, or type `/compact your question`."
)
TOUR_INTRO = (
    "*New here?* The induction tour takes you through the Compact and the Civil Society "
    "Covenant in short steps, with a quiz at the end."
)


def home_view(
    kb: KnowledgeBase,
    themes: Sequence[ThemeSummary] | None = None,
    tour: ProgressView | None = None,
) -> dict[str, Any]:
    blocks: list[Block] = [section(WELCOME)]
    if tour is not None:  # None: this knowledge base has no tour
        status = (
            TOUR_INTRO if not tour.started else f"*Your induction:* {escape(progress_text(tour))}"
        )
        main = tour.main_button
        blocks += [
            section(status),
            actions(button(main.label, ids.START_TOUR, main.value, "primary")),
        ]
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Topics"}})
    for number, topic in enumerate(kb.topics()):
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{escape(topic.name)}* · {len(topic.entries)} questions",
                },
                "accessory": button("Open", ids.numbered(ids.SHOW_TOPIC, number), topic.name),
            }
        )
    if themes is not None:
        blocks.append(
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "Top open gaps (review group)"},
            }
        )
        if not themes:
            blocks.append(section("Nothing is waiting for the review group."))
        for theme in themes:
            blocks.append(
                section(f"*Theme {theme.id}* · {theme.count} questions · {escape(theme.label)}")
            )
    return {"type": "home", "blocks": blocks[:100]}


def topic_modal(topic: Topic) -> dict[str, Any]:
    buttons = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": escape(entry.question)},
            "accessory": button(
                "Ask",
                ids.numbered(ids.RELATED, n),
                ButtonValue(entry.question, entry_id=entry.id).encode(),
            ),
        }
        for n, entry in enumerate(topic.entries[:40])
    ]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": topic.name[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section("Choose a question; I'll answer it in our direct messages."), *buttons],
    }


def champion_post(
    question_id: int, question: str, *, answered_by: str | None = None
) -> tuple[str, list[Block]]:
    status = f"*Answered* by <@{answered_by}>" if answered_by else "*Open*: waiting for a Champion"
    blocks: list[Block] = [
        section(f"*A question for the Compact Champions:*\n>{escape(question)}"),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Status: {status}"}]},
    ]
    if not answered_by:
        blocks.append(actions(button("Answer", ids.CHAMPION_ANSWER, str(question_id), "primary")))
    return f"A question for the Compact Champions: {question[:100]}", blocks


def champion_modal(question_id: int, question: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.CHAMPION_MODAL,
        "private_metadata": str(question_id),
        "title": {"type": "plain_text", "text": "Answer the question"},
        "submit": {"type": "plain_text", "text": "Send answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f">{escape(question)}"),
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


def digest_blocks(digest: Digest) -> tuple[str, list[Block]]:
    title = f"Questions we could not answer, {digest.since:%d %b} to {digest.until:%d %b %Y}"
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    if digest.empty:
        blocks.append(section("Nothing went unanswered this week."))
    for theme in digest.themes:
        examples = "\n".join(f"• _{escape(e)}_" for e in theme.examples[:3])
        blocks.append(
            section(
                f"*Theme {theme.id}* · {theme.count} questions from {theme.askers} people\n{escape(theme.label)}\n{examples}"
            )
        )
        blocks.append(
            actions(
                button(
                    "Mark in review", ids.numbered(ids.THEME_IN_REVIEW, int(theme.id)), theme.id
                ),
                button("Ignore", ids.numbered(ids.THEME_IGNORE, int(theme.id)), theme.id),
            )
        )
    return title, blocks
