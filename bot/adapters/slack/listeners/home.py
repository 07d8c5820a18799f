"""App Home: a welcome, the topics, the tour, and (for the review group) the open gaps."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.slack.payloads import context_of
from bot.adapters.slack.views import home_view
from bot.chat.services import ChatServices
from bot.chat.tour import home_progress
from bot.core.throttled_log import ThrottledLog
from bot.errors import CompactError, DatabaseUnavailable
from bot.review.themes import ThemeSummary

log = logging.getLogger(__name__)
# Every reviewer opening App Home while the database is away fails the same way: one line now
# and then, not a traceback each time.
failures = ThrottledLog(log)


def register(app: App, services: ChatServices) -> None:
    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        user = event.get("user")
        themes: list[ThemeSummary] | None = None
        gaps_unavailable = False
        if services.themes is not None and services.is_reviewer(user):
            try:
                services.flush_log()
                services.themes.refresh()
                themes = services.themes.top(limit=5)
            except CompactError as error:
                gaps_unavailable = True
                if not isinstance(error, DatabaseUnavailable):  # said once when it went
                    failures.warning(
                        "home-themes", "could not load the open themes for App Home: %s", error
                    )
        tour = home_progress(services, context_of(body, user=user, conversation=None))
        view = home_view(services.store.current.kb, themes, tour, gaps_unavailable=gaps_unavailable)
        client.views_publish(user_id=user or "", view=view)
