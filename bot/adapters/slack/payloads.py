"""What the Slack adapter carries in button values, and how it reads questions from payloads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.core.question import ChannelKind, Context, Question

MAX_VALUE_QUESTION = 1500  # a button value holds at most 2,000 characters
_MENTION_OF_BOT = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*")


@dataclass(frozen=True, slots=True)
class ButtonValue:
    """Links a click back to the interaction it belongs to."""

    question: str
    interaction_id: int | None = None
    entry_id: str | None = None

    def encode(self) -> str:
        data = {
            "q": self.question[:MAX_VALUE_QUESTION],
            "i": self.interaction_id,
            "e": self.entry_id,
        }
        return json.dumps({k: v for k, v in data.items() if v is not None}, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str | None) -> ButtonValue:
        try:
            data = json.loads(value or "{}")
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        interaction = data.get("i")
        return cls(
            question=str(data.get("q", "")),
            interaction_id=interaction if isinstance(interaction, int) else None,
            entry_id=str(data["e"]) if data.get("e") else None,
        )


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


def question_from_action(body: dict[str, Any], text: str) -> Question:
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return Question(text, context_of(body, user=user, conversation=channel))
