"""``compact-bot chat``: a conversation in the terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.markdown import Markdown

from bot.cli.console_render import render
from bot.cli.tour import ConsoleTour
from bot.core.assistant import Assistant
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify, Reply
from bot.core.wording import NONE_OF_THESE_TEXT, PRIVACY_TEXT
from bot.induction.events import typed_command
from bot.induction.service import InductionService

QUIT_WORDS = {"quit", "exit", "q", ":q", "bye now"}
YES = {"y", "yes", "yep", "yeah", "helpful"}
NO = {"n", "no", "nope", "not helpful"}
NONE_WORDS = {"0", "none", "none of these", "neither"}

BANNER = (
    "Compact Assistant: ask about funding, procurement, consultation, volunteering, equality "
    f"or disputes under the Compact.\n{PRIVACY_TEXT}\nType help, topics, tour (the induction "
    "tour for new starters) or quit."
)


@dataclass
class ChatSession:
    """One person's conversation. Remembers the last reply so numbers and y/n mean something."""

    assistant: Assistant
    console: Console
    context: Context
    induction: InductionService | None = None
    pending: Reply | None = None
    tour: ConsoleTour | None = field(default=None, repr=False)

    def handle(self, line: str) -> bool:
        """Handle one line of input. Returns False when the person wants to stop."""
        text = line.strip()
        lowered = text.casefold()
        if self.tour is not None:
            if not self.tour.handle(line):
                self.tour = None
                self.console.print("Back to your questions. Ask me anything about the Compact.")
            return True
        if lowered in QUIT_WORDS:
            self.console.print("Goodbye.")
            return False
        command = typed_command(text) if self.induction is not None else None
        if command is not None and self.induction is not None:
            self.pending = None
            self.tour = ConsoleTour(self.induction, self.console, self.context)
            self.tour.send(command)
            return True
        pending, self.pending = self.pending, None
        if isinstance(pending, Clarify) and self._pick(pending, lowered):
            return True
        if isinstance(pending, Answer) and self._follow_up(pending, lowered):
            return True
        self._show(self.assistant.ask(Question(text, self.context)))
        return True

    def _pick(self, clarify: Clarify, choice: str) -> bool:
        if choice in NONE_WORDS:
            self.assistant.choose(clarify.question, None, interaction_id=clarify.interaction_id)
            self.console.print(Markdown(NONE_OF_THESE_TEXT))
            return True
        if choice.isdigit() and 1 <= int(choice) <= len(clarify.options):
            entry = clarify.options[int(choice) - 1].entry
            reply = self.assistant.choose(
                clarify.question, entry.id, interaction_id=clarify.interaction_id
            )
            self._show(reply)
            return True
        return False

    def _follow_up(self, answer: Answer, choice: str) -> bool:
        if choice in YES or choice in NO:
            helpful = choice in YES
            self.assistant.feedback(
                answer.question, answer.interaction_id, helpful=helpful, entry_id=answer.entry.id
            )
            self.console.print(
                "Thanks, glad it helped."
                if helpful
                else "Thanks. I've flagged that answer for the Compact review group."
            )
            return True
        number = choice.removeprefix("r")
        if number.isdigit() and 1 <= int(number) <= len(answer.related):
            related = answer.related[int(number) - 1]
            question = Question(related.question, self.context)
            self._show(self.assistant.open_related(question, related.id))
            return True
        return False

    def _show(self, reply: Reply) -> None:
        render(reply, self.console, self.assistant.knowledge.kb)
        if isinstance(reply, Answer):
            self.console.print("[bold]Was this helpful?[/bold] y/n (or just ask another question)")
            self.pending = reply
        elif isinstance(reply, Clarify):
            self.console.print("Type a number, or ask another question.")
            self.pending = reply


def run_chat(
    assistant: Assistant,
    console: Console,
    read: Callable[[str], str],
    user: str,
    induction: InductionService | None = None,
) -> None:
    session = ChatSession(assistant, console, Context(ChannelKind.CONSOLE, user), induction)
    console.print(BANNER)
    while True:
        try:
            line = read("tour> " if session.tour is not None else "you> ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not session.handle(line):
            return
