"""Neutral views as Block Kit. Text a person typed (``Plain`` spans) is escaped in every
field Slack renders, the notification ``text`` included, so it can never mention or link."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import escape, to_mrkdwn
from bot.chat import views
from bot.chat.markup import Markup

Block = dict[str, Any]
BUTTON_TEXT = 75  # Slack's limit for a button label
SUMMARY_TEXT = 150  # of the notification text that goes with blocks
HEADER_TEXT = 150


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    label = label if len(label) <= BUTTON_TEXT else label[: BUTTON_TEXT - 1] + "…"
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any]) -> Block:
    return {"type": "actions", "elements": list(elements)}


MRKDWN = Markup(
    escape=escape,
    markdown=to_mrkdwn,
    bold="*{text}*",
    italic="_{text}_",
    quote_line=">",
    mention="<@{user}>",
    link="<{url}|{label}>",
    conversation="<#{conversation}>",
)


def render(view: views.View) -> tuple[str, list[Block]]:
    """The notification text and the blocks for a view."""
    counts: dict[str, int] = {}
    blocks = [_block(block, counts) for block in view.blocks]
    return escape(view.summary[:SUMMARY_TEXT]), blocks


def text_of(view: views.View) -> str:
    """A short view (a notice) as one mrkdwn text, for a message without blocks."""
    return "\n".join(
        MRKDWN.spans(block.spans)
        for block in view.blocks
        if isinstance(block, views.Paragraph | views.Note)
    )


def message(view: views.View) -> dict[str, Any]:
    """The ``text`` and ``blocks`` arguments of a message; a notice goes as text alone."""
    if view.notice:
        return {"text": text_of(view)}
    text, blocks = render(view)
    return {"text": text, "blocks": blocks}


def _block(block: views.Block, counts: dict[str, int]) -> Block:
    match block:
        case views.Heading(text):
            return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_TEXT]}}
        case views.Paragraph(spans):
            return section(MRKDWN.spans(spans))
        case views.Note(spans):
            return {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": MRKDWN.spans(spans)}],
            }
        case views.Buttons(buttons):
            elements = []
            for item in buttons:
                action_id = item.action.value
                if action_id in ids.NUMBERED:
                    number = counts.get(action_id, 0)
                    counts[action_id] = number + 1
                    action_id = ids.numbered(action_id, number)
                style = "primary" if item.primary else None
                elements.append(button(item.label, action_id, item.value, style))
            return actions(*elements)
