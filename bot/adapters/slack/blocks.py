"""Neutral views as Block Kit. Text a person typed (``Plain`` spans) can never mention, link
or format, in every field Slack renders, the notification ``text`` included:

- a block that is typed text alone (a quoted question, a list of questions) is a
  ``plain_text`` object, which Slack shows exactly as it is, emoji codes included;
- typed text beside our own markup is ``literal``: escaped, its formatting marks swapped for
  look-alikes (bot/adapters/slack/mrkdwn.py), in a ``verbatim`` text object, so that Slack
  does not turn a typed address, channel name or @name into a link either."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import escape, literal, to_mrkdwn
from bot.chat import views
from bot.chat.markup import Markup
from bot.words import unreordered

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


def fit_plain(text: str, limit: int = MRKDWN_TEXT) -> str:
    """Cut plain text to Slack's limit, and mark the cut; never empty (Slack refuses that)."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text if text.strip() else "…"


def mrkdwn(text: str, *, verbatim: bool = False) -> dict[str, Any]:
    """A mrkdwn text object; ``verbatim`` when it holds typed text: Slack then links only the
    links we wrote, not a typed address, #channel or @name."""
    return {"type": "mrkdwn", "text": fit(text), **({"verbatim": True} if verbatim else {})}


def plain_text(text: str) -> dict[str, Any]:
    """A text object Slack never formats: for typed text standing alone. ``emoji`` off, so a
    typed ``:code:`` stays as typed; controls that reorder text are dropped."""
    return {"type": "plain_text", "text": fit_plain(unreordered(text)), "emoji": False}


def section(text: str, *, verbatim: bool = False) -> Block:
    return {"type": "section", "text": mrkdwn(text, verbatim=verbatim)}


def context(text: str, *, verbatim: bool = False) -> Block:
    return {"type": "context", "elements": [mrkdwn(text, verbatim=verbatim)]}


def plain_section(text: str) -> Block:
    """A section of typed text alone, shown exactly as typed."""
    return {"type": "section", "text": plain_text(text)}


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
    literal=literal,
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
    (see ``_text_blocks``): send them, never change them."""
    blocks: list[Block] = []
    for block in view.blocks:
        if isinstance(block, views.Buttons):
            blocks.append(_buttons(block))
        else:
            blocks.extend(_text_blocks(block))
    return literal(view.summary[:SUMMARY_TEXT]), blocks


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
def _text_blocks(block: views.Heading | views.Paragraph | views.Note) -> tuple[Block, ...]:
    """A quote of typed text on the paragraph's last lines (a Champions' post: the heading,
    then the question) is a plain-text section of its own, below the rest."""
    if isinstance(block, views.Paragraph) and len(block.spans) > 1:
        *head, last = block.spans
        before = head[-1]
        if (
            isinstance(last, views.Plain)
            and last.emphasis is views.Emphasis.QUOTE
            and isinstance(before, views.Markdown)
            and before.text.endswith("\n")
        ):
            head[-1] = views.Markdown(before.text.rstrip("\n"))
            quote = plain_section(last.text)
            if not MRKDWN.spans(head).strip():
                return (quote,)
            return (_text_block(views.Paragraph(tuple(head))), quote)
    return (_text_block(block),)


def _text_block(block: views.Heading | views.Paragraph | views.Note) -> Block:
    match block:
        case views.Heading(text):
            return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_TEXT]}}
        case views.Paragraph(spans) if _typed_alone(spans):
            return plain_section(_joined(spans))
        case views.Note(spans) if _typed_alone(spans):
            return {"type": "context", "elements": [plain_text(_joined(spans))]}
        case views.Paragraph(spans):
            return section(MRKDWN.spans(spans), verbatim=_typed(spans))
        case views.Note(spans):
            return context(MRKDWN.spans(spans), verbatim=_typed(spans))


def _typed(spans: tuple[views.Span, ...]) -> bool:
    return any(isinstance(span, views.Plain) for span in spans)


def _typed_alone(spans: tuple[views.Span, ...]) -> bool:
    """Only typed text, with no bold or italic to show: it can go as plain text."""
    return bool(spans) and all(
        isinstance(span, views.Plain)
        and span.emphasis in (views.Emphasis.NONE, views.Emphasis.QUOTE)
        for span in spans
    )


def _joined(spans: tuple[views.Span, ...]) -> str:
    return "".join(span.text for span in spans if isinstance(span, views.Plain))


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
