"""``compact-bot serve``: run the assistant as a chat bot, for Slack, Teams or both, from one
server on one port (``bot.server``)."""

from __future__ import annotations

import errno
import gc
import logging
import socket
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from bot.adapters.slack.credentials import check_slack_settings, slack_wanted
from bot.cli.markup import Screen
from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from
from bot.errors import ConfigError
from bot.runtime import build_runtime
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.server import ServedChannel

NOTHING_TO_SERVE = (
    "No chat channel is configured. For Slack set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or "
    "SLACK_APP_TOKEN); for Microsoft Teams set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and "
    "TEAMS_TENANT_ID. See docs/slack.md and docs/teams.md."
)


class Channel(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


def configured_channels(settings: Settings) -> set[Channel]:
    """Every channel with any of its credentials set. One with only some of them set is
    still listed: ``run_server`` then stops start-up with what is missing, before loading
    anything (a service must not start without it and exit 0)."""
    wanted = set()
    if slack_wanted(settings):
        wanted.add(Channel.SLACK)
    if settings.wants_teams():
        wanted.add(Channel.TEAMS)
    return wanted


def serve(
    channel: Annotated[
        Channel | None,
        typer.Argument(help="Serve only this channel. Default: every channel that is configured."),
    ] = None,
    kb: KbOption = None,
    db: DbOption = None,
    host: Annotated[
        str | None, typer.Option(help="HTTP address to listen on (default COMPACT_HOST, 0.0.0.0).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="HTTP port (default COMPACT_PORT, 3000).", min=1, max=65535),
    ] = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Run the chat bot: one HTTP server with Slack's /slack/events, Teams' /api/messages and
    /healthz, for whichever channels are configured. Slack uses Socket Mode instead when
    SLACK_APP_TOKEN is set (no public URL needed); with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET
    it installs into several workspaces at /slack/install."""
    settings = settings_from(kb, db, local_kb)
    wanted = {channel} if channel else configured_channels(settings)
    if not wanted:
        raise ConfigError(NOTHING_TO_SERVE)
    run_server(settings, wanted, host=host or settings.host, port=port or settings.port)


def check_can_listen(host: str, port: int) -> None:
    """Raise ConfigError unless the server could listen on ``host:port`` now: the address
    must be this machine's and the port free (and allowed). Uvicorn would otherwise log a bare
    "[Errno 98]" or "Name or service not known" after everything has loaded, and exit 3."""
    fix = "Set --host and --port (or COMPACT_HOST and COMPACT_PORT)"
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {host!r} is not an address ({reason}). {fix}; "
            "0.0.0.0 listens on every address of this machine."
        ) from None
    family, kind, protocol, _, address = found[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn's own socket
        try:
            probe.bind(address)
        except OSError as exc:
            busy = " (another program, or another copy of the assistant, is using it)"
            why = (exc.strerror or str(exc)) + (busy if exc.errno == errno.EADDRINUSE else "")
            raise ConfigError(f"Cannot listen on {host}:{port}: {why}. {fix}.") from None


def run_server(settings: Settings, wanted: set[Channel], *, host: str, port: int) -> None:
    from bot.server import build_server

    logging.getLogger().setLevel(settings.log_level)
    # The scheduler says "Running job ..." and "executed successfully" at INFO for every digest
    # and keep-alive run: kept for DEBUG, where someone is looking for them.
    if settings.log_level != "DEBUG":
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    console = Screen(stderr=True)
    if Channel.SLACK in wanted:  # check the whole set before loading anything
        check_slack_settings(settings)
    if Channel.TEAMS in wanted:
        from bot.adapters.teams.credentials import teams_credentials

        teams_credentials(settings)
    if Channel.TEAMS in wanted or (Channel.SLACK in wanted and not settings.slack_app_token):
        check_can_listen(host, port)  # before the minutes of loading, not after
    runtime = build_runtime(settings, write_behind=True)
    served: list[ServedChannel] = []
    socket_mode = None
    if Channel.SLACK in wanted:
        from bot.adapters.slack.app import build_app
        from bot.adapters.slack.scheduler import start_scheduler
        from bot.adapters.slack.server import slack_channel
        from bot.adapters.slack.socket_mode import CheckedSocketModeHandler
        from bot.adapters.slack.wiring import slack_services

        services = slack_services(settings, runtime)
        app = build_app(services, socket_mode=settings.slack_app_token is not None)
        start_scheduler(services, app.client)
        if settings.slack_app_token is not None:
            token = settings.slack_app_token.get_secret_value()
            socket_mode = CheckedSocketModeHandler(app, token, api_url=settings.slack_api_url)
        else:
            served.append(slack_channel(app, services))
    if Channel.TEAMS in wanted:
        from bot.adapters.teams.app import build_teams
        from bot.adapters.teams.schedule import start_teams_schedule

        teams = build_teams(runtime)
        start_teams_schedule(teams.services)
        served.append(teams.channel())
    # The knowledge base, its index and the apps live as long as the process: take them out
    # of the garbage collector's view so full collections stay short (fewer latency spikes).
    gc.freeze()
    if socket_mode is not None:
        console.print("Compact Assistant: connecting to Slack in Socket Mode (Ctrl+C to stop)")
        if not served:
            socket_mode.start()  # type: ignore[no-untyped-call]
            return
        socket_mode.connect()  # type: ignore[no-untyped-call]
    import uvicorn

    for channel in served:
        path = {"slack": "/slack/events", "teams": "/api/messages"}[channel.name]
        console.print(f"Compact Assistant: {channel.name} at http://{host}:{port}{path}")
    console.print(f"Compact Assistant: health at http://{host}:{port}/healthz (Ctrl+C to stop)")
    uvicorn.run(
        build_server(served, store=runtime.store, database=runtime.database),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        access_log=False,  # a reverse proxy logs requests; this keeps the hot path lean
    )
