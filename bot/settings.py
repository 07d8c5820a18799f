"""Every setting, declared once with its default, read from the environment or ``.env``."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import shlex
import stat
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_path
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError
from bot.induction.views import LocalContacts
from bot.matching.policy import Thresholds

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
MIN_PSEUDONYM_KEY = 16  # characters; bot.storage.pseudonyms refuses shorter keys
MAKE_A_PSEUDONYM_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


def bundled_folder(name: str) -> Path:
    """A top-level folder shipped with the assistant (``knowledge``, ``teams_app``): the
    repository's own when running from a checkout, else the copy that pyproject.toml packs
    into the wheel as ``bot/bundled_<name>``."""
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / f"bundled_{name}"


def bundled_knowledge() -> Path:
    """The knowledge base shipped with the assistant."""
    return bundled_folder("knowledge")


# Chosen with benchmarks/semantic_trial.py across three sets (the evaluation set, StackFAQ,
# leave-alternates-out), each held at answer precision >= 0.98, together with the agreement
# rule (bot.matching.semantic.Agreement) and with the fused top hit judged by the lexical
# rules, as the assistant does; see docs/benchmarks.md, "Semantic". The fused score needs no
# separate subject thresholds.
SEMANTIC_THRESHOLDS = {
    "answer_threshold": 0.71,
    "margin": 0.125,
    "subject_answer_threshold": 0.71,
    "subject_margin": 0.125,
    "clarify_threshold": 0.45,
}


def _env(name: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(name, f"COMPACT_{name}"))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def digest_time(spec: str) -> tuple[str, int, int]:
    """'mon 09:00' (any day name that starts with its three letters, any case) as the day's
    three letters, the hour and the minute; ValueError saying what it must look like."""
    parts = spec.split()
    clock = parts[1].split(":") if len(parts) == 2 else []
    day = parts[0].casefold()[:3] if parts else ""
    if (
        len(clock) == 2
        and day in WEEKDAYS
        and all(part.isdecimal() and len(part) <= 2 for part in clock)
        and int(clock[0]) < 24
        and int(clock[1]) < 60
    ):
        return day, int(clock[0]), int(clock[1])
    raise ValueError(
        "must be a day and a 24-hour time, like 'mon 09:00' or 'friday 16:30' (server time)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COMPACT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default_factory=lambda: user_data_path("compact-bot", appauthor=False))
    kb: Path | None = None
    # The council's own local Compact entries, over the national ones (knowledge/README.md).
    local_kb: Path | None = None
    # Shown in answers: "Your local Compact (NAME)", a link to it, and who the Compact
    # Champions or Compact lead are and how to reach them (free text).
    local_compact_name: str = Field(default="", max_length=120)
    local_compact_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    champions_contact: str = Field(default="", max_length=600)
    database_url: str | None = _env("DATABASE_URL")

    matcher: Literal["lexical", "semantic"] = "lexical"  # semantic needs the extra
    # The semantic matcher's sentence-transformers model: a model name (already in the
    # Hugging Face cache) or a local folder; empty for the packaged all-MiniLM-L6-v2.
    semantic_model: str = Field(default="", max_length=500)
    answer_threshold: float = Field(default=Thresholds.answer, gt=0, le=1)
    clarify_threshold: float = Field(default=Thresholds.clarify, gt=0, le=1)
    margin: float = Field(default=Thresholds.margin, ge=0, lt=1)
    subject_answer_threshold: float = Field(default=Thresholds.subject_answer, gt=0, le=1)
    subject_margin: float = Field(default=Thresholds.subject_margin, ge=0, lt=1)

    # The longest an answer waits for the database (connecting, logging, claiming a Slack
    # event). Past it the answer goes on without; see Availability in bot/storage.
    db_budget_ms: int = Field(default=500, ge=10, le=60_000)

    pseudonym_key: SecretStr | None = None
    # At most 100 years, the longest period the review tools take: beyond it, "now minus the
    # retention" is before the first year a date can hold, and db purge could not run.
    retention_days: int = Field(default=365, ge=1, le=36_500)
    # How much the chat server logs (compact-bot serve, or run.py with credentials).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    slack_bot_token: SecretStr | None = _env("SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = _env("SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = _env("SLACK_APP_TOKEN")
    slack_client_id: str | None = _env("SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = _env("SLACK_CLIENT_SECRET")
    # The Web API base URL: tests point it at a local fake; some councils use a proxy.
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "COMPACT_SLACK_API_URL"),
    )
    # Fernet keys, newest first, comma-separated: Slack workspaces' tokens are stored with them.
    token_key: SecretStr | None = None
    champions_channel: str | None = None  # channel id where "Ask a Compact Champion" posts
    review_channel: str | None = None  # channel id for the weekly digest and admin commands
    admin_users: str = ""  # comma-separated Slack user ids allowed /compact reload and stats
    # Microsoft Teams: the Azure bot registration's app id, secret and (single) tenant.
    teams_client_id: str | None = _env("TEAMS_CLIENT_ID")
    teams_client_secret: SecretStr | None = _env("TEAMS_CLIENT_SECRET")
    teams_tenant_id: str | None = _env("TEAMS_TENANT_ID")
    teams_skip_auth: bool = False  # local development only; refused with a client secret
    teams_champions_channel: str | None = None  # Teams channel id (19:...@thread.tacv2)
    teams_review_channel: str | None = None  # Teams channel id for the digest and admin commands
    teams_admin_users: str = ""  # comma-separated Microsoft Entra object ids
    # Where proactive messages go before any activity has told us the tenant's service URL.
    teams_service_url: str = Field(
        default="https://smba.trafficmanager.net/teams/",
        validation_alias=AliasChoices("TEAMS_SERVICE_URL", "COMPACT_TEAMS_SERVICE_URL"),
    )
    # Where the keys that sign Teams' requests are published: tests point it at a local fake.
    teams_openid_url: str = Field(
        default="https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias=AliasChoices("TEAMS_OPENID_URL", "COMPACT_TEAMS_OPENID_URL"),
    )
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    digest_cron: str = "mon 09:00"  # when the weekly digest posts (day and time, server time)

    # The Teams app package (compact-bot teams package); see docs/teams.md.
    teams_domain: str = ""  # the bot's public host name(s), comma-separated: validDomains
    teams_app_id: str | None = None  # the package's own GUID; default derived from the bot id
    teams_developer_name: str = "Compact Assistant"
    teams_website_url: str | None = None  # default https://<first domain>/
    teams_privacy_url: str | None = None  # default: the website URL
    teams_terms_url: str | None = None  # default: the website URL

    @field_validator("digest_cron")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        digest_time(value)  # raises ValueError saying what it must look like
        return value

    @field_validator("local_compact_name", "local_compact_url", "champions_contact")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            raise ValueError("must be plain text, without control characters")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("pseudonym_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        length = len(value.get_secret_value()) if value is not None else MIN_PSEUDONYM_KEY
        if length < MIN_PSEUDONYM_KEY:
            raise ValueError(
                f"must be at least {MIN_PSEUDONYM_KEY} characters long (it has {length}). Set "
                f"it to a long random value, the same for every process that shares the "
                f"database (make one with: {MAKE_A_PSEUDONYM_KEY}), or unset it to use the "
                "key kept in the data folder"
            )
        return value

    @model_validator(mode="after")
    def _check_thresholds(self) -> Settings:
        if self.matcher == "semantic":  # its scores run on another scale: own defaults
            for name, value in SEMANTIC_THRESHOLDS.items():
                if name not in self.model_fields_set:
                    setattr(self, name, value)
        for answer in ("answer_threshold", "subject_answer_threshold"):
            if self.clarify_threshold > getattr(self, answer):
                raise ValueError(
                    f"COMPACT_CLARIFY_THRESHOLD ({self.clarify_threshold}) must not be above "
                    f"COMPACT_{answer.upper()} ({getattr(self, answer)}): a question is offered "
                    "did-you-mean from the first and answered outright from the second. Lower "
                    "the first or raise the second"
                )
        self.thresholds()  # raises ValueError with a clear message
        return self

    def thresholds(self) -> Thresholds:
        return Thresholds(
            answer=self.answer_threshold,
            clarify=self.clarify_threshold,
            margin=self.margin,
            subject_answer=self.subject_answer_threshold,
            subject_margin=self.subject_margin,
        )

    def knowledge_path(self) -> Path:
        return self.kb or bundled_knowledge()

    def answer_settings(self) -> dict[str, str]:
        """The settings answers may show (see bot/knowledge/configured.py), where set."""
        values = {
            "local_compact_name": self.local_compact_name,
            "local_compact_url": self.local_compact_url,
            "champions_contact": self.champions_contact,
        }
        return {name: value.strip() for name, value in values.items() if value.strip()}

    def database(self) -> str:
        """DATABASE_URL, or the default SQLite file in the data folder, which is then made
        (owner-only) if need be. The folder of a file DATABASE_URL names is never made: a
        mistyped path must not become a new, empty log (see bot/storage/database.py)."""
        if self.database_url:
            return self.database_url
        self._make_data_dir("the database", "DATABASE_URL")
        return f"sqlite:///{self.data_dir / 'compact.db'}"

    def db_budget_s(self) -> float:
        return self.db_budget_ms / 1000

    def slack_base_url(self) -> str:
        """The Web API base URL with the trailing slash slack-sdk needs to join method names."""
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    def local_contacts(self) -> LocalContacts:
        return LocalContacts(
            compact_name=self.local_compact_name.strip() or None,
            compact_url=self.local_compact_url.strip() or None,
            champions_contact=self.champions_contact.strip() or None,
        )

    def admin_user_ids(self) -> frozenset[str]:
        return frozenset(u.strip() for u in self.admin_users.split(",") if u.strip())

    def teams_admin_ids(self) -> frozenset[str]:
        return frozenset(u.strip().lower() for u in self.teams_admin_users.split(",") if u.strip())

    def wants_teams(self) -> bool:
        """Any Teams credential, or local development without authentication: serve Teams
        (and stop at start-up if the set is incomplete, see ``bot.adapters.teams.credentials``)."""
        return self.teams_skip_auth or any(
            (self.teams_client_id, self.teams_client_secret, self.teams_tenant_id)
        )

    def check_data_dir(self) -> None:
        """Stop, naming COMPACT_DATA_DIR, when the data folder is needed (for the pseudonym key
        or the default SQLite database) and cannot be made or written to. Called before
        anything else uses the folder, so this is the one thing said, not the build cache's
        warning (the cache is optional) followed by it."""
        if self.pseudonym_key is not None and self.database_url:
            return
        self._make_data_dir(*self._data_dir_use())
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise self._data_dir_error(
                PermissionError(errno.EACCES, "this user cannot write to it")
            )

    def _data_dir_use(self) -> tuple[str, str]:
        """What the data folder is needed for, and the setting that would do instead."""
        if self.pseudonym_key is None:
            return "the pseudonym key", "COMPACT_PSEUDONYM_KEY"
        return "the database", "DATABASE_URL"

    def _make_data_dir(self, needs: str, instead: str) -> None:
        """Make the data folder, readable and writable by this user only, if it is not
        there; warn (once a process) if it is there and others may write to it."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise self._data_dir_error(exc, needs, instead) from None
        warn_if_open_to_others(self.data_dir)

    def _data_dir_error(
        self, exc: OSError, needs: str | None = None, instead: str | None = None
    ) -> ConfigError:
        reason = exc.strerror or str(exc)
        if self.data_dir.is_file():
            reason = "that is a file, not a folder"
        if needs is None or instead is None:
            needs, instead = self._data_dir_use()
        return ConfigError(
            f"Cannot keep {needs} in the data folder {self.data_dir}: {reason}. Set "
            "COMPACT_DATA_DIR to a folder this user can create and write to (or unset it for "
            f"the default), or set {instead}."
        )

    def resolved_pseudonym_key(self) -> str:
        """The configured key, or one generated once and kept in the data folder."""
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value()
        key_file = self.data_dir / "pseudonym.key"
        try:
            if key_file.exists():
                warn_if_open_to_others(self.data_dir)
                return key_file.read_text().strip()
            self._make_data_dir("the pseudonym key", "COMPACT_PSEUDONYM_KEY")
            key = secrets.token_hex(32)
            try:
                descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                return key_file.read_text().strip()
            with os.fdopen(descriptor, "w") as handle:
                handle.write(key + "\n")
        except OSError as exc:
            raise self._data_dir_error(exc) from None
        return key


_WARNED_OPEN: set[Path] = set()


def warn_if_open_to_others(folder: Path) -> bool:
    """Warn, once a process for each folder, when users other than this one may write to
    ``folder`` (group- or world-writable): it holds the pseudonym key, the log and the build
    cache, which is read back as Python objects. True if it warned."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    resolved = folder.resolve()
    if not mode & (stat.S_IWGRP | stat.S_IWOTH) or resolved in _WARNED_OPEN:
        return False
    _WARNED_OPEN.add(resolved)
    log.warning(
        "The data folder %s can be written by other users (mode %s); it holds the pseudonym "
        "key and must be writable by this user only: run chmod 700 %s",
        folder,
        stat.filemode(mode),
        shlex.quote(str(folder)),
    )
    return True


def _is_secret(name: str) -> bool:
    """A setting whose value must never be echoed back, even when it is wrong."""
    field = Settings.model_fields.get(name)
    return field is not None and "SecretStr" in str(field.annotation)


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a bad value raises ConfigError naming the variable and the fix."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except UnicodeDecodeError as exc:  # only the .env file is read as text here
        raise ConfigError(
            f"The settings file .env in {Path.cwd()} is not UTF-8 text (byte {exc.start} is "
            f"{exc.object[exc.start]:#04x}). Save it as UTF-8 (in Notepad: Save as, Encoding "
            "UTF-8) and start again."
        ) from None
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "settings"
            # A check across settings names its variables in its message.
            variable = f"COMPACT_{name.upper()}: " if name != "settings" else ""
            value = error.get("input")
            secret = _is_secret(name)
            shown = "" if isinstance(value, dict) or secret else f" (got {value!r})"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"  {variable}{message}{shown}")
        raise ConfigError("The settings are not valid:\n" + "\n".join(problems)) from exc
