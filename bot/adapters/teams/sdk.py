"""Import and build the Teams SDK (``microsoft-teams-apps``) without its surprises.

- On import it loads a ``.env`` file into the process environment. The import happens here,
  and whatever it added is taken out again: our settings come from ``bot.settings``.
- It falls back to the generic variables ``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID``,
  ``SERVICE_URL``, ``CLOUD`` and others even when ``None`` is passed, and ``CLIENT_ID`` alone
  silently switches it to Azure managed identity. They are hidden while the app is built,
  our ``TEAMS_*`` settings are passed explicitly, and the credentials it ends up with are
  checked.
- Its HTTP client has no timeout: ours has one, and retries (``retries.py``).
- It would run its own FastAPI server on every interface: it is given our Starlette routes
  instead (``routes.py``).

Importing it takes two to three seconds, so only ``serve`` calls this module.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.adapters.teams.credentials import TeamsCredentials
from bot.adapters.teams.retries import ConnectorRetries
from bot.errors import ConfigError

if TYPE_CHECKING:
    from microsoft_teams.api.auth.credentials import TokenProvider
    from microsoft_teams.apps import App, HttpServerAdapter

CONNECTOR_TIMEOUT_S = 15.0
# Every variable the SDK reads by itself, found by reading its source (2.1.x).
SDK_VARIABLES = (
    "CLIENT_ID",
    "CLIENT_SECRET",
    "TENANT_ID",
    "MANAGED_IDENTITY_CLIENT_ID",
    "SERVICE_URL",
    "PORT",
    "CLOUD",
    "OAUTH_URL",
    "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
)


@contextmanager
def sealed_environment() -> Iterator[None]:
    """Hide the SDK's generic variables, and undo anything it adds to the environment."""
    before = set(os.environ)
    hidden = {name: os.environ.pop(name) for name in SDK_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        for name in set(os.environ) - before:
            del os.environ[name]
        os.environ.update(hidden)


def build_sdk_app(
    credentials: TeamsCredentials,
    *,
    routes: HttpServerAdapter,
    service_url: str,
    openid_url: str,
    token_provider: TokenProvider | None = None,
) -> App:
    """The SDK's ``App`` with our credentials, HTTP client and routes. ``token_provider``
    replaces the client-secret exchange with Microsoft Entra (tests give a local one)."""
    with sealed_environment(), warnings.catch_warnings():
        # Importing the SDK announces a preview feature we do not use (HTML widgets) on every
        # start; nothing an operator can act on.
        warnings.filterwarnings("ignore", message=r".* is in preview and may change")
        from microsoft_teams.api import ApiClientSettings, ClientCredentials, TokenCredentials
        from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
        from microsoft_teams.apps import App
        from microsoft_teams.common import Client, ClientOptions

        cloud = with_overrides(PUBLIC, openid_metadata_url=openid_url)
        client = Client(ClientOptions(timeout=CONNECTOR_TIMEOUT_S))
        client.use(ConnectorRetries())
        options: dict[str, Any] = {
            "client": client,
            "http_server_adapter": routes,
            "dangerously_allow_unauthenticated_requests": credentials.skip_auth,
            "service_url": service_url.rstrip("/"),
            "cloud": cloud,
            "api_client_settings": ApiClientSettings(oauth_url=cloud.token_service_url),
            "state": False,
            "fetch_user_token": False,
            "telemetry": {"agent365": False},
        }
        if credentials.client_id and (credentials.client_secret or token_provider):
            options["client_id"] = credentials.client_id
            options["tenant_id"] = credentials.tenant_id
            if token_provider is not None:
                options["token"] = token_provider
            else:
                options["client_secret"] = credentials.client_secret
        app = App(**options)
    expected: tuple[type, ...] = (
        (TokenCredentials if token_provider is not None else ClientCredentials,)
        if "client_id" in options
        else (type(None),)
    )
    if not isinstance(app.credentials, expected) or (
        app.credentials is not None
        and (
            app.credentials.client_id != credentials.client_id
            or app.credentials.tenant_id != credentials.tenant_id
        )
    ):
        raise ConfigError(
            f"The Teams SDK picked up credentials we did not give it "
            f"({type(app.credentials).__name__}); check for stray CLIENT_ID, CLIENT_SECRET or "
            "TENANT_ID settings and use TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID."
        )
    return app
