"""Slack payloads into neutral values: who asked what, where, and what a click carries."""

from __future__ import annotations

import re
from typing import Any

from bot.chat.action_values import ActionValue
from bot.core.question import ChannelKind, Context, Question

_MENTION_OF_BOT = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*")


def context_of(body: dict[str, Any], *, user: str | None, conversation: str | None) -> Context:
    team = (
        body.get("team_id")
        or (body.get("team") or {}).get("id")
        or (body.get("user") or {}).get("team_id")
    )
    return Context(ChannelKind.SLACK, user or "unknown", conversation, team)


def question_from_event(event: dict[str, Any], body: dict[str, Any]) -> Question:
    """An @mention or DM: the text without the leading mention of the bot."""
    text = _MENTION_OF_BOT.sub("", event.get("text") or "", count=1)
    thread = event.get("thread_ts") or event.get("ts")
    return Question(
        text,
        context_of(body, user=event.get("user"), conversation=f"{event.get('channel')}:{thread}"),
    )


def clicked_value(body: dict[str, Any]) -> str:
    """The raw value of the button clicked."""
    return str((body.get("actions") or [{}])[0].get("value") or "")


def action_value(body: dict[str, Any]) -> ActionValue:
    return ActionValue.decode(clicked_value(body))


def clicker(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id")


def action_context(body: dict[str, Any]) -> Context:
    """Who clicked, and in which conversation."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return context_of(body, user=clicker(body), conversation=channel)


def question_from_action(body: dict[str, Any], text: str) -> Question:
    return Question(text, action_context(body))
