"""One ``register(app, services)`` per group of Slack listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.adapters.slack.listeners import (
    actions,
    champions,
    commands,
    home,
    installs,
    messages,
    shortcuts,
    tour,
)
from bot.chat.services import ChatServices


def register_all(app: App, services: ChatServices) -> None:
    for group in (messages, commands, shortcuts, actions, champions, home, tour, installs):
        group.register(app, services)
