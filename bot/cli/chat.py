"""``compact-bot chat``: a conversation in the terminal."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape

from bot.cli.console_render import ConsoleMarkdown, render
from bot.cli.tour import ConsoleTour
from bot.core.assistant import Assistant
from bot.core.question import ChannelKind, Context, Question
from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk, SmallTalkKind
from bot.core.wording import PRIVACY_TEXT, feedback_text, none_of_these_text
from bot.errors import KnowledgeBaseError
from bot.induction.events import typed_command
from bot.induction.service import InductionService
from bot.words import counted

ENDS_A_CHAT = {"quit", "exit", "q", ":q"}  # console commands, which ``ask`` explains
QUIT_WORDS = ENDS_A_CHAT | {"bye", "goodbye", "bye now", "bye bye"}
YES = {
    "y", "yes", "yep", "yeah", "helpful", "yes thanks", "yes thank you", "yep thanks",
    "yes it did", "yes that helped", "it did", "that helped",
}  # fmt: skip
# Said after an answer, "nope, not really" is a vote, not a question for the matcher nor a gap
# for the review group (compared without punctuation or apostrophes: see ``simplified``).
NO = {
    "n", "no", "nope", "nah", "not helpful", "not really", "no not really", "nope not really",
    "nah not really", "no it didnt", "no it did not", "it didnt", "didnt help", "it didnt help",
    "that didnt help", "no that didnt help", "no thats not it", "thats not it",
    "no not helpful",
}  # fmt: skip
NONE_WORDS = {"0", "none", "none of these", "neither"}
RELOAD = "reload"  # the console's own: the person running it edits the knowledge files
# Replies to the last answer or did-you-mean: a number, r and a number, yes/no, none. Never a
# question: with nothing they could answer, they get a hint, and are neither matched nor
# logged (a stray "3" must not be answered, nor "y" become a gap for the review group).
CONTROL = re.compile(r"r?\d+|" + "|".join(re.escape(w) for w in sorted(YES | NO | NONE_WORDS)))
GOODBYE = "Goodbye."  # the console chat ends here; Slack and Teams say GOODBYE
NOTHING_PENDING = "Nothing to choose from just now. Ask a question, or type help."
MAX_PROBLEMS_SHOWN = 20  # a reload that failed lists this many problems, then a count


def simplified(text: str) -> str:
    """A reply as it is compared with the words above: lower case, apostrophes dropped
    ("didn't" is "didnt"), other punctuation a space, spaces collapsed."""
    text = re.sub("['\u2019]", "", text.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


ONE_OFF_EXAMPLE = 'compact-bot ask "how much notice before ending a grant?"'


def console_word_meaning(text: str) -> str | None:
    """What a bare word means in the console chat, said for ``compact-bot ask``, where it
    means nothing: quit (and exit, q) ends a chat, a number or y/n answers the reply before.
    None for anything else, which is a question. Such a word is not a question for the
    matcher, nor a gap for the review group."""
    word = text.strip().casefold().rstrip(".!")
    if word in ENDS_A_CHAT:  # "bye" is small talk everywhere: it says goodbye
        return (
            f"*{word}* ends a conversation in `compact-bot chat`; a one-off question has "
            f"nothing to end. Ask your question in quotes: `{ONE_OFF_EXAMPLE}`"
        )
    if word == RELOAD:
        return (
            f"*{word}* reads the knowledge files again in `compact-bot chat` (in Slack and Teams "
            "it is an admin command); each `compact-bot ask` reads them afresh, so there is "
            f"nothing to reload. Ask your question in quotes: `{ONE_OFF_EXAMPLE}`"
        )
    if CONTROL.fullmatch(simplified(word)):
        return (
            f"*{word}* answers the reply before it in `compact-bot chat` (a number picks from "
            "a list, y or n says whether an answer helped); a one-off question has no reply "
            f"before it. Ask your question in quotes: `{ONE_OFF_EXAMPLE}`"
        )
    return None


BANNER = (
    "Compact Assistant: ask about funding, procurement, consultation, volunteering, equality "
    f"or disputes under the Compact.\n{PRIVACY_TEXT}\nType help, topics, tour (the induction "
    "tour for new starters), reload (after editing the knowledge files) or quit."
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
    voted: bool = False  # the pending answer has had its y/n; its r1, r2... still work

    def handle(self, line: str) -> bool:
        """Handle one line of input. Returns False when the person wants to stop."""
        text = line.strip()
        lowered = text.casefold()
        if self.tour is not None:
            if not self.tour.handle(line):
                self.tour = None
                self.console.print("Back to your questions. Ask me anything about the Compact.")
            return True
        if lowered.rstrip(".!") in QUIT_WORDS:
            self.console.print(GOODBYE)
            return False
        command = typed_command(text) if self.induction is not None else None
        if command is not None and self.induction is not None:
            self.pending = None
            self.tour = ConsoleTour(self.induction, self.console, self.context)
            self.tour.send(command)
            return True
        if lowered.rstrip(".!") == RELOAD:
            self._reload()  # the answer above still takes y/n, r1, r2...
            return True
        choice = simplified(text)
        pending, self.pending = self.pending, None
        if isinstance(pending, Clarify) and self._pick(pending, choice):
            return True
        if isinstance(pending, Answer) and self._follow_up(pending, choice):
            return True
        if CONTROL.fullmatch(choice):
            self.pending = pending  # still there to choose from
            self.console.print(self._hint(pending))
            return True
        voted = self.voted
        reply = self.assistant.ask(Question(text, self.context))
        self._show(reply)
        if isinstance(reply, SmallTalk) and reply.kind is SmallTalkKind.THANKS:
            # "thanks" changes no subject: the answer above still takes y/n and r1, r2...
            self.pending, self.voted = pending, voted
        return True

    def _reload(self) -> None:
        """Read the knowledge files again, as Slack's and Teams' admin ``reload`` does: the
        person running the console can edit them, and checks an edit here. With problems,
        the knowledge base already loaded keeps answering."""
        try:
            loaded = self.assistant.store.reload()
        except KnowledgeBaseError as exc:
            self.console.print(
                "[bold]The knowledge base was not reloaded[/bold]; the previous one is still "
                "answering. Fix these first (compact-bot kb check lists them all):"
            )
            for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
                self.console.print(f"  - {escape(str(problem))}", highlight=False)
            if len(exc.problems) > MAX_PROBLEMS_SHOWN:
                self.console.print(f"  ...and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more.")
            return
        kb = loaded.kb
        self.console.print(
            f"Reloaded the knowledge base: {counted(len(kb), 'entry')} in "
            f"{counted(len(kb.topics()), 'topic')}.",
            highlight=False,
        )

    def _pick(self, clarify: Clarify, choice: str) -> bool:
        if choice in NONE_WORDS:
            reply = self.assistant.choose(
                clarify.question, None, interaction_id=clarify.interaction_id
            )
            logged = isinstance(reply, NoMatch) and reply.logged
            self.console.print(ConsoleMarkdown(none_of_these_text(logged=logged)))
            return True
        if _small_number(choice) and 1 <= int(choice) <= len(clarify.options):
            entry = clarify.options[int(choice) - 1].entry
            reply = self.assistant.choose(
                clarify.question, entry.id, interaction_id=clarify.interaction_id
            )
            self._show(reply)
            return True
        return False

    def _follow_up(self, answer: Answer, choice: str) -> bool:
        if not self.voted and (choice in YES or choice in NO):
            helpful = choice in YES
            recorded = self.assistant.feedback(
                answer.question, answer.interaction_id, helpful=helpful, entry_id=answer.entry.id
            )
            self.console.print(ConsoleMarkdown(feedback_text(helpful=helpful, recorded=recorded)))
            if answer.related:  # r1, r2... still open the related questions
                self.pending, self.voted = answer, True
            return True
        number = choice.removeprefix("r")
        if _small_number(number) and 1 <= int(number) <= len(answer.related):
            related = answer.related[int(number) - 1]
            question = Question(related.question, self.context)
            self._show(self.assistant.open_related(question, related.id))
            return True
        return False

    def _hint(self, pending: Reply | None) -> str:
        """What a stray number or y/n can mean now."""
        if isinstance(pending, Clarify):
            return (
                f"Type a number from 1 to {len(pending.options)}, 0 for none of these, "
                "or ask another question."
            )
        if isinstance(pending, Answer):
            choices = [] if self.voted else ["y or n to say whether that helped"]
            if pending.related:
                last = len(pending.related)
                choices.append(f"r1 to r{last}" if last > 1 else "r1")
                choices[-1] += " for a related question"
            if choices:
                return f"Type {' or '.join(choices)}, or ask another question."
        return NOTHING_PENDING

    def _show(self, reply: Reply) -> None:
        render(reply, self.console, self.assistant.knowledge.kb)
        self.voted = False
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
            # End of input (Ctrl-D, or the end of a piped script) or Ctrl-C: end the prompt's
            # line and say goodbye, as "quit" does.
            console.print()
            console.print(GOODBYE)
            return
        if not session.handle(line):
            return


def _small_number(text: str) -> bool:
    """Digits int() reads ("²" passes str.isdigit() and not int()), few enough for it to read
    (past 4,300 digits int() refuses)."""
    return text.isdecimal() and len(text) <= 6
