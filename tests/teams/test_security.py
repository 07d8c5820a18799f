"""Authentication of Teams' requests (on by default), and turning it off for development."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from bot.adapters.teams.app import build_teams
from bot.errors import ConfigError
from bot.runtime import build_runtime
from bot.settings import Settings

from .conftest import APP_ID, Bot, StartTeams, activity, card_action

QUESTION = "how much notice before ending a grant?"


def _ask(teams: Bot) -> dict[str, object]:
    return activity("personal_message", text=QUESTION, service_url=teams.fake.service_url)


@pytest.mark.parametrize(
    "token",
    ["missing", "expired", "wrong audience", "other service url", "forged", "not a token"],
)
def test_a_request_without_a_good_token_is_rejected_and_nothing_is_sent(
    teams: Bot, token: str
) -> None:
    body = _ask(teams)
    fake = teams.fake
    made = {
        "missing": None,
        "expired": fake.token(APP_ID, expires_in=-3600),
        "wrong audience": fake.token("another-bot-0000"),
        "other service url": fake.token(APP_ID, service_url="https://smba.trafficmanager.net/uk/"),
        "forged": fake.token(
            APP_ID, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ),
        "not a token": "hello",
    }[token]
    reply = teams.post(body, token=made)
    assert reply.status == 401
    assert fake.quiet(0.3) == []


def test_a_service_url_other_than_the_signed_one_is_rejected(teams: Bot) -> None:
    """A caller cannot point the bot (and its token) at a server of their choosing."""
    body = _ask(teams)
    signed_for_fake = teams.fake.token(APP_ID)
    body["serviceUrl"] = "https://attacker.example/"
    assert teams.post(body, token=signed_for_fake).status == 401
    assert teams.fake.quiet(0.3) == []


def test_a_good_token_is_accepted(teams: Bot) -> None:
    assert teams.post(_ask(teams)).status == 200
    assert "three months" in teams.fake.wait_for(1)[0].text


def test_without_authentication_requests_are_accepted_and_healthz_warns(
    start_teams: StartTeams, teams_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = teams_settings.model_copy(
        update={"teams_skip_auth": True, "teams_client_secret": None, "teams_client_id": None}
    )
    with caplog.at_level(logging.WARNING):
        teams = start_teams(settings, socket=True)
    assert "authentication is OFF" in caplog.text
    assert teams.post(_ask(teams), token=None).status == 200
    assert "three months" in teams.fake.wait_for(1)[0].text
    health = json.loads(teams.get("/healthz"))
    assert health["channels"] == ["teams"]
    assert any("authentication is OFF" in warning for warning in health["warnings"])


def test_turning_authentication_off_is_refused_with_a_client_secret(
    teams_settings: Settings,
) -> None:
    settings = teams_settings.model_copy(update={"teams_skip_auth": True})
    with pytest.raises(ConfigError, match="refused while TEAMS_CLIENT_SECRET is set"):
        build_teams(build_runtime(settings, with_log=False))


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("teams_client_secret", "TEAMS_CLIENT_SECRET"),
        ("teams_tenant_id", "TEAMS_TENANT_ID"),
        ("teams_client_id", "TEAMS_CLIENT_ID"),
    ],
)
def test_a_half_configured_set_stops_naming_what_is_missing(
    teams_settings: Settings, missing: str, named: str
) -> None:
    settings = teams_settings.model_copy(update={missing: None})
    with pytest.raises(ConfigError, match=named):
        build_teams(build_runtime(settings, with_log=False))


def test_a_body_over_the_limit_is_refused_before_any_token_check(teams: Bot) -> None:
    from bot.adapters.teams.routes import MAX_BODY_BYTES

    body = b'{"type": "message", "text": "' + b"x" * MAX_BODY_BYTES + b'"}'
    reply = teams.post_raw(body, {"Content-Type": "application/json"})
    assert reply.status == 413
    assert teams.fake.quiet(0.3) == []


def _broken(teams: Bot, *path: str, value: object) -> dict[str, object]:
    """A question activity with one field set to ``value`` (``...`` removes it)."""
    body: dict[str, Any] = _ask(teams)
    holder = body
    for key in path[:-1]:
        holder = holder[key]
    if value is ...:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("text",), {"question": "notice"}, "text: Input should be a valid string"),
        (("text",), 42, "text: Input should be a valid string"),
        (("from",), "Alex", "from: Input should be a valid dictionary"),
        (("from",), ..., "from: Field required"),
        (("conversation", "id"), 7, "conversation.id: Input should be a valid string"),
        (("recipient",), ..., "recipient: Field required"),
        (("entities",), "clientInfo", "entities: Input should be a valid list"),
        (("type",), ..., "type: missing"),
        (("type",), 5, "type: Input should be a valid string"),
    ],
)
def test_an_authenticated_but_malformed_activity_is_a_400_and_one_line(
    teams: Bot,
    caplog: pytest.LogCaptureFixture,
    path: tuple[str, ...],
    value: object,
    named: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = teams.post(_broken(teams, *path, value=value))
    assert reply.status == 400, reply
    assert named in reply.body["error"]
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.startswith("Teams activity refused: ")
    assert named in line
    assert teams.fake.quiet(0.3) == []


def test_an_activity_is_validated_once_by_the_sdk_s_models(
    teams: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The route names the field from the SDK's own validation error; it does not check the
    # activity again itself.
    from microsoft_teams.apps.events import CoreActivity

    calls: list[object] = []
    validate = CoreActivity.model_validate

    def counted(cls: type[CoreActivity], /, body: object, **kwargs: Any) -> CoreActivity:
        calls.append(body)
        return validate(body, **kwargs)

    monkeypatch.setattr(CoreActivity, "model_validate", classmethod(counted))
    assert teams.post(_ask(teams)).status == 200
    assert teams.post(_broken(teams, "text", value=42)).status == 400
    assert len(calls) == 2


def test_a_validation_error_that_is_not_about_the_activity_keeps_its_traceback(
    teams: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the SDK's activity models refusing the activity make a 400; a bug elsewhere that
    # raises a pydantic error is a 200 for Teams and a traceback for the operator.
    from pydantic import BaseModel

    class Elsewhere(BaseModel):
        count: int

    async def broken(event: object) -> None:
        Elsewhere.model_validate({"count": "many"})

    monkeypatch.setattr(teams.bot.sdk.event_manager, "on_activity", broken)
    caplog.set_level(logging.DEBUG)
    assert teams.post(_ask(teams)).status == 200
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ValidationError]
    assert "refused" not in caplog.text
    assert "Teams activity not handled (type message" in caplog.text


def test_a_malformed_activity_without_a_good_token_is_still_a_401(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = _broken(teams, "text", value={"question": "notice"})
    assert teams.post(body, token=None).status == 401
    assert teams.post(body, token=teams.fake.token("another-bot-0000")).status == 401
    assert "refused" not in caplog.text
    assert [r for r in caplog.records if r.exc_info] == []


def test_an_activity_type_the_sdk_does_not_know_is_a_200_and_one_line(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # Teams may add kinds of activity: those are acknowledged (Teams stops delivering to a
    # bot that fails), with a line, but no stack trace.
    caplog.set_level(logging.DEBUG)
    assert teams.post(_broken(teams, "type", value="somethingNew")).status == 200
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "not handled (type somethingNew" in line
    # and a well-formed question after all this is answered as ever
    assert teams.post(_ask(teams)).status == 200
    assert "three months" in teams.fake.wait_for(1)[0].text


def test_a_type_with_a_line_break_cannot_forge_a_log_line(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # The line quotes the type twice (as the type, and in the SDK's message about it).
    caplog.set_level(logging.DEBUG)
    forged = "somethingNew\nERROR bot: forged \u202eline\x1b[2J"
    assert teams.post(_broken(teams, "type", value=forged)).status == 200
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "not handled (type somethingNew ERROR bot: forged line?[2J, name" in line
    assert "Input tag 'somethingNew ERROR bot: forged line?[2J' found" in line
    assert not {"\n", "\u202e", "\x1b"} & set(line)


def test_a_body_nested_too_deeply_is_a_400_before_any_token_check(
    teams: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # Anyone can send it: it must cost a 400, not a 500 and a stack trace.
    caplog.set_level(logging.DEBUG)
    for body in (b"[" * 200_000, b'{"a":' * 100_000):
        reply = teams.post_raw(body, {"Content-Type": "application/json"})
        assert reply.status == 400
        assert reply.body == {"error": "The body is nested too deeply"}
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert teams.fake.quiet(0.3) == []


@pytest.mark.parametrize(
    ("conversation_id", "named"),
    [
        ("a:1Hn4mW8\r\nX-Injected: yes", "a carriage return"),
        ("a:1Hn4mW8\nrT2y", "a line break"),
        ("a:1Hn4\x00mW8", "the character U+0000"),
        ("a:1Hn4\x1bmW8", "the character U+001B"),
        ("a:1Hn4 mW8", "a space"),
        # would change the connector address the reply is posted to
        ("a:mine/../19:another@thread.tacv2", "the character U+002F"),
        ("a:mine?x=", "the character U+003F"),
        ("a:mine%2F..%2Fother", "the character U+0025"),
        ("", "conversation.id is empty"),
        ("a:" + "x" * 600, "longer than 512 characters"),
    ],
)
def test_a_conversation_id_no_reply_can_go_to_is_a_400_and_one_line(
    teams: Bot, caplog: pytest.LogCaptureFixture, conversation_id: str, named: str
) -> None:
    """With a good token, an id Teams never sends (a line break in it made every send, the
    apology included, fail with a traceback) is refused before any listener runs."""
    caplog.set_level(logging.DEBUG)
    bodies: list[dict[str, Any]] = [
        activity("personal_message", text=QUESTION, service_url=teams.fake.service_url),
        card_action("helpful", "x", service_url=teams.fake.service_url),
    ]
    for body in bodies:
        body["conversation"]["id"] = conversation_id
        reply = teams.post(body)
        assert reply.status == 400, reply
        assert named in reply.body["error"]
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2
    assert all(line.startswith("Teams activity refused: conversation.id") for line in lines)
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert teams.fake.quiet(0.3) == []
    # The next good activity is answered as ever.
    assert teams.post(_ask(teams)).status == 200
    assert "three months" in teams.fake.wait_for(1)[0].text


def test_the_conversation_ids_teams_sends_are_answered(teams: Bot) -> None:
    """A channel thread's id (with ;messageid=), a group chat's and a meeting's."""
    ids = [
        "19:Gq2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX@thread.tacv2;messageid=1765000000001",
        "19:3f1c2b4a5d6e7f8091a2b3c4d5e6f708@unq.gbl.spaces",
        "19:meeting_MjdhNjM4YzUtYzExZi00OTFkLTkzZTAtNTVlNmZmMDhkNGU2@thread.v2",
    ]
    for number, conversation_id in enumerate(ids, start=1):
        body = activity("personal_message", text=QUESTION, service_url=teams.fake.service_url)
        body["conversation"]["id"] = conversation_id
        assert teams.post(body).status == 200
        assert teams.fake.wait_for(number)[-1].conversation_id == conversation_id
