"""Check the Teams settings as a set before anything is served.

Azure creates only single-tenant bots (since July 2025), so serving Teams needs the app id,
its secret and the tenant, all three. Authentication can be turned off for local development
(``COMPACT_TEAMS_SKIP_AUTH=true``), but never while a client secret is configured: with
authentication off, anyone could name a ``serviceUrl`` and the bot would send its token there.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import ConfigError
from bot.settings import Settings

SKIP_AUTH_WARNING = (
    "Teams authentication is OFF (COMPACT_TEAMS_SKIP_AUTH=true): anyone who can reach "
    "/api/messages can talk to the bot as any user. Use this only for local development."
)


@dataclass(frozen=True, slots=True)
class TeamsCredentials:
    client_id: str | None
    client_secret: str | None = None
    tenant_id: str | None = None
    skip_auth: bool = False


def teams_credentials(settings: Settings) -> TeamsCredentials:
    """The complete set, or ConfigError naming what is missing and how to fix it."""
    client_id = (settings.teams_client_id or "").strip() or None
    secret = settings.teams_client_secret.get_secret_value() if settings.teams_client_secret else ""
    tenant_id = (settings.teams_tenant_id or "").strip() or None
    if settings.teams_skip_auth:
        if secret:
            raise ConfigError(
                "COMPACT_TEAMS_SKIP_AUTH=true is refused while TEAMS_CLIENT_SECRET is set: without "
                "authentication the bot would send its token to any serviceUrl a caller names. "
                "Unset one of them."
            )
        return TeamsCredentials(client_id, None, tenant_id, skip_auth=True)
    missing = [
        name
        for name, value in (
            ("TEAMS_CLIENT_ID", client_id),
            ("TEAMS_CLIENT_SECRET", secret),
            ("TEAMS_TENANT_ID", tenant_id),
        )
        if not value
    ]
    if missing:
        state = "not configured" if len(missing) == 3 else "half configured"
        raise ConfigError(
            f"Teams is {state}: {', '.join(missing[:-1])}{' and ' if len(missing) > 1 else ''}"
            f"{missing[-1]} {'is' if len(missing) == 1 else 'are'} not set. Serving Teams needs the Azure bot's "
            "app id (TEAMS_CLIENT_ID), a client secret (TEAMS_CLIENT_SECRET) and the tenant id "
            "(TEAMS_TENANT_ID; Azure bots are single-tenant). See docs/teams.md."
        )
    return TeamsCredentials(client_id, secret, tenant_id)
