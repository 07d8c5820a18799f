"""``topics <name>``: one topic with every question in it, in every channel. The topics
listing shows each topic's size and a few questions; this is how to see the rest. The
assistant answers it as small talk (``Assistant.ask``); each channel only shows the reply.

The name is matched without regard to case or punctuation: the whole name, else the one
topic whose name starts with it, else the one topic with it among its words ("topics
covenant" is the Civil Society Covenant). A name that fits several topics, or a one-word name
that fits none, is no question for the matcher nor a gap for the review group: the reply
names the topics instead. Several words that fit no topic ("topics covered by the covenant")
are more likely a question, and are matched as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.question import Question
from bot.core.replies import SmallTalk, SmallTalkKind
from bot.knowledge.model import Topic
from bot.words import one_line

# After every question of a topic.
ASK_ANY_TEXT = "Ask any of them, in these words or your own."

# "topics funding", "topic: funding", "Topics Funding." (the command word, then a name)
_REQUEST = re.compile(r"topics?\s*[:\s]\s*(?P<name>\S.*)", re.IGNORECASE | re.DOTALL)
_APOSTROPHES = re.compile(r"['\u2019]")
_NOT_WORD = re.compile(r"[\W_]+")


def topic_request(text: str) -> str | None:
    """The topic name asked for in ``topics <name>``; None for anything else (``topics`` on
    its own is small talk, answered with the listing)."""
    found = _REQUEST.fullmatch(text.strip())
    if found is None:
        return None
    name = found["name"].strip().rstrip(".!?").strip()
    return name if _fold(name) else None


def _fold(text: str) -> str:
    """A name as it is compared: case, apostrophes and other punctuation set aside."""
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.casefold())).split())


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """What ``topics <asked>`` found: the topic, or else the topics the name could mean
    (none when it fits no topic)."""

    asked: str
    topic: Topic | None
    candidates: tuple[Topic, ...] = ()


def find_topic(topics: Sequence[Topic], asked: str) -> TopicMatch:
    """The topic ``asked`` names: the whole name, else a unique start of one, else a unique
    run of whole words in one (see the module's docstring)."""
    wanted = _fold(asked)
    folded = [(_fold(topic.name), topic) for topic in topics]
    tests = (
        lambda name: name == wanted,
        lambda name: name.startswith(wanted),
        lambda name: f" {wanted}" in f" {name}",
    )
    candidates: tuple[Topic, ...] = ()
    for test in tests:
        fits = tuple(topic for name, topic in folded if test(name))
        if len(fits) == 1:
            return TopicMatch(asked, fits[0])
        candidates = candidates or fits
    return TopicMatch(asked, None, candidates)


def topic_heading(topic: Topic) -> str:
    """Above a topic's questions. The texts here are plain: each channel escapes the name a
    person typed for its own markup."""
    count = len(topic.entries)
    return f"{topic.name}: all {count} questions" if count != 1 else f"{topic.name}: 1 question"


def no_such_topic_text(asked: str) -> str:
    return f'No topic is called "{asked}". These are the topics I cover:'


def which_topic_text(match: TopicMatch) -> str:
    names = [topic.name for topic in match.candidates]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    return (
        f'"{match.asked}" could be {listed}. Type more of the name, '
        f"like: topics {match.candidates[0].name.casefold()}"
    )


def topic_reply(question: Question, topics: Sequence[Topic], asked: str) -> SmallTalk | None:
    """The reply to ``topics <asked>``: the topic with every question, or the topics the name
    could mean. A one-word name that fits no topic ("topics parking") gets the listing; None
    for several words that fit none ("topics covered by the covenant"), which are more likely
    a question than a command, so they go to the matcher as one."""
    match = find_topic(topics, one_line(asked, 80))
    if match.topic is not None:
        return SmallTalk(
            question,
            SmallTalkKind.TOPICS,
            topic_heading(match.topic),
            topic=match.topic,
            plain=True,
        )
    if match.candidates:
        return SmallTalk(question, SmallTalkKind.TOPICS, which_topic_text(match), plain=True)
    if len(match.asked.split()) > 1:
        return None
    return SmallTalk(
        question,
        SmallTalkKind.TOPICS,
        no_such_topic_text(match.asked),
        topics=tuple(topics),
        plain=True,
    )
