"""The induction tour in the terminal: ``compact-bot tour``, and ``tour`` typed in the chat.

The console is one more adapter: it shows each view as text, gives each of the view's buttons
a key, and sends back the event the chosen button carries.
"""

from __future__ import annotations

import getpass
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from bot.chat.text_fallback import MARKDOWN
from bot.chat.tour_views import tour_view
from bot.chat.views import Note, Paragraph
from bot.cli.console_render import ConsoleMarkdown, render_entry
from bot.cli.markup import Screen
from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from
from bot.core.question import ChannelKind, Context
from bot.errors import CompactError, DatabaseError
from bot.induction import wording as induction_wording
from bot.induction.events import TourEvent, Verb, typed_command
from bot.induction.loader import induction_file, load_tour
from bot.induction.service import InductionService
from bot.induction.views import (
    Button,
    MoreView,
    QuestionView,
    ResultView,
    TourView,
    UnavailableView,
)
from bot.knowledge.model import KnowledgeBase
from bot.runtime import induction_service, open_store
from bot.settings import load_settings
from bot.storage import availability
from bot.storage.database import Database
from bot.words import counted

QUIT = {"q", "quit", "exit", "stop", ":q"}
KEYS = {
    Verb.NEXT: "n",
    Verb.BACK: "b",
    Verb.MORE: "m",
    Verb.RESUME: "c",
    Verb.START: "s",
    Verb.RESULT: "s",
    Verb.RESET: "r",
    Verb.PROGRESS: "p",
}
# Typed words that work on any screen (a button's own key wins).
WORDS = {
    "next": Verb.NEXT,
    "back": Verb.BACK,
    "more": Verb.MORE,
    "tell me more": Verb.MORE,
    "r": Verb.RESET,
    "restart": Verb.RESET,
    "start again": Verb.RESET,
}
# Any ASCII punctuation, which CommonMark lets a backslash make literal.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def inert(text: str) -> str:
    """Text that markdown shows exactly as it is: every punctuation mark backslash-escaped,
    so a setting such as COMPACT_CHAMPIONS_CONTACT keeps its "# ", "1. ", "&amp;" or "<b>"."""
    return _PUNCTUATION.sub(r"\\\1", text)


# The chat channels' markdown, with text that is not ours (Plain spans) made wholly inert.
CONSOLE = replace(MARKDOWN, escape=inert)
HELP = "Type one of the keys shown in brackets, help for what they do, or q to stop."
HELP_WORDS = {"help", "?", "keys"}
# What every key does (docs/induction.md, "Keys in the terminal"): typed help, on any screen.
KEYS_HELP = (
    "Keys in the tour:\n"
    "  n or Enter  next step (on the last step: start the quiz)\n"
    "  b           back one step\n"
    "  m           tell me more: the full answers and their sources\n"
    "  c           back to the tour from tell me more\n"
    "  1, 2, ...   your answer to a quiz question; on your result, a step to look at again\n"
    "  p           my progress\n"
    "  r           start again\n"
    "  q           stop"
)


def key(button: Button) -> str:
    if button.verb is Verb.ANSWER:
        return str(button.event.option)
    if button.verb is Verb.REVISIT:
        return str(button.event.step)
    return KEYS[button.verb]


@dataclass
class ConsoleTour:
    """One person's tour in this terminal. Remembers the view on screen so keys mean its
    buttons."""

    service: InductionService
    console: Console
    context: Context
    view: TourView | None = None
    keys: dict[str, Button] = field(default_factory=dict)

    def send(self, event: TourEvent) -> None:
        self.show(self.service.handle(self.context, event))

    def kb(self) -> KnowledgeBase:
        return self.service.knowledge.current.kb

    def handle(self, line: str) -> bool:
        """Handle one line typed during the tour. False when the person stops."""
        text = line.strip().casefold()
        if text in QUIT:
            if not isinstance(self.view, UnavailableView):  # no tour: nothing to carry on
                self.console.print(ConsoleMarkdown(self._stopped()))
            return False
        button = self.keys.get(text)
        if button is None and text in ("", "n", "next"):
            button = self._onwards()
        if button is not None:
            self.send(button.event)
        elif text in HELP_WORDS:
            self.console.print(KEYS_HELP, highlight=False, markup=False)
        elif text in WORDS:
            self.send(TourEvent(WORDS[text]))
        elif (command := typed_command(text)) is not None:
            self.send(command)
        else:
            self.console.print(self._hint(text), highlight=False)
        return True

    def _onwards(self) -> Button | None:
        """What n or Enter does where there is no Next: the screen's main button (Resume on
        "my progress", Back to the tour from "tell me more"). None on a quiz question or the
        result, where there is no one way on."""
        buttons = self.keys.values()
        return next((b for b in buttons if b.verb is Verb.NEXT), None) or next(
            (b for b in buttons if b.primary), None
        )

    def _hint(self, text: str) -> str:
        """What to type instead of ``text``, naming the numbers this screen takes."""
        numbers = sorted((k for k in self.keys if k.isdecimal()), key=int)
        if isinstance(self.view, QuestionView) and numbers:
            return f"Type the number of your answer, from {numbers[0]} to {numbers[-1]}."
        if isinstance(self.view, ResultView) and numbers and text.isdecimal():
            listed = " or ".join(
                [", ".join(numbers[:-1]), numbers[-1]] if numbers[:-1] else numbers
            )
            return f"Type {listed} to look at a step again, or one of the keys shown in brackets."
        return HELP

    def _stopped(self) -> str:
        """Where the person can pick the tour up again: only if that is true, and not at all
        once they have finished it."""
        saved = self.service.saves_progress(self.context)
        summary = self.service.summary(self.context) if saved else None
        finished = summary is not None and summary.completed
        return induction_wording.stopped(saved=saved, finished=finished)

    def show(self, view: TourView) -> None:
        self.view = view
        buttons = (*view.buttons, Button("My progress", TourEvent(Verb.PROGRESS)))
        self.keys = {key(b): b for b in reversed(buttons)}  # the view's own button wins a key
        self.console.print(Rule(escape(view.heading), align="left"))
        # The same view every chat channel renders; its heading and buttons are shown above
        # and below. Its line breaks are kept (markdown would join them). "Tell me more"'s
        # answers are shown as the chat shows answers, their sources' addresses unwrapped.
        entries = view.entries if isinstance(view, MoreView) else ()
        shown = replace(view, entries=()) if isinstance(view, MoreView) else view
        text = "\n\n".join(
            CONSOLE.spans(b.spans)
            for b in tour_view(shown, self.kb()).blocks
            if isinstance(b, Paragraph | Note)
        )
        if text:
            self.console.print(ConsoleMarkdown(text.replace("\n", "  \n"), hyperlinks=False))
        for entry in entries:
            render_entry(entry, self.console, self.kb())
        choices = [b for b in buttons if b.verb not in (Verb.ANSWER, Verb.REVISIT)]
        if isinstance(view, QuestionView):
            self.console.print("Type the number of your answer.")
        elif isinstance(view, ResultView) and view.revisit:
            self.console.print("Type a step's number to look at it again.")
        hints = "  ".join(f"[cyan]\\[{key(b)}][/cyan] {escape(b.label)}" for b in choices)
        self.console.print(f"{hints}  [cyan]\\[q][/cyan] Quit", highlight=False)


TOUR_HELP = """Take the induction tour for new starters: {steps} on the Compact and the
Covenant, then {quiz}.

Keys: n (or Enter) next, b back, m tell me more, p your progress, r start again, help all the
keys, q quit. Your place is saved, so you can stop and carry on later here or in the chat.
"""


def describe() -> str:
    """``compact-bot tour``'s help, counting the steps and questions of the tour this
    installation runs (its settings' knowledge folder and local layer), so that it cannot
    go out of date when induction.yml changes. Help never fails: a tour that cannot be read
    is described without numbers (the command itself then says what is wrong)."""
    try:
        settings = load_settings()
        found = induction_file(settings.knowledge_path(), settings.local_kb)
        tour = load_tour(found, None) if found is not None else None
    except (CompactError, OSError):
        tour = None
    if tour is None or not tour.steps:
        return TOUR_HELP.format(steps="short steps", quiz="a short quiz")
    quiz = f"a quiz of {counted(len(tour.quiz), 'question')}" if tour.quiz else "no quiz"
    return TOUR_HELP.format(steps=counted(len(tour.steps), "short step"), quiz=quiz)


def run_tour(tour: ConsoleTour, read: Callable[[str], str], first: TourEvent) -> None:
    tour.send(first)
    while True:
        try:
            line = read("tour> ")
        except (EOFError, KeyboardInterrupt):
            tour.console.print()
            return
        if not tour.handle(line):
            return


def tour_command(kb: KbOption = None, db: DbOption = None, local_kb: LocalKbOption = None) -> None:
    # Its help is ``describe()``: it says how long this installation's tour is.
    settings = settings_from(kb, db, local_kb)
    store = open_store(settings)
    # Opened as the chat opens it: waited for at most COMPACT_DB_BUDGET_MS, and every read and
    # save after that too, so a hung server costs a moment, not a connection timeout. When it
    # is away the tour runs from memory and its first view says so; the watcher's own line
    # (about questions not being logged, which the tour has none of) is left out.
    watcher = availability.log
    level = watcher.level
    watcher.setLevel(logging.ERROR)
    try:
        database: Database | None = Database.open(
            settings.database(), budget_s=settings.db_budget_s()
        )
    except DatabaseError:
        database = None  # a URL that can never work; the tour still runs, from memory
    service = induction_service(settings, store, database)
    console = Screen()
    try:
        context = Context(ChannelKind.CONSOLE, getpass.getuser())
        run_tour(ConsoleTour(service, console, context), console.input, TourEvent(Verb.START))
    finally:
        if database is not None:
            database.dispose()
        watcher.setLevel(level)
