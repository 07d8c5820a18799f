"""Secrets kept in the database (a chat platform's tokens for each workspace the bot is
installed in) are encrypted with keys from the environment, never stored as they are, so a
dump or a backup of the database hands out nothing usable.

``COMPACT_TOKEN_KEY`` holds one or more Fernet keys, newest first, separated by commas.
Values are encrypted with the first and read with any of them: to rotate, put a new key in
front, restart (stored values are re-encrypted with it at start-up), then drop the old one.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import ConfigError

MAKE_A_KEY = (
    'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


_UNREADABLE = (
    "A stored token cannot be decrypted with COMPACT_TOKEN_KEY: was the key it was encrypted "
    "with removed? Put that key back after the new one, or reinstall the app there."
)


class TokenKeyError(ConfigError):
    """A stored secret cannot be read with the configured keys."""


class TokenCipher:
    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ConfigError(f"COMPACT_TOKEN_KEY is empty. Make a key with: {MAKE_A_KEY}")
        fernets = []
        for number, part in enumerate(parts, start=1):
            try:
                fernets.append(Fernet(part))
            except ValueError as exc:
                raise ConfigError(
                    f"COMPACT_TOKEN_KEY: key {number} of {len(parts)} is not a Fernet key "
                    f"(32 url-safe base64-encoded bytes). Make one with: {MAKE_A_KEY}"
                ) from exc
        self._newest = fernets[0]
        self._all = MultiFernet(fernets)

    def seal(self, value: str | None) -> str | None:
        """``value`` encrypted with the newest key; a value already sealed is left as it is."""
        if value is None or self.is_sealed(value):
            return value
        return self._newest.encrypt(value.encode()).decode()

    def unseal(self, value: str | None) -> str | None:
        """The secret a sealed value holds. A value that is not a Fernet token is taken to be
        one stored before encryption (see ``needs_sealing``) and returned as it is."""
        if value is None or not _looks_sealed(value):
            return value
        try:
            return self._all.decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise TokenKeyError(_UNREADABLE) from exc

    def is_sealed(self, value: str) -> bool:
        if not _looks_sealed(value):
            return False
        try:
            self._all.decrypt(value.encode())
        except InvalidToken:
            return False
        return True

    def needs_sealing(self, value: str | None) -> bool:
        """Stored as it is (from before encryption), or sealed with a key other than the
        newest: ``reseal`` it."""
        if value is None:
            return False
        if not _looks_sealed(value):
            return True
        try:
            self._newest.decrypt(value.encode())
        except InvalidToken:
            return True
        return False

    def reseal(self, value: str) -> str:
        """``value`` sealed with the newest key. Raises TokenKeyError if it is sealed with a
        key that is not configured."""
        if not _looks_sealed(value):
            return self._newest.encrypt(value.encode()).decode()
        try:
            return self._all.rotate(value.encode()).decode()
        except InvalidToken as exc:
            raise TokenKeyError(_UNREADABLE) from exc


def _looks_sealed(value: str) -> bool:
    # Every Fernet token starts with version byte 0x80, "gAAAAA" in base64; no Slack token does.
    return value.startswith("gAAAAA")
