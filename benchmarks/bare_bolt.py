"""The baseline for the Slack load benchmark: a Bolt app that acknowledges an @mention and
posts a fixed reply, on the same server stack as the real bot (Starlette + uvicorn)."""

from __future__ import annotations

import os
import sys
from typing import Any

import uvicorn
from slack_bolt import App, BoltRequest, Say
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client)

    @app.event("app_mention")
    def reply(event: dict[str, Any], say: Say) -> None:
        say(text="A fixed reply.", thread_ts=event.get("ts"))

    async def events(request: Request) -> Response:
        bolt = BoltRequest(
            body=(await request.body()).decode(),
            headers={k: [v] for k, v in request.headers.items()},
        )
        result = await run_in_threadpool(app.dispatch, bolt)
        return Response(result.body, status_code=result.status)

    uvicorn.run(
        Starlette(routes=[Route("/slack/events", events, methods=["POST"])]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
    )


if __name__ == "__main__":
    main()
