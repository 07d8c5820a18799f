"""How a channel writes spans of text: its escaping, its markdown, and its forms for bold,
italic, a quote, a mention and a link. Each renderer declares one ``Markup``; turning spans
into text is the same for all of them.

``escape`` is what makes a value safe inside the channel's markup (an address, a user id);
``literal`` is what makes typed text read as it was typed beside that markup, which may take
more (Slack's mrkdwn has no escape for its ``*bold*`` marks: see bot/adapters/slack/mrkdwn.py).
Text, a link's label and a conversation's label are shown with ``literal``; a link's address
and an id with ``escape``, which must leave them working."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.chat.markdown import keep_edges
from bot.chat.views import Conversation, Emphasis, Link, Markdown, Mention, Plain, Span


@dataclass(frozen=True, slots=True)
class Markup:
    escape: Callable[[str], str]  # makes typed text inert
    markdown: Callable[[str], str]  # our markdown subset into the channel's own
    bold: str  # format strings with {text}
    italic: str
    quote_line: str  # put before each line of a quote
    mention: str  # with {user}, already escaped
    link: str  # with {url} and {label}, both escaped
    conversation: str = "{label}"  # with {conversation} (its id) and {label}, escaped
    # Typed text shown beside the channel's markup; None: ``escape`` is enough.
    literal: Callable[[str], str] | None = None

    def shown(self, text: str) -> str:
        """``text`` as it was typed, whatever marks it holds."""
        return (self.literal or self.escape)(text)

    def span(self, span: Span) -> str:
        match span:
            case Markdown(text):
                return keep_edges(text, self.markdown)
            case Plain(text, emphasis):
                inert = self.shown(text)
                if emphasis is Emphasis.BOLD:
                    return self.bold.format(text=inert)
                if emphasis is Emphasis.ITALIC:
                    return self.italic.format(text=inert)
                if emphasis is Emphasis.QUOTE:
                    return self.quote_line + inert.replace("\n", "\n" + self.quote_line)
                return inert
            case Mention(user_id):
                return self.mention.format(user=self.escape(user_id))
            case Link(url, label):
                return self.link.format(url=self.escape(url), label=self.shown(label))
            case Conversation(conversation_id, label):
                return self.conversation.format(
                    conversation=self.escape(conversation_id), label=self.shown(label)
                )

    def spans(self, spans: Iterable[Span]) -> str:
        return "".join(self.span(span) for span in spans)
