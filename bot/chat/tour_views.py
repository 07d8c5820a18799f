"""The induction tour's views (``bot.induction.views``) as the neutral chat view, so every
channel's renderer shows them: Slack's Block Kit, Teams' cards, the terminal's text.

Configured names (the local Compact, the Champions) are shown literally, never as markup;
the local Compact's address becomes a link only when it is an http(s) URL.
"""

from __future__ import annotations

import re

from bot.chat.action_values import Action
from bot.chat.reply_views import entry_blocks
from bot.chat.views import (
    Block,
    Button,
    Buttons,
    Conversation,
    Emphasis,
    Heading,
    Link,
    Note,
    Paragraph,
    Plain,
    Span,
    View,
    lines,
    paragraph,
)
from bot.induction import wording
from bot.induction.text import feedback_text, progress_text, result_text
from bot.induction.views import Button as TourButton
from bot.induction.views import (
    LocalContacts,
    MoreView,
    ProgressView,
    QuestionView,
    ResultView,
    StepView,
    TourView,
    UnavailableView,
)
from bot.knowledge.model import KnowledgeBase

_WEB_ADDRESS = re.compile(r"^https?://\S+$")


def tour_view(
    view: TourView, kb: KnowledgeBase, *, champions_conversation: str | None = None
) -> View:
    """``kb`` labels what "Tell me more"'s answers apply to; ``champions_conversation`` is
    this channel's Champions' channel, shown on the step that names the local contacts."""
    blocks: list[Block] = [Note((Plain(notice, Emphasis.ITALIC),)) for notice in view.notices]
    match view:
        case StepView():
            if view.intro:
                blocks.append(paragraph(view.intro))
            blocks += [Heading(view.heading), paragraph(view.text)]
            if view.local is not None:
                blocks.append(local_contacts(view.local, champions_conversation))
        case MoreView():
            blocks.append(Heading(view.heading))
            for entry in view.entries:
                blocks.append(paragraph(f"**{entry.question}**"))
                blocks += entry_blocks(entry, kb)
        case QuestionView():
            if view.feedback is not None:
                blocks.append(paragraph(feedback_text(view.feedback)))
            options = [[f"**{n}.** {text}"] for n, text in enumerate(view.options, start=1)]
            blocks += [Heading(view.heading), paragraph(view.question), lines(options)]
        case ResultView():
            if view.feedback is not None:
                blocks.append(paragraph(feedback_text(view.feedback)))
            blocks += [Heading(view.heading), paragraph(result_text(view))]
        case ProgressView():
            blocks += [Heading(view.heading), paragraph(progress_text(view))]
        case UnavailableView():
            blocks.append(paragraph(view.message))
    if view.buttons:
        blocks.append(Buttons(tuple(_button(b) for b in view.buttons)))
    return View(view.heading, tuple(blocks))


def tour_offer(progress: ProgressView) -> tuple[Block, ...]:
    """What a home screen or a welcome shows about the tour: an invitation, or how far the
    person has got, and Start or Resume (whose value is the event it starts with)."""
    status = (
        wording.YOUR_INDUCTION + progress_text(progress) if progress.started else wording.TOUR_INTRO
    )
    main = progress.main_button
    start = Button(main.label, Action.START_TOUR, main.value, primary=True)
    return paragraph(status), Buttons((start,))


def local_contacts(local: LocalContacts, champions_conversation: str | None) -> Paragraph:
    name, url = local.compact_name, local.compact_url
    compact: list[Span | str] = [wording.LOCAL_COMPACT]
    if url:
        compact.append(_link(url, name or url))
    elif name:
        compact.append(Plain(name))
    else:
        compact.append(wording.LOCAL_COMPACT_UNSET)
    items: list[list[Span | str]] = [compact]
    if local.champions_contact:
        items.append([wording.CHAMPIONS, Plain(local.champions_contact)])
    if champions_conversation:
        items.append(
            [
                wording.CHAMPIONS_CHANNEL,
                Conversation(champions_conversation, wording.CHAMPIONS_CHANNEL_LABEL),
            ]
        )
    if not local.champions_contact and not champions_conversation:
        items.append([wording.CHAMPIONS, wording.CHAMPIONS_UNSET])
    if not (name or url) or not (local.champions_contact or champions_conversation):
        items.append([wording.ADMIN_HINT])
    return lines(items)


def _link(url: str | None, label: str) -> Span:
    return Link(url, label) if url and _WEB_ADDRESS.match(url) else Plain(label)


def _button(item: TourButton) -> Button:
    return Button(item.label, Action.TOUR, item.value, item.primary)
