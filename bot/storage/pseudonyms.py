"""Keyed hashes for user ids, so the log can count distinct askers without knowing who they are."""

from __future__ import annotations

import hashlib
import hmac

from bot.core.question import Context


class Pseudonymiser:
    def __init__(self, key: str) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must be at least 16 characters long")
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
