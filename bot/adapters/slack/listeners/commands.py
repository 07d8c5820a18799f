"""``/compact``: a question, or help, topics, tour, and the admin commands reload and stats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import reply_blocks, section, topics_block
from bot.adapters.slack.listeners.tour import tour_command_reply
from bot.adapters.slack.mrkdwn import escape
from bot.adapters.slack.payloads import context_of
from bot.adapters.slack.services import SlackServices
from bot.core.question import Question
from bot.errors import KnowledgeBaseError
from bot.review.stats import usage_stats

MAX_ERRORS_SHOWN = 20


def register(app: App, services: SlackServices) -> None:
    @app.command(ids.COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        text = (command.get("text") or "").strip()
        word = text.casefold()
        user, channel = command.get("user_id"), command.get("channel_id")
        tour = tour_command_reply(services, text, command)
        if tour is not None:
            respond(response_type="ephemeral", text=tour[0], blocks=tour[1])
        elif word == "topics":
            kb = services.store.current.kb
            respond(
                response_type="ephemeral",
                text="Topics",
                blocks=[section("*Topics I cover:*"), topics_block(kb.topics())],
            )
        elif word in {"reload", "stats"}:
            if not services.is_admin(user, channel):
                respond(
                    response_type="ephemeral",
                    text="Only Compact Assistant admins can do that, or anyone in the review channel.",
                )
            elif word == "reload":
                respond(response_type="ephemeral", text=_reload(services))
            else:
                respond(response_type="ephemeral", text=_stats(services))
        else:
            question = Question(
                text or "help", context_of(command, user=user, conversation=channel)
            )
            with services.assistant.answering(question) as reply:
                kb = services.store.current.kb
                reply_text, blocks = reply_blocks(reply, kb, shareable=True)
                respond(response_type="ephemeral", text=reply_text, blocks=blocks)


def _reload(services: SlackServices) -> str:
    try:
        loaded = services.store.reload()
    except KnowledgeBaseError as exc:
        problems = "\n".join(f"• {escape(str(p))}" for p in exc.problems[:MAX_ERRORS_SHOWN])
        more = len(exc.problems) - MAX_ERRORS_SHOWN
        extra = f"\n…and {more} more." if more > 0 else ""
        return f"*The knowledge base was not reloaded*; the previous one is still answering. Fix these first:\n{problems}{extra}"
    return f"Reloaded the knowledge base: {len(loaded.kb)} entries in {len(loaded.kb.topics())} topics."


def _stats(services: SlackServices) -> str:
    if services.database is None:
        return "No database is connected, so there are no figures."
    services.flush_log()
    stats = usage_stats(services.database, since=services.clock() - timedelta(days=7))
    answered = stats.outcomes.get("answer", 0)
    rate = f"{answered / stats.questions:.0%}" if stats.questions else "-"
    top = ", ".join(f"{entry} ({n})" for entry, n in stats.top_entries) or "none"
    return (
        f"*Last 7 days:* {stats.questions} questions; {rate} answered outright; "
        f"{stats.outcomes.get('clarify', 0)} did-you-means; {stats.outcomes.get('no_match', 0)} not answered. "
        f"Marked helpful {stats.helpful}, not helpful {stats.not_helpful}. Most asked: {top}."
    )
