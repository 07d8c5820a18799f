"""The admin commands, on any channel: ``reload`` the knowledge base after an edit, and
``stats`` for the last seven days. Only a channel's admins may use them, or anyone in its
review conversation (see ``ChannelSetup``)."""

from __future__ import annotations

from datetime import timedelta

from bot.chat import wording
from bot.chat.services import ChatServices
from bot.chat.views import Plain, Span, View, notice
from bot.core.question import Context
from bot.errors import KnowledgeBaseError
from bot.review.stats import usage_stats

ADMIN_COMMANDS = frozenset({"reload", "stats"})
MAX_ERRORS_SHOWN = 20
STATS_DAYS = 7


def is_admin_command(text: str) -> bool:
    return text.strip().casefold() in ADMIN_COMMANDS


def run_admin_command(services: ChatServices, text: str, context: Context) -> View:
    """Run ``reload`` or ``stats`` (see ``is_admin_command``) for the person in ``context``."""
    word = text.strip().casefold()
    if word not in ADMIN_COMMANDS:
        raise ValueError(f"{text!r} is not an admin command; check is_admin_command first")
    if not services.is_admin(context.user_id, context.conversation_id):
        return notice(wording.ONLY_ADMINS)
    return reload_knowledge(services) if word == "reload" else stats(services)


def reload_knowledge(services: ChatServices) -> View:
    try:
        loaded = services.store.reload()
    except KnowledgeBaseError as exc:
        spans: list[Span | str] = [
            "**The knowledge base was not reloaded**; the previous one is still answering. "
            "Fix these first:"
        ]
        for problem in exc.problems[:MAX_ERRORS_SHOWN]:
            spans += ["\n• ", Plain(str(problem))]
        more = len(exc.problems) - MAX_ERRORS_SHOWN
        if more > 0:
            spans.append(f"\n…and {more} more.")
        return notice(*spans)
    return notice(
        f"Reloaded the knowledge base: {len(loaded.kb)} entries in {len(loaded.kb.topics())} topics."
    )


def stats(services: ChatServices) -> View:
    if services.database is None:
        return notice(wording.NO_DATABASE_FOR_STATS)
    services.flush_log()
    figures = usage_stats(services.database, since=services.clock() - timedelta(days=STATS_DAYS))
    answered = figures.outcomes.get("answer", 0)
    rate = f"{answered / figures.questions:.0%}" if figures.questions else "-"
    top = ", ".join(f"{entry} ({n})" for entry, n in figures.top_entries) or "none"
    return notice(
        f"**Last {STATS_DAYS} days:** {figures.questions} questions; {rate} answered outright; "
        f"{figures.outcomes.get('clarify', 0)} did-you-means; "
        f"{figures.outcomes.get('no_match', 0)} not answered. "
        f"Marked helpful {figures.helpful}, not helpful {figures.not_helpful}. Most asked: ",
        Plain(top),
        ".",
    )
