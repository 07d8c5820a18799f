"""Whether a signed Slack payload has the shape Slack sends: the fields Bolt and the listeners
read are the types Slack documents.

Slack never sends ``"event": "..."`` or a number for a user id, but a request signed with a
leaked or test secret can. Bolt, and the listeners after it, would fail on such a payload with
a stack trace (an AttributeError in Bolt's context building, a TypeError in a listener, a 500).
The server checks the shape first and refuses the request with one log line naming the field.

Only the fields somebody reads are checked; anything else Slack adds is left alone. ``None``
(JSON null) is accepted wherever a field may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class _Text:
    """A string (ids, timestamps, message text)."""


@dataclass(frozen=True, slots=True)
class _Number:
    """A whole number (``event_time``)."""


@dataclass(frozen=True, slots=True)
class _Object:
    """A JSON object whose named fields have these shapes; ``required`` ones must be present."""

    fields: Mapping[str, _Shape]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _ListOf:
    """A JSON array whose every item has this shape."""

    item: _Shape


@dataclass(frozen=True, slots=True)
class _MapOf:
    """A JSON object keyed by names Slack chooses (a view's block ids), each value this shape."""

    value: _Shape


_Shape: TypeAlias = _Text | _Number | _Object | _ListOf | _MapOf

TEXT = _Text()


def _texts(*names: str, **others: _Shape) -> dict[str, _Shape]:
    return {**dict.fromkeys(names, TEXT), **others}


_MESSAGE = _Object(_texts("type", "subtype", "user", "text", "ts", "thread_ts", "bot_id", "team"))
_ID_OBJECT = _Object(_texts("id", "team_id", "name", "domain", "enterprise_id"))
_AUTHORIZATION = _Object(_texts("team_id", "user_id", "enterprise_id"))
_ACTION = _Object(_texts("action_id", "block_id", "value", "type", "action_ts"))
_STATE = _Object({"values": _MapOf(_MapOf(_Object(_texts("type", "value"))))})
_EVENT = _Object(
    _texts(
        "type",
        "subtype",
        "user",
        "text",
        "channel",
        "ts",
        "thread_ts",
        "event_ts",
        "team",
        "user_team",
        "channel_type",
        "bot_id",
        "client_msg_id",
        "tab",
        message=_MESSAGE,
        previous_message=_MESSAGE,
        tokens=_Object({"oauth": _ListOf(TEXT), "bot": _ListOf(TEXT)}),
    ),
    required=frozenset({"type"}),
)
# Every kind of payload the app is sent (events, slash commands, clicks, shortcuts, modal
# submissions) shares this envelope; each kind uses some of its fields.
_ENVELOPE = _Object(
    _texts(
        "type",
        "token",
        "team_id",
        "api_app_id",
        "enterprise_id",
        "event_id",
        "event_context",
        "user_id",
        "user_name",
        "channel_id",
        "channel_name",
        "team_domain",
        "command",
        "text",
        "trigger_id",
        "response_url",
        "callback_id",
        "action_ts",
        "message_ts",
        "challenge",
        event_time=_Number(),
        event=_EVENT,
        authorizations=_ListOf(_AUTHORIZATION),
        user=_ID_OBJECT,
        team=_ID_OBJECT,
        channel=_ID_OBJECT,
        enterprise=_ID_OBJECT,
        container=_Object(_texts("type", "channel_id", "message_ts", "thread_ts")),
        message=_MESSAGE,
        actions=_ListOf(_ACTION),
        response_urls=_ListOf(
            _Object(_texts("response_url", "block_id", "action_id", "channel_id"))
        ),
        state=_STATE,
        view=_Object(
            _texts(
                "id",
                "team_id",
                "type",
                "callback_id",
                "private_metadata",
                "app_installed_team_id",
                "hash",
                state=_STATE,
            )
        ),
    )
)


def shape_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with the payload's shape, naming the field ("event.text is an object,
    not text"), or None if every field that is read has the type Slack sends."""
    if body.get("type") == "event_callback" and body.get("event") is None:
        return "event is missing from an event_callback"
    if body.get("command") is not None and not body.get("response_url"):
        return "response_url is missing from a slash command"
    return _problem(body, _ENVELOPE, "")


_WANTED = {_Text: "text", _Number: "a whole number", _Object: "an object", _ListOf: "a list"}


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


def _problem(value: object, shape: _Shape, path: str) -> str | None:
    if value is None:
        return None
    wanted = _WANTED.get(type(shape), "an object")
    match shape:
        case _Text():
            ok = isinstance(value, str)
        case _Number():
            ok = isinstance(value, int) and not isinstance(value, bool)
        case _ListOf():
            ok = isinstance(value, list)
        case _Object() | _MapOf():
            ok = isinstance(value, dict)
    if not ok:
        return f"{path or 'the body'} is {_kind(value)}, not {wanted}"
    match shape:
        case _Object(fields, required):
            assert isinstance(value, dict)
            for name in sorted(required):
                if value.get(name) is None:
                    return f"{_join(path, name)} is missing"
            for name, inner in fields.items():
                problem = _problem(value.get(name), inner, _join(path, name))
                if problem:
                    return problem
        case _MapOf(inner):
            assert isinstance(value, dict)
            for key, item in value.items():
                problem = _problem(item, inner, _join(path, str(key)[:40]))
                if problem:
                    return problem
        case _ListOf(inner):
            assert isinstance(value, list)
            for index, item in enumerate(value):
                problem = _problem(item, inner, f"{path}[{index}]")
                if problem:
                    return problem
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
