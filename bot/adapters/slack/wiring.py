"""Put the Slack app's services together from settings."""

from __future__ import annotations

from bot.adapters.slack.champions import ChampionDesk
from bot.adapters.slack.services import SlackServices
from bot.review.themes import ThemeService
from bot.runtime import build_runtime
from bot.settings import Settings


def slack_services(settings: Settings) -> SlackServices:
    runtime = build_runtime(settings, write_behind=True)
    database = runtime.database
    return SlackServices(
        assistant=runtime.assistant,
        store=runtime.store,
        settings=settings,
        database=database,
        champions=ChampionDesk(database, runtime.store.path) if database else None,
        themes=ThemeService(database=database, knowledge=runtime.store) if database else None,
        log=runtime.log,
        induction=runtime.induction,
    )
