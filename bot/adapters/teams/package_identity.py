"""What makes one organisation's Teams app its own: the bot id, the app id and version, the
domains, and who publishes it. Read from the settings, checked, and explained when wrong.

Free of the Teams SDK on purpose: building the package must not pay its import time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.settings import Settings

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?:\*\.)?(?:{_LABEL}\.)+[a-z]{{2,63}}$")
# Seeds the default app id, so one bot registration always yields the same Teams app.
_APP_ID_NAMESPACE = uuid.UUID("6f1d2c1e-4a0b-5c8e-9d3f-2b7a1e0c4d5f")
# Where each GUID comes from, said when one is malformed. The bot id is Azure's; the app id
# is the Teams app's own (the manifest's "id"), which no Azure page shows.
BOT_ID_HELP = (
    "It is the Microsoft App ID of your Azure bot: copy it from the Azure portal (your Azure "
    "Bot > Settings > Configuration)."
)
APP_ID_HELP = (
    "It is the Teams app's own id (the manifest's id, which Teams shows as the app's external "
    "app ID), not an Azure value. Leave it unset for one derived from the bot id, the same "
    "every time; to keep an app already uploaded, give the external app ID the Teams admin "
    "centre shows for it (Teams apps > Manage apps); for a new one, run: "
    'python -c "import uuid; print(uuid.uuid4())"'
)
_DEVELOPER_NAME_LIMIT = 32  # the manifest schema's limit
_MAX_DOMAINS = 100


@dataclass(frozen=True, slots=True)
class AppIdentity:
    """The values the manifest takes from configuration, each already checked."""

    bot_id: str
    app_id: str
    version: str
    domains: tuple[str, ...]
    developer_name: str
    website_url: str
    privacy_url: str
    terms_url: str
    defaulted: tuple[str, ...]  # settings left to their defaults that an admin should review

    @classmethod
    def from_settings(cls, settings: Settings, app_version: str | None = None) -> AppIdentity:
        bot_id = _bot_id(settings.teams_client_id)
        domains = _domains(settings.teams_domain)
        defaulted = []
        if settings.teams_app_id:
            app_id = _guid(settings.teams_app_id, "COMPACT_TEAMS_APP_ID (or --app-id)", APP_ID_HELP)
        else:
            app_id = str(uuid.uuid5(_APP_ID_NAMESPACE, bot_id.lower()))
        website = _url(settings.teams_website_url or _website_from(domains), "WEBSITE")
        privacy = _url(settings.teams_privacy_url or website, "PRIVACY")
        terms = _url(settings.teams_terms_url or website, "TERMS")
        if not settings.teams_privacy_url:
            defaulted.append("COMPACT_TEAMS_PRIVACY_URL")
        if not settings.teams_terms_url:
            defaulted.append("COMPACT_TEAMS_TERMS_URL")
        return cls(
            bot_id=bot_id,
            app_id=app_id,
            version=_version(app_version),
            domains=domains,
            developer_name=_developer_name(settings.teams_developer_name),
            website_url=website,
            privacy_url=privacy,
            terms_url=terms,
            defaulted=tuple(defaulted),
        )


def _bot_id(value: str | None) -> str:
    if not value or not value.strip():
        raise ConfigError(
            "TEAMS_CLIENT_ID is not set. Set it to the Microsoft App ID of your Azure bot "
            "(Azure portal > your Azure Bot > Settings > Configuration; a GUID like "
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), in the environment or in .env. "
            "See docs/teams.md."
        )
    return _guid(value, "TEAMS_CLIENT_ID", BOT_ID_HELP)


def _guid(value: str, variable: str, help_text: str) -> str:
    value = value.strip()
    if not _GUID.match(value):
        raise ConfigError(
            f"{variable} must be a GUID like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx "
            f"(got {value!r}). {help_text}"
        )
    return value


def _domains(value: str) -> tuple[str, ...]:
    """Comma-separated host names; a pasted URL is reduced to its host."""
    found: list[str] = []
    for raw in value.split(","):
        text = raw.strip()
        if not text:
            continue
        host = (urlsplit(text).hostname or "") if "://" in text else text.lower().rstrip(".")
        if not _DOMAIN.match(host):
            raise ConfigError(
                f"COMPACT_TEAMS_DOMAIN (or --domain) has {text!r}, which is not a host name. "
                "Give the public host name the bot is reached at, such as "
                "compact-bot.example.gov.uk (no https://, path or port); "
                "several may be separated by commas."
            )
        if host not in found:
            found.append(host)
    if len(found) > _MAX_DOMAINS:
        raise ConfigError(
            f"COMPACT_TEAMS_DOMAIN lists {len(found)} domains; Teams accepts at most {_MAX_DOMAINS}."
        )
    return tuple(found)


def _website_from(domains: tuple[str, ...]) -> str:
    plain = [d for d in domains if not d.startswith("*.")]
    if domains and not plain:
        raise ConfigError(
            f"COMPACT_TEAMS_DOMAIN (or --domain) gives only wildcard domains "
            f"({', '.join(domains)}), which cannot be the app's website link. Add the bot's "
            "own host name (e.g. --domain compact-bot.example.gov.uk), or set "
            "COMPACT_TEAMS_WEBSITE_URL (or --website-url)."
        )
    if not plain:
        raise ConfigError(
            "Teams needs a website, privacy and terms-of-use link for the app. Set "
            "COMPACT_TEAMS_DOMAIN (or --domain) to the bot's public host name, which also "
            "gives the default links, or set COMPACT_TEAMS_WEBSITE_URL (or --website-url)."
        )
    return f"https://{plain[0]}/"


def _url(value: str, which: str) -> str:
    """An https:// address; ``which`` is WEBSITE, PRIVACY or TERMS, naming the setting."""
    value = value.strip()
    parts = urlsplit(value)
    # A space or a line break inside is a paste gone wrong ("https://x.org/ privacy"):
    # Teams would show a link that does not work.
    spaced = any(c.isspace() or not c.isprintable() for c in value)
    if parts.scheme.lower() != "https" or not parts.hostname or len(value) > 2048 or spaced:
        option = {"WEBSITE": "--website-url", "PRIVACY": "--privacy-url", "TERMS": "--terms-url"}
        raise ConfigError(
            f"COMPACT_TEAMS_{which}_URL (or {option[which]}) must be an https:// address "
            f"of at most 2048 characters, without spaces (got {value!r})."
        )
    return value


def _developer_name(value: str) -> str:
    value = value.strip()
    if not value or len(value) > _DEVELOPER_NAME_LIMIT:
        raise ConfigError(
            f"COMPACT_TEAMS_DEVELOPER_NAME (or --developer-name) must be 1 to "
            f"{_DEVELOPER_NAME_LIMIT} characters, such as your organisation's name "
            f"(got {value!r}, {len(value)} characters)."
        )
    return value


def _version(value: str | None) -> str:
    if value is not None:
        if not _SEMVER.match(value.strip()):
            raise ConfigError(
                f"--app-version must be three numbers like 1.2.0 (got {value!r}). Teams "
                "replaces an uploaded app only with a higher version."
            )
        return value.strip()
    try:
        installed = version("compact-assistant")
    except PackageNotFoundError:  # running from a bare checkout
        installed = "0.0.0"
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", installed)
    return ".".join(str(int(part)) for part in match.groups()) if match else "0.0.0"
