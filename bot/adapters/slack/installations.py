"""Where each workspace's installation is kept, for multi-workspace OAuth: slack-sdk's
SQLAlchemy store, with every token encrypted at rest (``bot.storage.token_cipher``), and read
within the database budget, so that a hung database never holds up an acknowledgement: the
last installation read for a workspace answers for it meanwhile."""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, select, update

from bot.core.throttled_log import ThrottledLog
from bot.errors import DatabaseError
from bot.storage.deferred import Deferred
from bot.storage.token_cipher import TokenCipher, TokenKeyError

log = logging.getLogger(__name__)
_failures = ThrottledLog(log)  # one line now and then while the database is away

SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                 "incoming_webhook_url")  # fmt: skip
_Key = tuple[str | None, str | None, str | None]  # enterprise, team, user


class SealedInstallationStore(SQLAlchemyInstallationStore):
    def __init__(
        self, *, client_id: str, engine: Engine, cipher: TokenCipher, budget_s: float
    ) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.cipher = cipher
        self.budget_s = budget_s
        self._last_read: dict[tuple[str, _Key], Any] = {}
        self._lock = threading.Lock()
        self._reading = threading.local()  # a read in progress on this thread

    def save(self, installation: Installation) -> None:
        super().save(self._sealed(installation))  # it saves the bot through save_bot

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._sealed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self._within_budget(
            ("bot", (enterprise_id, team_id, None)),
            lambda: super(SealedInstallationStore, self).find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )
        bot: Bot | None = self._readable(found, team_id)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self._within_budget(
            ("installation", (enterprise_id, team_id, user_id)),
            lambda: super(SealedInstallationStore, self).find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )
        installation: Installation | None = self._readable(found, team_id)
        return installation

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget(enterprise_id, team_id)
        super().delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self._forget(enterprise_id, team_id)
        super().delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def seal_stored_tokens(self) -> int:
        """Encrypt tokens stored before encryption, and re-encrypt those sealed with an older
        key under the newest; returns how many rows changed."""
        changed = 0
        with self.engine.begin() as connection:
            for table in (self.installations, self.bots):
                columns = [table.c[name] for name in SECRET_FIELDS if name in table.c]
                rows = connection.execute(select(table.c.id, table.c.team_id, *columns))
                for row in rows.mappings():
                    try:
                        values = {
                            column.name: self.cipher.reseal(row[column.name])
                            for column in columns
                            if self.cipher.needs_sealing(row[column.name])
                        }
                    except TokenKeyError as exc:
                        log.error("The Slack installation of team %s: %s", row["team_id"], exc)
                        continue
                    if values:
                        connection.execute(
                            update(table).where(table.c.id == row["id"]).values(**values)
                        )
                        changed += 1
        return changed

    def _within_budget(self, key: tuple[str, _Key], read: Any) -> Any:
        """``read()`` waited for at most the budget; if the database cannot say in time, the
        last value read for this key (None if there was none)."""
        if getattr(self._reading, "active", False):
            return read()  # slack-sdk's find_installation calls find_bot: already bounded

        def bounded_read() -> Any:
            self._reading.active = True
            try:
                return read()
            finally:
                self._reading.active = False

        try:
            found = Deferred.run(bounded_read, self.budget_s)
        except DatabaseError as exc:
            with self._lock:
                kept = self._last_read.get(key)
            _failures.warning(
                "installation",
                "could not read the Slack installation of team %s (%s); %s",
                key[1][1],
                exc,
                "using the one read last" if kept is not None else "none is known",
            )
            return kept
        with self._lock:
            self._last_read[key] = found
        return found

    def _forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        with self._lock:
            for key in [k for k in self._last_read if k[1][:2] == (enterprise_id, team_id)]:
                del self._last_read[key]

    def _readable(self, found: Any, team_id: str | None) -> Any:
        """The installation with its tokens decrypted; None (with the reason logged) if they
        cannot be, so that the workspace is treated as not installed."""
        if found is None:
            return None
        try:
            return self._unsealed(found)
        except TokenKeyError as exc:
            log.error("The Slack installation of team %s cannot be used: %s", team_id, exc)
            return None

    def _sealed(self, value: Any) -> Any:
        return _with_fields(value, self.cipher.seal)

    def _unsealed(self, value: Any) -> Any:
        return _with_fields(value, self.cipher.unseal)


def _with_fields(value: Any, change: Any) -> Any:
    """A copy of an Installation or Bot with each secret field changed."""
    changed = copy.copy(value)
    for name in SECRET_FIELDS:
        if hasattr(changed, name):
            setattr(changed, name, change(getattr(value, name)))
    return changed


class InstalledWorkspaces(InstallationStoreAuthorize):
    """Bolt's authorisation from the installation store, which also says, in one line, which
    workspace an event came from when it has no installation (the app was removed there, or
    never installed)."""

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **actor: Any,
    ) -> AuthorizeResult | None:
        result = super().__call__(
            context=context, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, **actor
        )
        if result is None:
            where = f"team {team_id}" + (f" (enterprise {enterprise_id})" if enterprise_id else "")
            log.warning(
                "Ignored a Slack request from %s: the app has no installation there "
                "(it was removed, or never installed)",
                where,
            )
        return result


class WithoutBoltLine(logging.Filter):
    """Drops one of Bolt's own log lines, by how it starts, where ours says it better or it
    says nothing an operator can act on."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


# Bolt's line when ``authorize`` finds nothing does not name the workspace;
# ``InstalledWorkspaces`` logs one that does.
BOLTS_NOT_FOUND_LINE = "Although the app should be installed"
