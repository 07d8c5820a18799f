"""Views (``bot.chat.views``) as Adaptive Cards, schema 1.5, as Teams shows them.

- Our own wording and the answers (``Markdown`` spans) go in ``TextBlock``s, where Teams
  renders bold, italic, bullet lists and links.
- Anything a person typed (``Plain`` spans) goes in a ``RichTextBlock`` of ``TextRun``s, which
  Teams shows literally: typed text can never become card elements, links or mentions. The
  controls that reorder text (U+202E and the like) are left out of it. A
  paragraph that mixes the two is all ``TextRun``s, our marks turned into run styles.
- Buttons become ``Action.Execute`` actions carrying the neutral action and value; the Compact
  Champions' "Answer" button becomes a form (a text box and "Send answer") in the card itself.
  Teams sets a row of buttons side by side and cuts their titles short, so buttons with long
  titles (a did-you-mean's questions, a quiz's answers) are stacked, one to a row.

Card building is pure: these functions need no server and no SDK.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from typing import Any

from bot.chat.action_values import Action
from bot.chat.markdown import keep_edges, unwrap
from bot.chat.views import (
    Block,
    Button,
    Buttons,
    Conversation,
    Emphasis,
    Heading,
    Link,
    Markdown,
    Mention,
    Note,
    Paragraph,
    Plain,
    Span,
    View,
)
from bot.words import unreordered

Element = dict[str, Any]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
TITLE_LIMIT = 100  # characters of a button's title; Teams cuts long ones anyway
ROW_TITLE_LIMIT = 30  # the longest title in a row of buttons; longer ones are stacked
LITERAL_LIMIT = 2000  # characters of typed text echoed in a card
ANSWER_INPUT = "answer"
ANSWER_LIMIT = 2500
SOMEONE = "a colleague"

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.DOTALL)
# One mark at a time, for turning our markdown into runs: bold, a link, or italic.
_MARK = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|(?<![*\w])\*(?!\s)(?P<italic>.+?)(?<!\s)\*(?![*\w])",
    re.DOTALL,
)
_LIST_ITEM = re.compile(r"^[-*] ")
_EMPHASIS: dict[Emphasis, Element] = {
    Emphasis.NONE: {},
    Emphasis.BOLD: {"weight": "Bolder"},
    Emphasis.ITALIC: {"italic": True},
    Emphasis.QUOTE: {"italic": True},
}


def card(view: View, *, names: Mapping[str, str] | None = None) -> Element:
    """The whole card for ``view``; ``names`` gives display names for ``Mention``s."""
    body: list[Element] = []
    for block in view.blocks:
        body.extend(_block(block, names or {}))
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": unreordered(view.summary),
        "msteams": {"width": "Full"},
        "body": body,
    }


def teams_markdown(markdown: str) -> str:
    """Our markdown subset as Teams reads it in a ``TextBlock``: paragraphs and list items on
    their own lines, ``*italic*`` as ``_italic_``; bold and links as they are."""
    text = _BOLD.sub(lambda m: "\x00" + m.group(1) + "\x00", unwrap(markdown))
    text = _ITALIC.sub(r"_\1_", text).replace("\x00", "**")
    lines = text.split("\n")
    joined = lines[0]
    for before, line in pairwise(lines):
        both_items = _LIST_ITEM.match(before) and _LIST_ITEM.match(line)
        joined += ("\n" if both_items or not line or not before else "\n\n") + line
    return joined


def _block(block: Block, names: Mapping[str, str]) -> Iterator[Element]:
    match block:
        case Heading(text):
            yield _rich([[_run(text, weight="Bolder", size="Medium")]])
        case Paragraph(spans):
            yield from _text(spans, names, {})
        case Note(spans):
            yield from _text(spans, names, {"isSubtle": True, "size": "Small"})
        case Buttons(buttons):
            yield from _buttons(buttons)


def _text(spans: tuple[Span, ...], names: Mapping[str, str], style: Element) -> Iterator[Element]:
    if all(isinstance(span, Markdown) for span in spans):
        markdown = "".join(span.text for span in spans if isinstance(span, Markdown))
        yield {"type": "TextBlock", "text": teams_markdown(markdown), "wrap": True, **style}
        return
    lines: list[list[Element]] = [[]]
    for span in spans:
        for number, runs in enumerate(_span_lines(span, names)):
            if number:
                lines.append([])
            lines[-1].extend({**run, **style} for run in runs)
    yield _rich(lines)


def _rich(lines: list[list[Element]]) -> Element:
    """Lines of runs. A ``RichTextBlock`` cannot break a line, so each line is its own block,
    set close together in a container."""
    blocks = [
        {
            "type": "RichTextBlock",
            "inlines": runs or [_run(" ")],
            **({"spacing": "None"} if n else {}),
        }
        for n, runs in enumerate(lines)
    ]
    return blocks[0] if len(blocks) == 1 else {"type": "Container", "items": blocks}


def _span_lines(span: Span, names: Mapping[str, str]) -> list[list[Element]]:
    """A span's runs, split where it breaks the line."""
    match span:
        case Markdown(text):
            return [list(_marked_runs(line)) for line in keep_edges(text, unwrap).split("\n")]
        case Plain(text, emphasis):
            text = unreordered(text)  # a U+202E would show a question backwards
            text = text if len(text) <= LITERAL_LIMIT else text[: LITERAL_LIMIT - 1] + "…"
            style = _EMPHASIS[emphasis]
            return [[_run(line, **style)] if line else [] for line in text.split("\n")]
        case Mention(user_id):
            return [[_run(names.get(user_id, SOMEONE), weight="Bolder")]]
        case Link(url, label):
            return [[_link(label, url)]]
        case Conversation(_, label):  # Teams cannot link a conversation by its id alone
            return [[_run(label)]]


def _marked_runs(text: str) -> Iterator[Element]:
    """Our markdown on one line as runs: bold and italic as styles, links as links."""
    position = 0
    for mark in _MARK.finditer(text):
        if mark.start() > position:
            yield _run(text[position : mark.start()])
        if mark["bold"] is not None:
            yield _run(mark["bold"], weight="Bolder")
        elif mark["url"] is not None:
            yield _link(mark["label"], mark["url"])
        else:
            yield _run(mark["italic"], italic=True)
        position = mark.end()
    if position < len(text):
        yield _run(text[position:])


def _run(text: str, **style: Any) -> Element:
    return {"type": "TextRun", "text": text, **style}


def _link(label: str, url: str) -> Element:
    if not url.startswith(("https://", "http://")):  # never a javascript: or teams: link
        return _run(label)
    return _run(label, selectAction={"type": "Action.OpenUrl", "url": url})


def _buttons(buttons: tuple[Button, ...]) -> Iterator[Element]:
    if any(button.action is Action.CHAMPION_ANSWER for button in buttons):
        yield {
            "type": "Input.Text",
            "id": ANSWER_INPUT,
            "label": "Your answer, in plain English",
            "isMultiline": True,
            "maxLength": ANSWER_LIMIT,
            "isRequired": True,
            "errorMessage": "Please write an answer.",
        }
    actions = [action(button) for button in buttons]
    if all(len(element["title"]) <= ROW_TITLE_LIMIT for element in actions):
        yield {"type": "ActionSet", "actions": actions}
        return
    for number, element in enumerate(actions):
        yield {
            "type": "ActionSet",
            "actions": [element],
            **({"spacing": "Small"} if number else {}),
        }


def action(button: Button) -> Element:
    """One button as ``Action.Execute``: the verb is the action, the data says it again with
    the value, so that the click can be read without the card."""
    title = (
        button.label if len(button.label) <= TITLE_LIMIT else button.label[: TITLE_LIMIT - 1] + "…"
    )
    if button.action is Action.CHAMPION_ANSWER:
        title = "Send answer"
    element: Element = {
        "type": "Action.Execute",
        "title": title,
        "verb": button.action.value,
        "data": {"action": button.action.value, "value": button.value},
    }
    if button.primary:
        element["style"] = "positive"
    return element
