"""Whether a signed Slack payload has the shape Slack sends: the fields Bolt and the listeners
read are the types Slack documents.

Slack never sends ``"event": "..."`` or a number for a user id, but a request signed with a
leaked or test secret can. Bolt, and the listeners after it, would fail on such a payload with
a stack trace (an AttributeError in Bolt's context building, a TypeError in a listener, a 500).
The server checks the shape first and refuses the request with one log line naming the field.

The shapes are pydantic models in strict mode (no "12" read as 12, nor 12 as "12"). Only the
fields somebody reads are declared; anything else Slack adds is allowed and left alone.
``None`` (JSON null) is accepted wherever a field may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

Text = StrictStr | None


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Message(_Shape):
    type: Text = None
    subtype: Text = None
    user: Text = None
    text: Text = None
    ts: Text = None
    thread_ts: Text = None
    bot_id: Text = None
    team: Text = None


class _IdObject(_Shape):
    id: Text = None
    team_id: Text = None
    name: Text = None
    domain: Text = None
    enterprise_id: Text = None


class _Authorization(_Shape):
    team_id: Text = None
    user_id: Text = None
    enterprise_id: Text = None


class _Action(_Shape):
    action_id: Text = None
    block_id: Text = None
    value: Text = None
    type: Text = None
    action_ts: Text = None


class _Input(_Shape):
    type: Text = None
    value: Text = None


class _State(_Shape):
    values: dict[str, dict[str, _Input]] | None = None


class _Tokens(_Shape):
    oauth: list[StrictStr] | None = None
    bot: list[StrictStr] | None = None


class _Event(_Message):
    type: StrictStr  # the one field every event has
    channel: Text = None
    event_ts: Text = None
    user_team: Text = None
    channel_type: Text = None
    client_msg_id: Text = None
    tab: Text = None
    message: _Message | None = None
    previous_message: _Message | None = None
    tokens: _Tokens | None = None


class _Container(_Shape):
    type: Text = None
    channel_id: Text = None
    message_ts: Text = None
    thread_ts: Text = None


class _ResponseUrl(_Shape):
    response_url: Text = None
    block_id: Text = None
    action_id: Text = None
    channel_id: Text = None


class _View(_Shape):
    id: Text = None
    team_id: Text = None
    type: Text = None
    callback_id: Text = None
    private_metadata: Text = None
    app_installed_team_id: Text = None
    hash: Text = None
    state: _State | None = None


class _Envelope(_Shape):
    """What every kind of payload the app is sent (events, slash commands, clicks, shortcuts,
    modal submissions) shares; each kind uses some of its fields."""

    type: Text = None
    token: Text = None
    team_id: Text = None
    api_app_id: Text = None
    enterprise_id: Text = None
    event_id: Text = None
    event_context: Text = None
    user_id: Text = None
    user_name: Text = None
    channel_id: Text = None
    channel_name: Text = None
    team_domain: Text = None
    command: Text = None
    text: Text = None
    trigger_id: Text = None
    response_url: Text = None
    callback_id: Text = None
    action_ts: Text = None
    message_ts: Text = None
    challenge: Text = None
    event_time: StrictInt | None = None
    event: _Event | None = None
    authorizations: list[_Authorization] | None = None
    user: _IdObject | None = None
    team: _IdObject | None = None
    channel: _IdObject | None = None
    enterprise: _IdObject | None = None
    container: _Container | None = None
    message: _Message | None = None
    actions: list[_Action] | None = None
    response_urls: list[_ResponseUrl] | None = None
    state: _State | None = None
    view: _View | None = None


_WEB = ("https://", "http://")
SLACK_HOOKS = "https://hooks.slack.com"


def reply_origins(api_url: str) -> frozenset[str]:
    """Where a payload's ``response_url`` may point: Slack's own ``https://hooks.slack.com``,
    and for a Slack reached at another address (``SLACK_API_URL``: GovSlack, a proxy, the
    tests' fake) that address's origin and its ``hooks.`` host."""
    api = urlsplit(api_url)
    origins = {SLACK_HOOKS, f"{api.scheme}://{api.netloc}".casefold()}
    if api.hostname:
        origins.add(f"{api.scheme}://hooks.{api.netloc}".casefold())
    return frozenset(origins)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".casefold()


def shape_problem(
    body: Mapping[str, Any], origins: frozenset[str] = frozenset({SLACK_HOOKS})
) -> str | None:
    """What is wrong with the payload's shape, naming the field ("event.text is an object,
    not text"), or None if every field that is read has the type Slack sends. A reply goes
    to the payload's ``response_url``, so it must be one of ``origins`` (``reply_origins``):
    with a leaked signing secret, anyone could otherwise have the assistant post to any
    address its server can reach, inside the council's network included."""
    if body.get("type") == "event_callback" and body.get("event") is None:
        return "event is missing from an event_callback"
    if body.get("command") is not None and not body.get("response_url"):
        return "response_url is missing from a slash command"
    reply_to = body.get("response_url")
    if reply_to == "":
        return "response_url is empty"  # Bolt would post the reply to ""
    if isinstance(reply_to, str) and reply_to and not reply_to.startswith(_WEB):
        return "response_url is not a web address"  # the reply is posted to it
    listed = body.get("response_urls")
    replies = [reply_to]
    if isinstance(listed, list):  # a form's: where its answer may be posted
        replies += [u.get("response_url") for u in listed if isinstance(u, dict)]
    for url in replies:
        if isinstance(url, str) and url.startswith(_WEB) and _origin(url) not in origins:
            return f"response_url is not Slack's ({_origin(url)})"
    event = body.get("event")
    if isinstance(event, dict) and event.get("type") in _IN_A_CHANNEL and not event.get("channel"):
        return f"event.channel is missing from the {event['type']} event"  # the reply goes there
    missing = _missing_for_bolt(body)
    if missing is not None:
        return missing
    try:
        _Envelope.model_validate(body)
    except ValidationError as exc:
        return _described(exc.errors(include_url=False)[0])
    return None


def _missing_for_bolt(body: Mapping[str, Any]) -> str | None:
    """A field Slack always sends with this kind of payload, and that Bolt reads without
    looking (``body["actions"][0]``, ``body["view"]["type"]``): without it, Bolt raises
    while choosing a listener, and the request is a 500 with a stack trace."""
    kind = body.get("type")
    clicked = kind == "block_actions" and "actions" in body
    if clicked or (kind == "interactive_message" and "callback_id" in body):
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return f"actions is empty in a {kind} payload"
        for number, action in enumerate(actions):
            if kind == "block_actions" and isinstance(action, dict) and "action_id" not in action:
                return f"actions[{number}].action_id is missing"
    if clicked and body.get("view") is None and not body.get("response_url"):
        # A click on a message always comes with where to answer it (App Home's and a
        # modal's come with the view instead).
        return "response_url is missing from a click on a message"
    view = body.get("view")
    if kind == "view_submission" and "view" in body and not isinstance(view, dict):
        return "view is missing from a view_submission"
    if kind == "view_submission" and isinstance(view, dict) and "callback_id" in view:
        if "type" not in view:
            return "view.type is missing from a view_submission"
        if view["type"] == "workflow_step" and "workflow_step" not in body:
            return "workflow_step is missing from a workflow step's view_submission"
    if kind == "workflow_step_edit" and "callback_id" in body and "workflow_step" not in body:
        return "workflow_step is missing from a workflow_step_edit"
    return None


# Events the assistant answers in the conversation they name: Slack always names it.
_IN_A_CHANNEL = frozenset({"message", "app_mention"})

# What a pydantic error type says was wanted.
_WANTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _described(error: Mapping[str, Any]) -> str:
    path = ".".join(
        f"[{part}]" if isinstance(part, int) else str(part)[:40] for part in error["loc"]
    ).replace(".[", "[")
    if error["type"] == "missing":
        return f"{path} is missing"
    wanted = _WANTED.get(error["type"], "what Slack sends")
    return f"{path or 'the body'} is {_kind(error['input'])}, not {wanted}"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
