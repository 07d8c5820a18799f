"""Direct messages and @mentions (answered in a thread)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Say

from bot.adapters.slack.blocks import reply_blocks
from bot.adapters.slack.dedupe import claim_event
from bot.adapters.slack.payloads import question_from_event
from bot.adapters.slack.services import SlackServices


def register(app: App, services: SlackServices) -> None:
    def answer(
        event: dict[str, Any], body: dict[str, Any], say: Say, *, thread: str | None
    ) -> None:
        if not claim_event(services.database, body.get("event_id"), services.clock()):
            return
        with services.assistant.answering(question_from_event(event, body)) as reply:
            text, blocks = reply_blocks(reply, services.store.current.kb)
            say(text=text, blocks=blocks, thread_ts=thread)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], say: Say) -> None:
        answer(event, body, say, thread=event.get("thread_ts") or event.get("ts"))

    @app.event("message")
    def on_direct_message(event: dict[str, Any], body: dict[str, Any], say: Say) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # edits, joins and our own messages are not questions
        answer(event, body, say, thread=event.get("thread_ts"))
