"""The induction tour's views as Block Kit. Rendering only: every button carries the core's
own event value, and its action id is numbered so ids differ within a block."""

from __future__ import annotations

import re

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import Block, actions, button, section
from bot.adapters.slack.mrkdwn import escape, plain, to_mrkdwn
from bot.induction.text import feedback_text, local_lines, progress_text, result_text
from bot.induction.views import (
    Button,
    LocalContacts,
    MoreView,
    ProgressView,
    QuestionView,
    ResultView,
    StepView,
    TourView,
    UnavailableView,
)

HEADER_TEXT = 150  # Slack's limit for a header block
_SAFE_URL = re.compile(r"^https?://[^\s<>|()\[\]]+$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_MARKUP = re.compile(r"[*_`\[\]]")
_CHANNEL_MARK = "\x01channel\x01"  # survives to_mrkdwn's escaping; replaced after it


def tour_blocks(view: TourView) -> tuple[str, list[Block]]:
    """The notification text and the blocks for any tour view."""
    blocks: list[Block] = []
    if view.notices:
        notices = " ".join(f"_{escape(n)}_" for n in view.notices)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": notices}]})
    match view:
        case StepView():
            if view.intro:
                blocks.append(section(to_mrkdwn(view.intro)))
            blocks += [_header(view.heading), section(to_mrkdwn(view.text))]
            if view.local is not None:
                blocks.append(section("\n".join(f"• {line}" for line in _local(view.local))))
        case MoreView():
            blocks.append(_header(view.heading))
            for entry in view.entries:
                blocks.append(section(f"*{escape(entry.question)}*\n{to_mrkdwn(entry.answer)}"))
                sources = "; ".join(
                    f"<{s.url}|{escape(s.cite())}>" if s.url else escape(s.cite())
                    for s in entry.sources
                )
                if sources:
                    blocks.append(_context(f"*Source:* {sources}"))
        case QuestionView():
            if view.feedback is not None:
                blocks.append(section(to_mrkdwn(feedback_text(view.feedback))))
            options = "\n".join(
                f"*{n}.* {escape(text)}" for n, text in enumerate(view.options, start=1)
            )
            blocks += [_header(view.heading), section(f"{to_mrkdwn(view.question)}\n{options}")]
        case ResultView():
            if view.feedback is not None:
                blocks.append(section(to_mrkdwn(feedback_text(view.feedback))))
            blocks += [_header(view.heading), section(to_mrkdwn(result_text(view)))]
        case ProgressView():
            blocks += [_header(view.heading), section(to_mrkdwn(progress_text(view)))]
        case UnavailableView():
            blocks.append(section(to_mrkdwn(view.message)))
    if view.buttons:
        blocks.append(actions(*(_button(b, n) for n, b in enumerate(view.buttons))))
    return plain(view.heading), blocks


def _button(item: Button, number: int) -> dict[str, object]:
    return button(
        item.label, ids.numbered(ids.TOUR, number), item.value, "primary" if item.primary else None
    )


def _header(text: str) -> Block:
    shown = text if len(text) <= HEADER_TEXT else text[: HEADER_TEXT - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": shown, "emoji": True}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _local(local: LocalContacts) -> list[str]:
    """Configured names escaped (never a mention or markup); the link and channel only when
    they are well formed."""
    channel = local.champions_channel
    valid = channel is not None and _CHANNEL_ID.match(channel) is not None
    lines = local_lines(
        local,
        channel_link=_CHANNEL_MARK if valid else None,
        escape=lambda text: _MARKUP.sub("", text),
        link=_link,
    )
    return [to_mrkdwn(line).replace(_CHANNEL_MARK, f"<#{channel}>") for line in lines]


def _link(url: str, name: str) -> str:
    """A markdown link, which to_mrkdwn turns into Slack's <url|name>."""
    if not _SAFE_URL.match(url):
        return f"{name} ({url})" if name else url
    return f"[{name or url}]({url})"
