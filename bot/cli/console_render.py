"""Show replies in a terminal. The console is one more adapter: it only formats."""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel

from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk
from bot.core.wording import NO_MATCH_TEXT
from bot.knowledge.model import KnowledgeBase, Topic


def render(reply: Reply, console: Console, kb: KnowledgeBase) -> None:
    match reply:
        case Answer():
            _answer(reply, console, kb)
        case Clarify():
            console.print("[bold]Did you mean:[/bold]")
            for number, option in enumerate(reply.options, start=1):
                console.print(f"  [cyan]{number}[/cyan]. {escape(option.entry.question)}")
            console.print("  [cyan]0[/cyan]. None of these")
        case NoMatch():
            console.print(Markdown(NO_MATCH_TEXT))
        case SmallTalk():
            console.print(Markdown(reply.text))
            if reply.topics:
                render_topics(reply.topics, console)


def _answer(reply: Answer, console: Console, kb: KnowledgeBase) -> None:
    entry = reply.entry
    console.print(Panel(Markdown(entry.answer), title=escape(entry.question), title_align="left"))
    for source in entry.sources:
        console.print(f"[dim]Source:[/dim] {escape(source.cite())}", highlight=False)
        if source.url:  # kept whole so it stays clickable in a terminal
            console.print(f"  {escape(source.url)}", soft_wrap=True, highlight=False)
    if entry.applies_to:
        scopes = "; ".join(kb.scope_label(s) for s in entry.applies_to)
        console.print(f"[dim]Applies to:[/dim] {escape(scopes)}")
    if reply.related:
        console.print("[dim]Related questions:[/dim]")
        for number, related in enumerate(reply.related, start=1):
            console.print(f"  [cyan]r{number}[/cyan]. {escape(related.question)}")


def render_topics(topics: tuple[Topic, ...], console: Console) -> None:
    for topic in topics:
        console.print(f"[bold]{escape(topic.name)}[/bold] ({len(topic.entries)} questions)")
        for entry in topic.entries[:3]:
            console.print(f"  - {escape(entry.question)}")
