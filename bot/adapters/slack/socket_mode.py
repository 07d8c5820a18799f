"""Socket Mode: Bolt's handler, with the shape check the HTTP endpoints make (``shapes.py``).

An envelope whose payload has a field of a type Slack never sends would fail inside Bolt or a
listener with a stack trace, and, never acknowledged, be sent again. It is acknowledged and
dropped instead, with one log line naming the field.
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.adapters.slack.shapes import reply_origins, shape_problem
from bot.words import one_line

log = logging.getLogger(__name__)


class CheckedSocketModeHandler(SocketModeHandler):
    def __init__(self, app: App, app_token: str, *, api_url: str) -> None:
        super().__init__(app, app_token)
        self.reply_origins = reply_origins(api_url)  # where a response_url may point

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        # slack_sdk has made the payload a dict already (text becomes {"text": ...}).
        problem = shape_problem(req.payload, self.reply_origins)
        if problem is None:
            super().handle(self.client, req)  # ``client`` is this handler's own
            return
        log.warning(  # the problem can quote the payload: a key with a line break, say
            "A Slack Socket Mode envelope (%s) could not be read (%s); acknowledged and dropped",
            one_line(req.type, 40),
            one_line(problem, 200),
        )
        client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
