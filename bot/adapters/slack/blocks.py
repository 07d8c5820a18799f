"""Neutral views as Block Kit. Text a person typed (``Plain`` spans) is escaped in every
field Slack renders, the notification ``text`` included, so it can never mention or link."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import escape, to_mrkdwn
from bot.chat import views
from bot.chat.markup import Markup

Block = dict[str, Any]
BUTTON_TEXT = 75  # Slack's limit for a button label
SUMMARY_TEXT = 150  # of the notification text that goes with blocks
HEADER_TEXT = 150
MRKDWN_TEXT = 3000  # Slack's limit for a section's or a context element's text


def fit(mrkdwn: str, limit: int = MRKDWN_TEXT) -> str:
    """Cut mrkdwn to Slack's limit (it refuses the whole message past it), never inside an
    escape such as ``&lt;`` or a link, and mark the cut."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        if cut.rfind(opener) > cut.rfind(closer):
            cut = cut[: cut.rfind(opener)]
    return cut + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text)}]}


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
    """The notification text and the blocks for a view. Blocks are shared between messages
    (see ``_text_block``): send them, never change them."""
    blocks = [
        _buttons(block) if isinstance(block, views.Buttons) else _text_block(block)
        for block in view.blocks
    ]
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


# Most text blocks (an answer, its sources) recur in every reply that uses them: each is
# rendered once. Views are immutable values, so a block renders the same every time.
@lru_cache(maxsize=8192)
def _text_block(block: views.Heading | views.Paragraph | views.Note) -> Block:
    match block:
        case views.Heading(text):
            return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_TEXT]}}
        case views.Paragraph(spans):
            return section(MRKDWN.spans(spans))
        case views.Note(spans):
            return context(MRKDWN.spans(spans))


def _buttons(block: views.Buttons) -> Block:
    """Buttons with the same action are numbered: Slack wants a block's action ids to differ."""
    counts: dict[str, int] = {}
    elements = []
    for item in block.buttons:
        action_id = item.action.value
        if action_id in ids.NUMBERED:
            number = counts.get(action_id, 0)
            counts[action_id] = number + 1
            action_id = ids.numbered(action_id, number)
        elements.append(
            button(item.label, action_id, item.value, "primary" if item.primary else None)
        )
    return actions(*elements)
