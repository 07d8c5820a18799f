"""Replies as Block Kit. Everything a person typed is escaped before it is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.mrkdwn import escape, plain, to_mrkdwn
from bot.adapters.slack.payloads import ButtonValue
from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk
from bot.core.standing import ARCHIVED_LABEL, standing_of
from bot.core.wording import BINDS_NOW_LABEL, NO_MATCH_TEXT, NONE_OF_THESE_TEXT
from bot.knowledge.model import KnowledgeBase, Topic

Block = dict[str, Any]
BUTTON_TEXT = 75  # Slack's limit for a button label


def _text(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return (
        {"type": kind, "text": text}
        if kind == "mrkdwn"
        else {"type": kind, "text": text, "emoji": True}
    )


def section(text: str) -> Block:
    return {"type": "section", "text": _text(text)}


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    label = label if len(label) <= BUTTON_TEXT else label[: BUTTON_TEXT - 1] + "…"
    element: dict[str, Any] = {
        "type": "button",
        "text": _text(label, "plain_text"),
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any]) -> Block:
    return {"type": "actions", "elements": list(elements)}


def reply_blocks(
    reply: Reply, kb: KnowledgeBase, *, shareable: bool = False
) -> tuple[str, list[Block]]:
    """The notification text and the blocks for any reply."""
    question = reply.question.text
    match reply:
        case Answer():
            return plain(reply.entry.answer)[:150], _answer(reply, kb, shareable)
        case Clarify():
            value = ButtonValue(question, reply.interaction_id)
            options = [
                button(
                    o.entry.question,
                    ids.numbered(ids.CHOOSE, n),
                    ButtonValue(question, reply.interaction_id, o.entry.id).encode(),
                )
                for n, o in enumerate(reply.options)
            ]
            options.append(button("None of these", ids.NONE_OF_THESE, value.encode()))
            return "Did you mean one of these?", [section("*Did you mean:*"), actions(*options)]
        case NoMatch():
            encoded = ButtonValue(question, reply.interaction_id).encode()
            return NO_MATCH_TEXT, [
                section(to_mrkdwn(NO_MATCH_TEXT)),
                actions(
                    button("Ask a Compact Champion", ids.ASK_CHAMPION, encoded),
                    button("Show topics", ids.SHOW_TOPICS, "topics"),
                ),
            ]
        case SmallTalk():
            blocks = [section(to_mrkdwn(reply.text))]
            if reply.topics:
                blocks.append(topics_block(reply.topics))
            return plain(reply.text)[:150], blocks


def _answer(reply: Answer, kb: KnowledgeBase, shareable: bool) -> list[Block]:
    entry = reply.entry
    value = ButtonValue(reply.question.text, reply.interaction_id, entry.id).encode()
    standing = standing_of(entry, kb)
    sources = "; ".join(
        (f"<{s.url}|{escape(s.cite())}>" if s.url else escape(s.cite()))
        + (f" ({ARCHIVED_LABEL})" if s.archived else "")
        for s in entry.sources
    )
    scopes = "; ".join(escape(label) for label in standing.applies_to)
    footer = " · ".join(
        part
        for part in (
            f"*Applies to:* {scopes}" if scopes else "",
            escape(standing.status_label),
            escape(standing.checked),
            f"*Source:* {sources}" if sources else "",
        )
        if part
    )
    blocks: list[Block] = []
    if standing.local_label:
        label = escape(standing.local_label)
        link = f"<{standing.local_url}|{label}>" if standing.local_url else label
        blocks.append({"type": "context", "elements": [_text(f"*{link}*")]})
    blocks.append(section(to_mrkdwn(entry.answer)))
    if standing.binds_now:
        binds_now = f"*{BINDS_NOW_LABEL}:* {escape(standing.binds_now)}"
        blocks.append({"type": "context", "elements": [_text(binds_now)]})
    if footer:
        blocks.append({"type": "context", "elements": [_text(footer)]})
    buttons = [
        button("Helpful", ids.HELPFUL, value, "primary"),
        button("Not helpful", ids.NOT_HELPFUL, value),
        button("Ask a Compact Champion", ids.ASK_CHAMPION, value),
    ]
    if shareable:
        buttons.append(button("Share in channel", ids.SHARE, value))
    blocks.append(actions(*buttons))
    if reply.related:
        blocks.append({"type": "context", "elements": [_text("*Related questions:*")]})
        blocks.append(
            actions(
                *(
                    button(
                        r.question,
                        ids.numbered(ids.RELATED, n),
                        ButtonValue(r.question, entry_id=r.id).encode(),
                    )
                    for n, r in enumerate(reply.related[:3])
                )
            )
        )
    return blocks


def shared_blocks(user: str, reply: Answer, kb: KnowledgeBase) -> tuple[str, list[Block]]:
    """An ephemeral answer posted for the whole channel."""
    intro = section(f"<@{user}> shared an answer to: _{escape(reply.question.text)}_")
    text, blocks = reply_blocks(reply, kb)
    return text, [intro, *[b for b in blocks if b["type"] != "actions"]]


def topics_block(topics: Sequence[Topic]) -> Block:
    lines = [
        f"• *{escape(t.name)}* ({len(t.entries)}): {escape(t.entries[0].question)}" for t in topics
    ]
    return section("\n".join(lines))


def none_of_these_blocks() -> list[Block]:
    return [section(to_mrkdwn(NONE_OF_THESE_TEXT))]
