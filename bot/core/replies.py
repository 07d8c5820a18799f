"""What the core hands back: one of four reply kinds, each a frozen value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.question import Question
from bot.knowledge.model import Entry, Topic


class Outcome(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_MATCH = "no_match"
    SMALLTALK = "smalltalk"


class SmallTalkKind(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HELP = "help"
    TOPICS = "topics"
    EMPTY = "empty"
    NOT_HELPFUL = "not_helpful"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry the matcher considered, with its calibrated score from 0 to 1."""

    entry: Entry
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    question: Question
    entry: Entry
    confidence: float
    related: tuple[Entry, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    interaction_id: int | None = None
    outcome: Outcome = Outcome.ANSWER


@dataclass(frozen=True, slots=True)
class Clarify:
    """ "Did you mean": two or three options; the adapter always adds "none of these"."""

    question: Question
    options: tuple[Candidate, ...]
    candidates: tuple[Candidate, ...] = ()
    interaction_id: int | None = None
    outcome: Outcome = Outcome.CLARIFY

    @property
    def confidence(self) -> float:
        return self.options[0].score if self.options else 0.0


@dataclass(frozen=True, slots=True)
class NoMatch:
    """An honest "I don't know yet". The question is logged for the review group when a log
    is kept and working: then it has an ``interaction_id`` (see ``logged``)."""

    question: Question
    candidates: tuple[Candidate, ...] = ()
    interaction_id: int | None = None
    outcome: Outcome = Outcome.NO_MATCH
    # No content word of the question is one the knowledge base uses: it is about something
    # the assistant does not cover ("what's the weather tomorrow"), so the reply says so
    # rather than promise the review group will add an answer.
    outside: bool = False

    @property
    def logged(self) -> bool:
        """Whether the question (or the "none of these" it came from) was stored for the
        review group: what the reply may say about it."""
        return self.interaction_id is not None

    @property
    def confidence(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """Greetings, thanks, help and the topic list: no knowledge-base lookup needed."""

    question: Question
    kind: SmallTalkKind
    text: str
    topics: tuple[Topic, ...] = ()
    # ``topics <name>`` named this topic: every one of its questions is shown.
    topic: Topic | None = None
    # ``text`` repeats what the person typed (a topic name): shown as plain text, never markup.
    plain: bool = False
    interaction_id: int | None = None
    outcome: Outcome = Outcome.SMALLTALK
    confidence: float = 1.0

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return ()


Reply = Answer | Clarify | NoMatch | SmallTalk
