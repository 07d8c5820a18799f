"""Keyed hashes for user ids, so the log can count distinct askers without knowing who they are."""

from __future__ import annotations

import hashlib
import hmac

from bot.core.question import Context
from bot.errors import ConfigError

MIN_KEY_LENGTH = 16


class Pseudonymiser:
    def __init__(self, key: str) -> None:
        if len(key) < MIN_KEY_LENGTH:
            # Settings refuses a short COMPACT_PSEUDONYM_KEY first; this catches a key file
            # in the data folder that was edited by hand.
            raise ConfigError(
                f"The pseudonym key must be at least {MIN_KEY_LENGTH} characters long. Set "
                "COMPACT_PSEUDONYM_KEY to a long random value (the same for every process "
                "sharing the database), or delete pseudonym.key in the data folder "
                "(COMPACT_DATA_DIR) to have a new one made."
            )
        self._key = key.encode()

    def hash(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def user(self, context: Context) -> str:
        return self.hash(f"{context.channel}:{context.workspace_id or ''}:{context.user_id}")

    def conversation(self, context: Context) -> str | None:
        if context.conversation_id is None:
            return None
        return self.hash(
            f"{context.channel}:{context.workspace_id or ''}#{context.conversation_id}"
        )
