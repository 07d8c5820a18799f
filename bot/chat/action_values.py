"""What a button carries: one of a fixed set of actions, and a value that links the click back
to the question and interaction it belongs to. Slack buttons carry them as ``action_id`` and
``value``; a Teams card action carries the same two strings in its data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from bot.storage.tables import LARGEST_ID


class Action(StrEnum):
    """Everything a person can click. The values are the Slack action ids, kept stable so that
    buttons on messages already sent keep working."""

    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    ASK_CHAMPION = "ask_champion"
    CHOOSE = "choose_option"  # an option of a did-you-mean
    NONE_OF_THESE = "none_of_these"
    RELATED = "related_question"
    SHARE = "share_in_channel"
    SHOW_TOPICS = "show_topics"
    SHOW_TOPIC = "show_topic"  # value: the topic's name
    START_TOUR = "start_tour"  # a home screen's Start or Resume; value: a tour event
    TOUR = "tour"  # every button of the induction tour; value: its tour event (bot.induction)
    CHAMPION_ANSWER = "champion_answer"  # value: the Champion question's id
    THEME_IN_REVIEW = "theme_in_review"  # value: the theme's id
    THEME_IGNORE = "theme_ignore"


# Slack's limit for a button value; other channels allow more, so one bound serves all.
MAX_VALUE = 2000


@dataclass(frozen=True, slots=True)
class ActionValue:
    """Links a click back to the interaction it belongs to."""

    question: str
    interaction_id: int | None = None
    entry_id: str | None = None

    def encode(self, limit: int = MAX_VALUE) -> str:
        """Compact JSON of at most ``limit`` characters. The question is cut *after* encoding,
        so one that escapes long (emoji, quotes, other scripts) still fits."""
        data = {"i": self.interaction_id, "e": self.entry_id}
        rest = {k: v for k, v in data.items() if v is not None}
        whole = json.dumps({"q": self.question, **rest}, separators=(",", ":"))
        if len(whole) <= limit:
            return whole
        empty = json.dumps({"q": "", **rest}, separators=(",", ":"))
        question = _prefix_within(self.question, limit - len(empty))
        return json.dumps({"q": question, **rest}, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str | None) -> ActionValue:
        """Never fails: a value that is not ours reads as an empty question."""
        try:
            data = json.loads(value or "{}")
        except (ValueError, RecursionError):  # not JSON, a number int() refuses, too deep
            data = {}
        if not isinstance(data, dict):
            data = {}
        interaction = data.get("i")
        # Not true or false (bools are ints), nor an id no row can have.
        if type(interaction) is not int or not 0 < interaction <= LARGEST_ID:
            interaction = None
        return cls(
            question=str(data.get("q", "")),
            interaction_id=interaction,
            entry_id=str(data["e"]) if data.get("e") else None,
        )


def _prefix_within(text: str, budget: int) -> str:
    """The longest prefix of ``text`` whose JSON string escaping is at most ``budget`` long."""
    used = 0
    for position, character in enumerate(text):
        used += len(json.dumps(character)) - 2  # without the quotes
        if used > budget:
            return text[:position]
    return text
