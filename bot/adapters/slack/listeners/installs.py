"""A workspace removes the app or revokes its tokens: forget its installation and tokens, so
nothing is answered there with a token that no longer belongs to us."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.chat.services import ChatServices

log = logging.getLogger(__name__)


def _where(context: BoltContext) -> str:
    enterprise = f" (enterprise {context.enterprise_id})" if context.enterprise_id else ""
    return f"team {context.team_id}{enterprise}"


def register(app: App, services: ChatServices) -> None:
    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext) -> None:
        store = app.installation_store
        if store is None:
            log.warning(
                "The app was removed from Slack workspace %s: SLACK_BOT_TOKEN no longer works "
                "there. Reinstall the app, or stop this bot.",
                _where(context),
            )
            return
        store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
        log.warning(
            "The app was removed from Slack workspace %s: its installation and tokens are deleted",
            _where(context),
        )

    @app.event("tokens_revoked")
    def on_revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        store = app.installation_store
        if store is None:
            log.warning(
                "Slack workspace %s revoked the app's tokens: SLACK_BOT_TOKEN may no longer "
                "work there.",
                _where(context),
            )
            return
        for user in tokens.get("oauth") or []:
            store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user
            )
        if tokens.get("bot"):
            # The bot token is what this app's installation is for: without it, none is left.
            store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
        log.warning(
            "Slack workspace %s revoked %s of the app's tokens: they are deleted",
            _where(context),
            "all" if tokens.get("bot") else "some",
        )
