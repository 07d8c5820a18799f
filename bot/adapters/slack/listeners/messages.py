"""Direct messages and @mentions (answered in a thread)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from bot.adapters.slack.blocks import render
from bot.adapters.slack.dedupe import event_won, is_question_event
from bot.adapters.slack.listeners.tour import answered_as_tour
from bot.adapters.slack.payloads import question_from_event
from bot.chat.reply_views import reply_view
from bot.chat.services import ChatServices


def register(app: App, services: ChatServices) -> None:
    def answer(
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        say: Say,
        *,
        thread: str | None,
    ) -> None:
        # Match while the claim sent by middleware is at the database; reply only if this
        # process won it. The claim is read whatever happens, which frees its connection.
        with services.assistant.foreground.busy():
            try:
                prepared = services.assistant.prepare(question_from_event(event, body))
            finally:
                won = event_won(services.claims, body, context)
            if not won:
                return
            with services.assistant.sending(prepared) as reply:
                text, blocks = render(reply_view(reply, services.store.current.kb))
                say(text=text, blocks=blocks, thread_ts=thread)

    @app.event("app_mention")
    def on_mention(
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        say: Say,
        client: WebClient,
    ) -> None:
        if not answered_as_tour(services, event, body, context, say, client):
            answer(event, body, context, say, thread=event.get("thread_ts") or event.get("ts"))

    @app.event("message")
    def on_direct_message(
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        say: Say,
        client: WebClient,
    ) -> None:
        if not is_question_event(event):  # not edits, joins or our own messages
            return
        if not answered_as_tour(services, event, body, context, say, client):
            answer(event, body, context, say, thread=event.get("thread_ts"))
