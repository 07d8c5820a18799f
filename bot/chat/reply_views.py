"""What each reply shows, for every channel: the answer with who it binds now, its sources,
what it applies to and when it was checked, its buttons and related questions; a
did-you-mean's options and "none of these"; the no-match text; small talk and the topics."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.chat import wording
from bot.chat.action_values import Action, ActionValue
from bot.chat.markdown import plain
from bot.chat.views import (
    Block,
    Button,
    Buttons,
    Emphasis,
    Link,
    Markdown,
    Mention,
    Note,
    Plain,
    Span,
    View,
    lines,
    paragraph,
)
from bot.core.replies import Answer, Clarify, NoMatch, Reply, SmallTalk
from bot.core.standing import ARCHIVED_LABEL, Standing, standing_of
from bot.core.topics import ASK_ANY_TEXT
from bot.core.wording import BINDS_NOW_LABEL, no_match_text, none_of_these_text
from bot.knowledge.model import Entry, KnowledgeBase, Source, Topic

RELATED_SHOWN = 3


def reply_view(reply: Reply, kb: KnowledgeBase, *, shareable: bool = False) -> View:
    """The view of any reply. ``shareable``: the reply is private to the asker (a slash
    command), so it offers to share the answer with the channel."""
    match reply:
        case Answer():
            return answer_view(reply, kb, shareable=shareable)
        case Clarify():
            return clarify_view(reply)
        case NoMatch():
            return no_match_view(reply)
        case SmallTalk():
            blocks: list[Block] = [paragraph(Plain(reply.text) if reply.plain else reply.text)]
            if reply.topic is not None:
                blocks.append(lines([(Plain(entry.question),) for entry in reply.topic.entries]))
                blocks.append(paragraph(ASK_ANY_TEXT))
            if reply.topics:
                blocks.append(topics_list(reply.topics))
            summary = reply.text if reply.plain else plain(reply.text)
            return View(summary, tuple(blocks))


def entry_blocks(entry: Entry, kb: KnowledgeBase) -> list[Block]:
    """An entry's answer as every reply shows it: whose it is, who it binds now, its sources
    and standing. The tour's "Tell me more" shows entries the same way."""
    return list(_entry_blocks(entry, standing_of(entry, kb)))


# An entry's answer, sources and related questions are the same in every reply until the
# knowledge base changes: built once (the arguments are the key), not for every answer.
@lru_cache(maxsize=4096)
def _entry_blocks(entry: Entry, standing: Standing) -> tuple[Block, ...]:
    blocks: list[Block] = []
    if standing.local_label:  # "Your local Compact (NAME)", linked to its text when set
        label = standing.local_label
        shown = (
            Link(standing.local_url, label) if standing.local_url else Plain(label, Emphasis.BOLD)
        )
        blocks.append(Note((shown,)))
    blocks.append(paragraph(entry.answer))
    if standing.binds_now:
        blocks.append(Note((Markdown(f"**{BINDS_NOW_LABEL}:** "), Markdown(standing.binds_now))))
    footer = _footer(entry.sources, standing)
    if footer:
        blocks.append(Note(paragraph(*footer).spans))
    return tuple(blocks)


def answer_view(reply: Answer, kb: KnowledgeBase, *, shareable: bool = False) -> View:
    entry = reply.entry
    value = ActionValue(reply.question.text, reply.interaction_id, entry.id).encode()
    buttons = [
        Button("Helpful", Action.HELPFUL, value, primary=True),
        Button("Not helpful", Action.NOT_HELPFUL, value),
        Button(wording.ASK_CHAMPION, Action.ASK_CHAMPION, value),
    ]
    if shareable:
        buttons.append(Button("Share in channel", Action.SHARE, value))
    # The question answered comes first, as the console's box title shows it: an asker whose
    # words were read as another question ("CVS" as "VCS") sees so before trusting the answer.
    heading = paragraph(Plain(entry.question, Emphasis.BOLD))
    about = _entry_blocks(entry, standing_of(entry, kb))
    related = _related_blocks(reply.related[:RELATED_SHOWN])
    return View(plain(entry.answer), (heading, *about, Buttons(tuple(buttons)), *related))


@lru_cache(maxsize=4096)
def _related_blocks(related: tuple[Entry, ...]) -> tuple[Block, ...]:
    if not related:
        return ()
    questions = Buttons(
        tuple(
            Button(r.question, Action.RELATED, ActionValue(r.question, entry_id=r.id).encode())
            for r in related
        )
    )
    return (Note(paragraph(wording.RELATED_HEADING).spans), questions)


def _footer(sources: Sequence[Source], standing: Standing) -> list[Span | str]:
    """Sources (each marked when it is an archived copy), then what the answer applies to,
    its status and when it was checked."""
    footer: list[Span | str] = []
    for number, source in enumerate(sources):
        footer.append("; " if number else "**Source:** ")
        footer.append(Link(source.url, source.cite()) if source.url else Plain(source.cite()))
        if source.archived:
            footer.append(f" ({ARCHIVED_LABEL})")
    for number, label in enumerate(standing.applies_to):
        footer.append("; " if number else (" · " if footer else "") + "**Applies to:** ")
        footer.append(Plain(label))
    for fact in (standing.status_label, standing.checked):
        if fact:
            footer.append((" · " if footer else "") + fact)
    return footer


def clarify_view(reply: Clarify) -> View:
    question = reply.question.text
    options = [
        Button(
            option.entry.question,
            Action.CHOOSE,
            ActionValue(question, reply.interaction_id, option.entry.id).encode(),
        )
        for option in reply.options
    ]
    none = ActionValue(question, reply.interaction_id).encode()
    options.append(Button(wording.NONE_OF_THESE, Action.NONE_OF_THESE, none))
    return View(wording.DID_YOU_MEAN, (paragraph("**Did you mean:**"), Buttons(tuple(options))))


def no_match_view(reply: NoMatch) -> View:
    value = ActionValue(reply.question.text, reply.interaction_id).encode()
    # Never claims a question that was not kept, nor promises an answer to one outside the
    # knowledge base's subject.
    text = no_match_text(logged=reply.logged, outside=reply.outside)
    return View(
        plain(text),
        (
            paragraph(text),
            Buttons(
                (
                    Button(wording.ASK_CHAMPION, Action.ASK_CHAMPION, value),
                    Button(wording.SHOW_TOPICS, Action.SHOW_TOPICS, "topics"),
                )
            ),
        ),
    )


def none_of_these_view(*, logged: bool = True) -> View:
    """After "none of these"; ``logged``: the choice was recorded for the review group."""
    return View(wording.NONE_OF_THESE_SUMMARY, (paragraph(none_of_these_text(logged=logged)),))


def topics_list(topics: Sequence[Topic]) -> Block:
    """Each topic with its size and a first question to try."""
    return lines(
        [
            (
                Plain(topic.name, Emphasis.BOLD),
                f" ({len(topic.entries)}): ",
                Plain(topic.entries[0].question),
            )
            for topic in topics
        ]
    )


def topics_view(topics: Sequence[Topic]) -> View:
    return View("Topics", (paragraph(wording.TOPICS_HEADING), topics_list(topics)))


def shared_view(sharer: str, reply: Answer, kb: KnowledgeBase) -> View:
    """An answer one person shares with the whole conversation, without its buttons."""
    answer = answer_view(reply, kb)
    intro = paragraph(
        Mention(sharer),
        " shared an answer to: ",
        Plain(reply.question.text, Emphasis.ITALIC),
    )
    return View(answer.summary, (intro, *answer.without_buttons().blocks))
