"""``/compact``: a question, or help, topics, tour, and the admin commands reload and stats."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import message, render
from bot.adapters.slack.payloads import context_of
from bot.chat import clicks, tour
from bot.chat.admin_commands import is_admin_command, run_admin_command
from bot.chat.reply_views import reply_view
from bot.chat.services import ChatServices
from bot.core.question import Question


def register(app: App, services: ChatServices) -> None:
    @app.command(ids.COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        text = (command.get("text") or "").strip()
        word = text.casefold()
        context = context_of(
            command, user=command.get("user_id"), conversation=command.get("channel_id")
        )
        tour_view = tour.typed(services, context, text)
        if tour_view is not None:  # tour, my progress, restart the tour
            respond(response_type="ephemeral", **message(tour_view))
        elif word == "topics":
            respond(response_type="ephemeral", **message(clicks.topics(services)))
        elif is_admin_command(word):
            respond(
                response_type="ephemeral", **message(run_admin_command(services, word, context))
            )
        else:
            with services.assistant.answering(Question(text or "help", context)) as reply:
                reply_text, blocks = render(
                    reply_view(reply, services.store.current.kb, shareable=True)
                )
                respond(response_type="ephemeral", text=reply_text, blocks=blocks)
