"""Put the Teams bot together: settings checked as a set, the SDK built on our routes, the
channel-neutral services, and the listeners. ``channel()`` is what ``bot.server`` serves."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.adapters.teams.champion_replies import ChampionReplies
from bot.adapters.teams.connector import Connector
from bot.adapters.teams.credentials import SKIP_AUTH_WARNING, TeamsCredentials, teams_credentials
from bot.adapters.teams.listeners import register_all
from bot.adapters.teams.references import ConversationReferences
from bot.adapters.teams.routes import StarletteRoutes
from bot.adapters.teams.sdk import build_sdk_app
from bot.adapters.teams.services import TeamsServices
from bot.chat.services import ChannelSetup, ChatServices
from bot.runtime import Runtime
from bot.server import ServedChannel
from bot.storage.pseudonyms import Pseudonymiser

if TYPE_CHECKING:
    from microsoft_teams.api.auth.credentials import TokenProvider
    from microsoft_teams.apps import App

log = logging.getLogger(__name__)

CLAIMS_NAMESPACE = "teams:"


@dataclass(frozen=True)
class TeamsBot:
    sdk: App
    routes: StarletteRoutes
    services: TeamsServices
    credentials: TeamsCredentials

    def channel(self) -> ServedChannel:
        return ServedChannel(
            "teams",
            [self.routes.route()],
            on_start=self.start,
            on_stop=self.stop,
            warnings=[SKIP_AUTH_WARNING] if self.credentials.skip_auth else [],
        )

    async def start(self) -> None:
        """On the server's event loop: the SDK registers its route, and sends from worker
        threads go through this loop."""
        await self.sdk.initialize()
        self.services.connector.attach(asyncio.get_running_loop())

    async def stop(self) -> None:
        await self.sdk.http_client.http.aclose()


def teams_setup(runtime: Runtime) -> ChannelSetup:
    settings = runtime.settings
    return ChannelSetup(
        name="Microsoft Teams",
        admins=settings.teams_admin_ids(),
        champions_conversation=settings.teams_champions_channel,
        review_conversation=settings.teams_review_channel,
        champions_setting="COMPACT_TEAMS_CHAMPIONS_CHANNEL",
        review_setting="COMPACT_TEAMS_REVIEW_CHANNEL",
    )


def build_teams(runtime: Runtime, *, token_provider: TokenProvider | None = None) -> TeamsBot:
    """Raises ConfigError for an incomplete set of Teams settings. ``token_provider``
    replaces the exchange of the client secret for a token (tests give a local one)."""
    settings = runtime.settings
    credentials = teams_credentials(settings)
    routes = StarletteRoutes()
    sdk = build_sdk_app(
        credentials,
        routes=routes,
        service_url=settings.teams_service_url,
        openid_url=settings.teams_openid_url,
        token_provider=token_provider,
    )
    chat = ChatServices.from_runtime(
        runtime, teams_setup(runtime), claims_namespace=CLAIMS_NAMESPACE
    )
    services = TeamsServices(
        chat=chat,
        references=ConversationReferences(
            runtime.database,
            default_service_url=settings.teams_service_url,
            pseudonymiser=Pseudonymiser(settings.resolved_pseudonym_key()),
        ),
        connector=Connector(sdk.api),
        replies=ChampionReplies(runtime.database),
        tenant_id=credentials.tenant_id,
    )
    register_all(sdk, services)
    return TeamsBot(sdk, routes, services, credentials)
