"""``compact-bot serve slack``: run the Slack bot (Socket Mode, or HTTP with /healthz)."""

from __future__ import annotations

import gc
import logging
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.options import DbOption, KbOption, LocalKbOption, settings_from

serve_app = typer.Typer(help="Run the assistant as a chat bot.", no_args_is_help=True)


@serve_app.command("slack")
def serve_slack(
    kb: KbOption = None,
    db: DbOption = None,
    host: Annotated[
        str | None, typer.Option(help="HTTP address to listen on (default COMPACT_HOST, 0.0.0.0).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="HTTP port (default COMPACT_PORT, 3000).")
    ] = None,
    local_kb: LocalKbOption = None,
) -> None:
    """Run the Slack bot. Socket Mode when SLACK_APP_TOKEN is set (no public URL needed);
    otherwise an HTTP server with /slack/events, /healthz and, with SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET, /slack/install for several workspaces."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.adapters.slack.app import build_app
    from bot.adapters.slack.scheduler import start_scheduler
    from bot.adapters.slack.server import asgi_app
    from bot.adapters.slack.wiring import slack_services

    logging.getLogger().setLevel(logging.INFO)
    settings = settings_from(kb, db, local_kb)
    services = slack_services(settings)
    socket_mode = settings.slack_app_token is not None
    app = build_app(services, socket_mode=socket_mode)
    start_scheduler(services, app.client)
    # The knowledge base, its index and the app live as long as the process: take them out
    # of the garbage collector's view so full collections stay short (fewer latency spikes).
    gc.freeze()
    console = Console(stderr=True)
    if socket_mode:
        assert settings.slack_app_token is not None
        console.print("Compact Assistant: connecting to Slack in Socket Mode (Ctrl+C to stop)")
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
        return
    import uvicorn

    where = f"{host or settings.host}:{port or settings.port}"
    console.print(
        f"Compact Assistant: Slack events at http://{where}/slack/events, health at /healthz"
    )
    uvicorn.run(
        asgi_app(app, services),
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        access_log=False,  # a reverse proxy logs requests; this keeps the hot path lean
    )
