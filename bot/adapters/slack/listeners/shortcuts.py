"""The message shortcut "Ask the Compact assistant": the message's text is the question."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import render
from bot.adapters.slack.payloads import context_of
from bot.chat.reply_views import reply_view
from bot.chat.services import ChatServices
from bot.core.question import Question


def register(app: App, services: ChatServices) -> None:
    @app.shortcut(ids.SHORTCUT)
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        user = (shortcut.get("user") or {}).get("id")
        channel = (shortcut.get("channel") or {}).get("id")
        message = shortcut.get("message") or {}
        question = Question(
            message.get("text") or "", context_of(shortcut, user=user, conversation=channel)
        )
        with services.assistant.answering(question) as reply:
            text, blocks = render(reply_view(reply, services.store.current.kb))
            client.chat_postEphemeral(
                channel=channel or "",
                user=user or "",
                text=text,
                blocks=blocks,
                thread_ts=message.get("thread_ts"),
            )
