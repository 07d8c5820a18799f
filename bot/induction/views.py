"""What the tour shows, as channel-neutral values. An adapter renders each view (Block Kit, an
Adaptive Card, the terminal) and sends back the event a button carries; it holds no tour
logic. Texts use the knowledge base's small markdown subset; ``text.as_text`` gives every
view a plain-text form, so a channel that lacks something can still show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.induction.events import TourEvent, Verb
from bot.knowledge.model import Entry


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    event: TourEvent
    primary: bool = False

    @property
    def value(self) -> str:
        """What a channel's button carries back: see ``TourEvent.encode``."""
        return self.event.encode()

    @property
    def verb(self) -> Verb:
        return self.event.verb


@dataclass(frozen=True, slots=True)
class LocalContacts:
    """This installation's local Compact and Compact Champions, from configuration. Any of
    them may be unset; the tour then says so plainly. (The Champions' channel is each chat
    channel's own: see ``ChannelSetup.champions_conversation``.)"""

    compact_name: str | None = None
    compact_url: str | None = None
    champions_contact: str | None = None  # free text: who they are, how to reach them


@dataclass(frozen=True, slots=True)
class StepView:
    number: int
    total: int
    title: str
    text: str
    buttons: tuple[Button, ...]
    notices: tuple[str, ...] = ()
    intro: str = ""  # the tour's welcome, on the first step of a new run
    local: LocalContacts | None = None  # on the step that names the local contacts
    reviewing: bool = False  # looking again after the quiz

    @property
    def heading(self) -> str:
        return f"Step {self.number} of {self.total}: {self.title}"


@dataclass(frozen=True, slots=True)
class MoreView:
    """ "Tell me more": the answers a step sums up, with their sources."""

    number: int
    total: int
    title: str
    entries: tuple[Entry, ...]
    buttons: tuple[Button, ...]
    notices: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"More on step {self.number} of {self.total}: {self.title}"


@dataclass(frozen=True, slots=True)
class Feedback:
    """How the last quiz answer went, shown above the next question or the result."""

    number: int
    correct: bool
    right_answer: str
    explanation: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    number: int
    total: int
    question: str
    options: tuple[str, ...]  # numbered from 1, in a fixed order
    buttons: tuple[Button, ...]  # one per option
    notices: tuple[str, ...] = ()
    feedback: Feedback | None = None

    @property
    def heading(self) -> str:
        return f"Quiz question {self.number} of {self.total}"


@dataclass(frozen=True, slots=True)
class Revisit:
    number: int
    title: str


@dataclass(frozen=True, slots=True)
class ResultView:
    score: int
    total: int
    revisit: tuple[Revisit, ...]  # steps behind the questions answered wrongly
    completed_at: datetime | None
    buttons: tuple[Button, ...]
    notices: tuple[str, ...] = ()
    feedback: Feedback | None = None

    @property
    def heading(self) -> str:
        return f"Your result: {self.score} out of {self.total}"


@dataclass(frozen=True, slots=True)
class ProgressView:
    """ "My progress", and what a home screen needs to offer Start or Resume."""

    started: bool
    completed: bool
    steps_seen: int
    total_steps: int
    where: str  # "Step 4 of 11", "Quiz question 2 of 7", "Finished"
    buttons: tuple[Button, ...]
    notices: tuple[str, ...] = ()
    score: int | None = None
    quiz_total: int | None = None
    completed_at: datetime | None = None
    saved: bool = True  # False while progress cannot be stored

    @property
    def heading(self) -> str:
        return "Your induction progress"

    @property
    def main_button(self) -> Button:
        return self.buttons[0]


@dataclass(frozen=True, slots=True)
class UnavailableView:
    """No tour in this knowledge base (it has no induction.yml)."""

    message: str
    notices: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()

    @property
    def heading(self) -> str:
        return "Induction tour"


TourView = StepView | MoreView | QuestionView | ResultView | ProgressView | UnavailableView
