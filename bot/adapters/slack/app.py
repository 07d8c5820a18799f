"""Build the Bolt app for one of three ways of running: Socket Mode, HTTP for one workspace,
or HTTP with multi-workspace OAuth. The listeners are the same in every case."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError, BoltUnhandledRequestError
from slack_bolt.oauth.oauth_flow import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.adapters.slack.dedupe import EventClaims
from bot.adapters.slack.installations import (
    BOLTS_NOT_FOUND_LINE,
    InstalledWorkspaces,
    SealedInstallationStore,
    WithoutBoltLine,
)
from bot.adapters.slack.keepalive import KeepAlive, KeepAliveWebClient
from bot.adapters.slack.listeners import register_all
from bot.chat.services import ChatServices
from bot.errors import ConfigError
from bot.storage.token_cipher import MAKE_A_KEY, TokenCipher
from bot.words import one_line

log = logging.getLogger(__name__)
# Bolt reads SLACK_BOT_TOKEN itself and, given our client (which carries that token), warns on
# every start that the token "will be unused": true, and nothing to act on.
logging.getLogger("slack_bolt.App").addFilter(
    WithoutBoltLine("As you gave `client` as well, `token` will be unused")
)

BOT_SCOPES = ("app_mentions:read", "chat:write", "commands", "im:history", "im:read", "im:write")
OAUTH_STATE_SECONDS = 600


def web_client(services: ChatServices, token: str | None = None) -> WebClient:
    """A Web API client on SLACK_API_URL that keeps its connection open between calls and
    waits and retries when Slack says 429."""
    return KeepAliveWebClient(
        token=token,
        base_url=services.settings.slack_base_url(),
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def build_app(services: ChatServices, *, socket_mode: bool = False) -> App:
    settings = services.settings
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    common: dict[str, Any] = {
        "name": "Compact Assistant",
        # Raised to on_error below, which logs one line, instead of Bolt's warning over several
        # lines with sample code for a listener.
        "raise_error_for_unhandled_request": True,
    }
    if socket_mode:
        if not token:
            raise ConfigError(
                "Socket Mode needs SLACK_BOT_TOKEN (xoxb-...) as well as SLACK_APP_TOKEN."
            )
        with _checking_the_token(settings.slack_base_url()):
            app = App(
                client=web_client(services, token), request_verification_enabled=False, **common
            )
    elif not secret:
        raise ConfigError(
            "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials)."
        )
    elif settings.slack_client_id and settings.slack_client_secret:
        flow = oauth_flow(services)
        app = App(
            signing_secret=secret,
            client=web_client(services),
            oauth_flow=flow,
            # An Authorize instance is Bolt's documented way to customise it with OAuth.
            authorize=InstalledWorkspaces(  # type: ignore[arg-type]
                installation_store=flow.settings.installation_store,
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                logger=logging.getLogger("slack_bolt.InstalledWorkspaces"),
            ),
            **common,
        )
        logging.getLogger("slack_bolt.MultiTeamsAuthorization").addFilter(
            WithoutBoltLine(BOLTS_NOT_FOUND_LINE)
        )
    elif token:
        with _checking_the_token(settings.slack_base_url()):
            app = App(signing_secret=secret, client=web_client(services, token), **common)
    else:
        raise ConfigError(
            "Set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to "
            "install into several workspaces."
        )
    app.use(KeepAlive())
    app.use(EventClaims(services.claims))
    register_all(app, services)

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            # A signed request no listener takes: an event the app does not use, a button
            # from an older version. An event is acknowledged, so Slack does not send it again.
            log.info("Slack %s not handled: no listener acknowledged it", _kind(body))
            return BoltResponse(status=200, body="") if "event" in body else None
        # One place for crashes: log with the traceback; the server keeps running.
        log.error("Slack listener failed (%s)", body.get("type"), exc_info=error)
        return None

    return app


def _kind(body: dict[str, Any]) -> str:
    """What a request is, for a log line: "event reaction_added", "action old-button"."""
    event, actions, view = body.get("event"), body.get("actions"), body.get("view")
    if isinstance(event, dict):
        kind = f"event {event.get('type')}" + (
            f" ({event['subtype']})" if event.get("subtype") else ""
        )
    elif isinstance(actions, list) and actions and isinstance(actions[0], dict):
        kind = f"action {actions[0].get('action_id')}"
    elif isinstance(view, dict):
        kind = f"{body.get('type')} {view.get('callback_id')}"
    elif body.get("command"):
        kind = f"command {body['command']}"
    else:
        kind = f"{body.get('type') or 'request'} {body.get('callback_id') or ''}"
    return one_line(kind, 120)


@contextmanager
def _checking_the_token(api_url: str) -> Iterator[None]:
    """Bolt checks the bot token with Slack (auth.test) while the app is built: a Slack that
    cannot be reached, or that refuses the token, is one ConfigError saying which and what
    to check, not a traceback (nor slack-sdk's own log line about it)."""
    client_log = logging.getLogger("slack_sdk.web.base_client")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    try:
        yield
    except BoltError as exc:  # Slack answered, and refused the token
        raise ConfigError(
            f"Slack at {api_url} refused SLACK_BOT_TOKEN ({_slack_error(exc)}). Check that it "
            "is the app's Bot User OAuth Token (xoxb-...) from OAuth & Permissions, and that the "
            "app is installed in the workspace."
        ) from exc
    except (OSError, SlackClientError) as exc:  # URLError, DNS, refused, timed out, TLS
        raise ConfigError(
            f"Cannot reach Slack at {api_url}: {network_reason(exc)}. Check the network and any proxy "
            "(HTTPS_PROXY), SLACK_API_URL if you set it, and SLACK_BOT_TOKEN."
        ) from exc
    finally:
        client_log.setLevel(level)


def network_reason(exc: BaseException) -> str:
    """Why a request did not get through, in words ("Connection refused"), from the
    URLError or socket error urllib raised."""
    reason: object = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _slack_error(exc: BoltError) -> str:
    """Slack's error code ("invalid_auth") out of Bolt's message, which embeds the response."""
    text = str(exc)
    for code in (
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
    ):
        if code in text:
            return code
    return text


def oauth_flow(services: ChatServices) -> OAuthFlow:
    settings = services.settings
    if services.database is None:
        raise ConfigError("Multi-workspace OAuth needs the database (DATABASE_URL).")
    if not (settings.slack_client_id and settings.slack_client_secret):
        raise ConfigError("Multi-workspace OAuth needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.")
    if settings.token_key is None:
        raise ConfigError(
            "Multi-workspace OAuth keeps each workspace's bot token in the database, encrypted "
            "with COMPACT_TOKEN_KEY, which is not set. Make a key with: "
            f"{MAKE_A_KEY} and set COMPACT_TOKEN_KEY to it, the same on every bot process. "
            "Keep it out of the database's backups."
        )
    engine = services.database.engine
    store = SealedInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        cipher=TokenCipher(settings.token_key.get_secret_value()),
        budget_s=settings.db_budget_s(),
    )
    sealed = store.seal_stored_tokens()
    if sealed:
        log.warning("Encrypted the Slack tokens of %d stored installation rows", sealed)
    return OAuthFlow(
        client=web_client(services),
        settings=OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            installation_store=store,
            state_store=SQLAlchemyOAuthStateStore(
                expiration_seconds=OAUTH_STATE_SECONDS, engine=engine
            ),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        ),
    )
