"""Check the Slack settings as a set before anything is served, as
``bot.adapters.teams.credentials`` does for Teams: Slack runs one of three ways, and a way
with only some of its credentials set stops start-up naming what is missing, rather than
starting without Slack (or the console, with no terminal) and exiting 0."""

from __future__ import annotations

from bot.errors import ConfigError
from bot.settings import Settings

SLACK_WAYS = (
    "Slack runs in one of three ways: one workspace over HTTP (SLACK_BOT_TOKEN and "
    "SLACK_SIGNING_SECRET), Socket Mode (SLACK_BOT_TOKEN and SLACK_APP_TOKEN), or several "
    "workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET). See "
    "docs/slack.md."
)


def _slack_values(settings: Settings) -> dict[str, bool]:
    """Which Slack credentials are set (an empty value counts as not set)."""

    def present(value: object) -> bool:
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        return bool(str(text or "").strip())

    return {
        "SLACK_BOT_TOKEN": present(settings.slack_bot_token),
        "SLACK_SIGNING_SECRET": present(settings.slack_signing_secret),
        "SLACK_APP_TOKEN": present(settings.slack_app_token),
        "SLACK_CLIENT_ID": present(settings.slack_client_id),
        "SLACK_CLIENT_SECRET": present(settings.slack_client_secret),
    }


def slack_wanted(settings: Settings) -> bool:
    """Whether any Slack credential is set: Slack is then served, or start-up stops with
    what is missing (``check_slack_settings``), never silently skipped."""
    return any(_slack_values(settings).values())


# The ways Slack can run, each with the credentials it needs, in the order build_app picks.
SLACK_SETS = {
    "Socket Mode": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "several workspaces": ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"),
    "one workspace over HTTP": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
}


def check_slack_settings(settings: Settings) -> None:
    """ConfigError naming the Slack credentials that are missing for the way Slack is being
    set up (as the Teams check does), before anything is loaded or contacted."""
    is_set = _slack_values(settings)
    if any(all(is_set[name] for name in names) for names in SLACK_SETS.values()):
        return
    # The way meant: Socket Mode if its own token is set, several workspaces if an OAuth
    # credential is, else one workspace.
    if is_set["SLACK_APP_TOKEN"]:
        way = "Socket Mode"
    elif is_set["SLACK_CLIENT_ID"] or is_set["SLACK_CLIENT_SECRET"]:
        way = "several workspaces"
    else:
        way = "one workspace over HTTP"
    missing = [name for name in SLACK_SETS[way] if not is_set[name]]
    hint = ""
    if way == "one workspace over HTTP" and missing == ["SLACK_SIGNING_SECRET"]:
        hint = (
            " Find it under Basic Information > App Credentials, or set SLACK_APP_TOKEN "
            "(xapp-...) instead to use Socket Mode."
        )
    one = len(missing) == 1
    raise ConfigError(
        f"Slack is half configured: {' and '.join(missing)} {'is' if one else 'are'} not set, "
        f"and Slack for {way} needs {'it' if one else 'them'}.{hint} {SLACK_WAYS}"
    )
