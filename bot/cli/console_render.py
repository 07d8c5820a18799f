"""Show replies in a terminal. The console is one more adapter: it only formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.segment import Segment

from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk, SmallTalkKind
from bot.core.standing import ARCHIVED_LABEL, standing_of
from bot.core.topics import ASK_ANY_TEXT
from bot.core.wording import BINDS_NOW_LABEL, no_match_text
from bot.knowledge.model import Entry, KnowledgeBase, Topic
from bot.words import counted

# The knowledge base's markdown subset (knowledge/README.md), read the way rich reads it, but
# with raw HTML and character references left as the text they are: rich drops HTML, so an
# answer that began with "<div>" showed as an empty box and "<b>always</b>" as "always".
_PARSER = (
    MarkdownIt("commonmark", {"html": False})
    .disable("entity")
    .enable("strikethrough")
    .enable("table")
)
SHOWN_PER_TOPIC = 3  # the listing's questions per topic; ``topics <name>`` shows them all


class ConsoleMarkdown(Markdown):
    """Markdown for the terminal that never swallows text: HTML tags (``<div>``,
    ``<script>``) and entities (``&amp;``) are shown as typed, not dropped or decoded."""

    def __init__(self, markup: str, **options: Any) -> None:
        super().__init__(markup, **options)
        self.parsed = _PARSER.parse(markup)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """In a terminal, or inside a box, wrapped to fit as rich wraps it. Printed on its own
        to a file or a pipe, each paragraph is one line (as ``Screen`` prints text), so that a
        command in it ("`compact-bot ask "..."`") is never broken where it would be copied."""
        if console.is_terminal or options.max_width < console.width:
            yield from super().__rich_console__(console, options)
            return
        whole = _Rendered(lambda c, o: Markdown.__rich_console__(self, c, o))
        for line in console.render_lines(whole, options.update_width(UNWRAPPED), pad=False):
            yield from _without_trailing_space(line)
            yield Segment.line()


UNWRAPPED = 100_000  # wide enough for any paragraph on one line; trailing space is cut off


@dataclass(frozen=True, slots=True)
class _Rendered:
    render: Callable[[Console, ConsoleOptions], RenderResult]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.render(console, options)


def _without_trailing_space(line: list[Segment]) -> list[Segment]:
    """A rendered line without the spaces rich pads it with to the width."""
    kept = list(line)
    while kept and not kept[-1].control and not kept[-1].text.strip():
        kept.pop()
    if kept and not kept[-1].control:
        last = kept[-1]
        kept[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return kept


def render(reply: Reply, console: Console, kb: KnowledgeBase, *, can_choose: bool = True) -> None:
    """``can_choose``: the person can reply with an option's number (the chat); a one-off
    ``ask`` cannot, so its did-you-mean lists the questions to ask again instead."""
    match reply:
        case Answer():
            _answer(reply, console, kb)
        case Clarify() if not can_choose:
            console.print("[bold]Did you mean one of these?[/bold] Ask again in its words:")
            for option in reply.options:
                console.print(f"  - {escape(option.entry.question)}", highlight=False)
        case Clarify():
            console.print("[bold]Did you mean:[/bold]")
            for number, option in enumerate(reply.options, start=1):
                console.print(f"  [cyan]{number}[/cyan]. {escape(option.entry.question)}")
            console.print("  [cyan]0[/cyan]. None of these")
        case NoMatch():
            console.print(
                ConsoleMarkdown(no_match_text(logged=reply.logged, outside=reply.outside))
            )
        case SmallTalk():
            if reply.plain:
                console.print(escape(reply.text), highlight=False)
            else:
                console.print(ConsoleMarkdown(reply.text))
            if reply.topic is not None:
                for entry in reply.topic.entries:
                    console.print(f"  - {escape(entry.question)}", highlight=False)
                console.print(ASK_ANY_TEXT)
            # Help says "type topics" for the list: in a terminal, printing it after help too
            # buries the help under a hundred lines.
            if reply.topics and reply.kind is SmallTalkKind.TOPICS:
                render_topics(reply.topics, console, in_chat=can_choose)


def _answer(reply: Answer, console: Console, kb: KnowledgeBase) -> None:
    render_entry(reply.entry, console, kb)
    if reply.related:
        console.print("[dim]Related questions:[/dim]")
        for number, related in enumerate(reply.related, start=1):
            console.print(f"  [cyan]r{number}[/cyan]. {escape(related.question)}")


def render_entry(entry: Entry, console: Console, kb: KnowledgeBase) -> None:
    """An entry as every answer shows it: whose it is, the answer under its question, who it
    binds now, what it applies to, its standing and its sources, each source's address on a
    line of its own and never wrapped, so it stays clickable. The tour's "Tell me more"
    shows its entries the same way."""
    standing = standing_of(entry, kb)
    if standing.local_label:
        console.print(f"[bold]{escape(standing.local_label)}[/bold]", highlight=False)
        if standing.local_url:
            console.print(f"  {escape(standing.local_url)}", soft_wrap=True, highlight=False)
    console.print(
        Panel(ConsoleMarkdown(entry.answer), title=escape(entry.question), title_align="left")
    )
    if standing.binds_now:
        console.print(
            f"[bold]{BINDS_NOW_LABEL}:[/bold] {escape(standing.binds_now)}", highlight=False
        )
    if standing.applies_to:
        scopes = escape("; ".join(standing.applies_to))
        console.print(f"[dim]Applies to:[/dim] {scopes}", highlight=False)
    facts = " · ".join(f for f in (standing.status_label, standing.checked) if f)
    if facts:
        console.print(escape(facts), highlight=False)
    for source in entry.sources:
        archived = f" [dim]({ARCHIVED_LABEL})[/dim]" if source.archived else ""
        console.print(f"[dim]Source:[/dim] {escape(source.cite())}{archived}", highlight=False)
        if source.url:  # kept whole so it stays clickable in a terminal
            console.print(f"  {escape(source.url)}", soft_wrap=True, highlight=False)


def render_topics(topics: tuple[Topic, ...], console: Console, *, in_chat: bool = True) -> None:
    """Each topic with its size and first questions, then how to see the rest: ``topics
    <name>`` in the chat (``in_chat``); a one-off ``ask`` points to the chat for it."""
    for topic in topics:
        console.print(
            f"[bold]{escape(topic.name)}[/bold] ({counted(len(topic.entries), 'question')})"
        )
        for entry in topic.entries[:SHOWN_PER_TOPIC]:
            console.print(f"  - {escape(entry.question)}")
    longer = [topic for topic in topics if len(topic.entries) > SHOWN_PER_TOPIC]
    if longer:
        example = min(longer, key=lambda topic: len(topic.name.split()))  # short to type
        where = "Type" if in_chat else "In compact-bot chat, type"
        console.print(
            f"{where} [bold]topics[/bold] and a topic's name to see all its questions, like: "
            f"[bold]topics {escape(example.name.casefold())}[/bold]",
            highlight=False,
        )
