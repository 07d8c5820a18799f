"""What a person does in the tour, as a channel-neutral event, and how a button carries it.

A button's value is a short string every channel can hold (a Slack button value, a Teams
Action.Submit's data): ``tour:next:run=1:step=3``. It names the view it was clicked on, so the
core can tell a fresh click from a stale or repeated one: the tour only moves on when the
click belongs to where the person is now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "tour"
MAX_NUMBER = 10_000
_FIELDS = ("run", "step", "question", "option")


class Verb(StrEnum):
    START = "start"  # begin, or pick up where you left off
    RESUME = "resume"  # show where you are now
    NEXT = "next"
    BACK = "back"
    MORE = "more"  # "Tell me more": the entries a step sums up
    ANSWER = "answer"
    RESET = "reset"  # start again from step 1 (a finished run stays on record)
    PROGRESS = "progress"  # "my progress"
    REVISIT = "revisit"  # open a step again after the quiz
    RESULT = "result"  # back to the quiz result


_VERBS = frozenset(v.value for v in Verb)


@dataclass(frozen=True, slots=True)
class TourEvent:
    """``run``, ``step`` and ``question`` say which view a click came from (None for typed
    commands, which always mean "where I am now"); ``option`` is the quiz answer chosen."""

    verb: Verb
    run: int | None = None
    step: int | None = None
    question: int | None = None
    option: int | None = None

    @property
    def typed(self) -> bool:
        return self.run is None and self.step is None and self.question is None

    def encode(self) -> str:
        parts = [PREFIX, self.verb.value]
        parts += [
            f"{name}={value}" for name in _FIELDS if (value := getattr(self, name)) is not None
        ]
        return ":".join(parts)

    @classmethod
    def decode(cls, value: str | None) -> TourEvent | None:
        """The event a button carried, or None when the value is not a well-formed tour event
        (so a forged or garbled value is ignored, never trusted)."""
        if not value or len(value) > 200:
            return None
        prefix, _, rest = value.partition(":")
        verb_text, _, fields_text = rest.partition(":")
        if prefix != PREFIX or verb_text not in _VERBS:
            return None
        fields: dict[str, int] = {}
        for part in filter(None, fields_text.split(":")):
            name, equals, number = part.partition("=")
            if name not in _FIELDS or not equals or not number.isdecimal() or name in fields:
                return None
            if not 0 < int(number) <= MAX_NUMBER:
                return None
            fields[name] = int(number)
        return cls(Verb(verb_text), **fields)


def is_tour_value(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX + ":")


_WORDS = re.compile(r"[^\w\s]")
_COMMANDS: dict[str, Verb] = {
    **dict.fromkeys(
        (
            "tour", "the tour", "induction", "induction tour", "start tour", "start the tour",
            "take the tour", "resume tour", "resume the tour", "continue tour",
            "continue the tour", "start induction",
        ),
        Verb.START,
    ),
    **dict.fromkeys(
        ("my progress", "tour progress", "my tour progress", "induction progress", "progress"),
        Verb.PROGRESS,
    ),
    **dict.fromkeys(
        (
            "reset tour", "reset the tour", "restart tour", "restart the tour", "reset my progress",
            "start the tour again", "start tour again",
        ),
        Verb.RESET,
    ),
}  # fmt: skip


def typed_command(text: str) -> TourEvent | None:
    """A tour command typed in a chat ("tour", "my progress", "restart the tour"), else None.
    Only whole messages count, so a question that mentions a tour is still a question."""
    simple = " ".join(_WORDS.sub(" ", text.casefold()).split())
    verb = _COMMANDS.get(simple)
    return TourEvent(verb) if verb is not None else None
