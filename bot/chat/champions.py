"""Ask a Compact Champion, on any channel: the question goes to the Champions' conversation
with an Answer button; a Champion answers in a form; the answer goes back to the asker, the
post shows who answered, and the answer is kept as a draft entry for the review group.

The adapter sends what these functions return: ``escalate`` gives the post for the Champions
and the note for the asker, ``answer`` the message for the asker and the post's new version.
A question already with the Champions (the button clicked twice) is not posted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.chat import wording
from bot.chat.action_values import Action, ActionValue
from bot.chat.champion_desk import ChampionQuestion
from bot.chat.services import ChatServices
from bot.chat.views import (
    Block,
    Button,
    Buttons,
    Emphasis,
    Mention,
    Note,
    Plain,
    View,
    notice,
    paragraph,
)
from bot.core.question import Context
from bot.errors import ReviewActionError
from bot.storage.tables import row_id

SUMMARY_QUESTION = 100  # characters of the question in the post's notification
ALREADY_WITH_CHAMPIONS = (
    "That question is already with the Compact Champions; you'll get their answer here."
)


@dataclass(frozen=True, slots=True)
class Escalation:
    question: ChampionQuestion
    conversation: str  # where the post goes: the Champions' conversation
    post: View
    to_asker: View


@dataclass(frozen=True, slots=True)
class ChampionAnswer:
    question: ChampionQuestion
    to_asker: View
    post: View  # the Champions' post, now answered: replaces the original
    draft: Path


def escalate(services: ChatServices, context: Context, value: ActionValue) -> Escalation | View:
    """Keep the question and make the post for the Champions; a notice for the asker instead
    when no Champions' conversation is set up, or when this question of theirs is already with
    the Champions (a second click on the same button: it is not posted twice)."""
    conversation = services.setup.champions_conversation
    if services.champions is None or not conversation:
        setting = services.setup.champions_setting
        return notice(wording.CHAMPIONS_NOT_SET_UP.format(setting=setting))
    if not value.question.strip():  # not a button we made: nothing to pass on
        return notice(wording.BUTTON_GONE)
    asked = services.champions.ask(
        team_id=context.workspace_id,
        asker=context.user_id,
        question=value.question,
        interaction_id=value.interaction_id,
    )
    if not asked.to_post:
        return notice(ALREADY_WITH_CHAMPIONS)
    question = asked.question
    return Escalation(
        question,
        conversation,
        request_view(question.id, question.question),
        notice(wording.PASSED_TO_CHAMPIONS),
    )


def record_post(
    services: ChatServices, question_id: int, *, conversation: str, message: str
) -> None:
    """Where the post went, so that it can be marked answered later."""
    if services.champions is not None:
        services.champions.posted(question_id, channel=conversation, ts=message)


def question_id(value: object) -> int | None:
    """The Champion question id an Answer button or form carries, or None when the value is
    not one we made (a forged or garbled value is refused, never looked up)."""
    return row_id(value)


def open_for_answer(services: ChatServices, value: str | None) -> ChampionQuestion | View:
    """The question a Champion is about to answer (``value`` is the Answer button's), or a
    notice that it is already answered, or that the button is not one that works."""
    if services.champions is None:
        return notice(wording.NO_DATABASE_FOR_CHAMPIONS)
    number = question_id(value)
    try:
        if number is None:
            raise ReviewActionError(wording.BUTTON_GONE)
        question = services.champions.get(number)
    except ReviewActionError:  # no such question: the log was purged, or the value is made up
        return notice(wording.BUTTON_GONE)
    if question.status == "answered":
        return notice(wording.ALREADY_ANSWERED)
    return question


def answer(
    services: ChatServices, value: str | None, *, champion: str, text: str
) -> ChampionAnswer:
    """Record a Champion's answer to the question ``value`` (the form's) names. Raises
    ReviewActionError (with a message for the Champion) when the answer is empty, the
    question is already answered, or the value names no question."""
    if services.champions is None:
        raise ReviewActionError(wording.NO_DATABASE_FOR_CHAMPIONS)
    number = question_id(value)
    if number is None:
        raise ReviewActionError(wording.BUTTON_GONE)
    question, draft = services.champions.answer(
        number, champion=champion, answer=text, via=services.setup.name
    )
    # The Champion typed the answer: shown as typed (line breaks kept), never as markdown,
    # so that it cannot bold, link or mention anything for the asker.
    typed = "\n".join(line.rstrip() for line in text.strip().splitlines())
    to_asker = paragraph(
        wording.CHAMPION_ANSWERED,
        Plain(question.question, Emphasis.ITALIC),
        ":\n",
        Plain(typed),
    )
    return ChampionAnswer(
        question,
        View(
            f"A Compact Champion answered your question: {' '.join(typed.split())}"[:150],
            (to_asker,),
            notice=True,
        ),
        request_view(question.id, question.question, answered_by=champion),
        draft,
    )


def request_view(question_id: int, question: str, *, answered_by: str | None = None) -> View:
    """The post in the Champions' conversation: the question (never who asked), its status,
    and an Answer button until it is answered."""
    status = (
        Note(paragraph("Status: **Answered** by ", Mention(answered_by)).spans)
        if answered_by
        else Note(paragraph("Status: **Open**: waiting for a Champion").spans)
    )
    blocks: list[Block] = [
        paragraph(wording.CHAMPIONS_HEADING, "\n", Plain(question, Emphasis.QUOTE)),
        status,
    ]
    if not answered_by:
        blocks.append(
            Buttons((Button("Answer", Action.CHAMPION_ANSWER, str(question_id), primary=True),))
        )
    summary = f"A question for the Compact Champions: {question[:SUMMARY_QUESTION]}"
    return View(summary, tuple(blocks))
