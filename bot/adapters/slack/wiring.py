"""Put the Slack app's services together from settings."""

from __future__ import annotations

from bot.chat.services import ChannelSetup, ChatServices
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings


def slack_setup(settings: Settings) -> ChannelSetup:
    """Slack's admins, Champions' channel and review channel, by Slack ids."""
    return ChannelSetup(
        name="Slack",
        admins=settings.admin_user_ids(),
        champions_conversation=settings.champions_channel,
        review_conversation=settings.review_channel,
    )


def slack_services(settings: Settings, runtime: Runtime | None = None) -> ChatServices:
    """Slack's services, on ``runtime`` when another channel already built one."""
    runtime = runtime or build_runtime(settings, write_behind=True)
    return ChatServices.from_runtime(runtime, slack_setup(settings))
