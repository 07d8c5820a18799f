"""What a click does, on any channel: feedback, a did-you-mean choice, a related question,
sharing, the topics, and the review group's triage. Each returns the view to show; the adapter
decides where it goes (in place of the message clicked, privately, in the thread)."""

from __future__ import annotations

from bot.chat import wording
from bot.chat.action_values import ActionValue
from bot.chat.reply_views import none_of_these_view, reply_view, shared_view, topics_view
from bot.chat.services import ChatServices
from bot.chat.views import View, notice
from bot.core.question import Context, Question
from bot.core.replies import Answer, NoMatch
from bot.core.wording import feedback_text
from bot.review.themes import ThemeStatus


def feedback(
    services: ChatServices, context: Context, value: ActionValue, *, helpful: bool
) -> View:
    """Helpful or not helpful, recorded against the interaction the answer came from; the
    thanks says so only when it was recorded."""
    recorded = services.assistant.feedback(
        Question(value.question, context),
        value.interaction_id,
        helpful=helpful,
        entry_id=value.entry_id,
    )
    return notice(feedback_text(helpful=helpful, recorded=recorded))


def choose(services: ChatServices, context: Context, value: ActionValue) -> View:
    """An option of a did-you-mean: its answer, and the choice recorded."""
    reply = services.assistant.choose(
        Question(value.question, context), value.entry_id, interaction_id=value.interaction_id
    )
    return reply_view(reply, services.store.current.kb)


def none_of_these(services: ChatServices, context: Context, value: ActionValue) -> View:
    reply = services.assistant.choose(
        Question(value.question, context), None, interaction_id=value.interaction_id
    )
    return none_of_these_view(logged=isinstance(reply, NoMatch) and reply.logged)


def related(services: ChatServices, context: Context, value: ActionValue) -> View:
    """A related question (or one picked from a topic), logged like any other. It opens the
    entry it names, so the national answer a local one replaced can be reached."""
    reply = services.assistant.open_related(Question(value.question, context), value.entry_id)
    return reply_view(reply, services.store.current.kb)


def shared(services: ChatServices, context: Context, value: ActionValue) -> View | None:
    """The answer the person is sharing with the conversation, introduced as theirs; None if
    that answer has left the knowledge base (show ``answer_gone``)."""
    kb = services.store.current.kb
    entry = kb.get(value.entry_id or "")
    if entry is None:
        return None
    answer = Answer(Question(value.question, context), entry, 1.0, related=kb.related_to(entry))
    return shared_view(context.user_id, answer, kb)


def answer_gone() -> View:
    return notice(wording.ANSWER_GONE)


def topics(services: ChatServices) -> View:
    return topics_view(services.store.current.kb.topics())


def triage(services: ChatServices, context: Context, theme_id: str, status: ThemeStatus) -> View:
    """Mark a theme in review or ignored, from the digest's buttons: the review group only."""
    if services.themes is None or not services.is_admin(context.user_id, context.conversation_id):
        return notice(wording.ONLY_REVIEW_GROUP)
    # The note names no one: user ids are kept only as keyed hashes, and notes are shown in
    # the reports, which never show a user identifier.
    theme = services.themes.triage(
        theme_id, status=status, note=f"Set from the digest's buttons in {services.setup.name}"
    )
    return notice(f"Theme {theme.id} is now {theme.status.value.replace('_', ' ')}.")
