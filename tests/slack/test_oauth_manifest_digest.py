"""Multi-workspace install, the manifest agreeing with the code, and the review channel."""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from pydantic import SecretStr
from slack_bolt import BoltRequest
from sqlalchemy import text

from bot.adapters.slack import ids
from bot.adapters.slack.app import BOT_SCOPES, build_app
from bot.adapters.slack.scheduler import clean_up, post_digest, web_client
from bot.adapters.slack.wiring import slack_services
from bot.chat.action_values import ActionValue
from bot.review.themes import ThemeStatus
from bot.settings import Settings
from bot.storage.interaction_log import InteractionLog

from ..conftest import Run
from ..polling import eventually
from .conftest import Bot, StartBot, payload, with_action
from .fake_slack import FakeSlack

MANIFEST = Path(__file__).resolve().parents[2] / "app_manifest.yml"
TOKEN_KEY = "fIx6dtgdCN6vsMNhDpX4CjG1Kn6TjYeyYTaVxnaF0lE="  # a Fernet key for tests only


def oauth_settings(settings: Settings, token_key: str | None = TOKEN_KEY) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": None,
            "slack_client_id": "111.222",
            "slack_client_secret": settings.slack_signing_secret,
            "token_key": SecretStr(token_key) if token_key else None,
        }
    )


def test_install_into_two_workspaces_then_answer_in_each(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack
) -> None:
    bot = start_bot(oauth_settings(slack_settings))
    for workspace in ("T1", "T2"):
        page = bot.get("/slack/install")
        assert page.status == 200
        state = re.search(r"state=([\w-]+)", page.body)
        assert state, page.body
        cookie = page.headers["set-cookie"].split(";")[0]  # the browser keeps the state cookie
        done = bot.get(
            f"/slack/oauth_redirect?code=code-{workspace}&state={state.group(1)}",
            headers={"Cookie": cookie},
        )
        assert done.status == 200, done.body
    installed = {c.params.get("code") for c in fake_slack.of("oauth.v2.access")}
    assert installed == {"code-T1", "code-T2"}
    for workspace in ("T1", "T2"):
        event = payload("app_mention")
        event["team_id"], event["event_id"] = workspace, f"Ev{workspace}"
        event["authorizations"][0]["team_id"] = workspace
        assert bot.event(event).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 2)
    assert sorted(p.token or "" for p in posts) == ["xoxb-T1", "xoxb-T2"]
    reused = bot.get("/slack/oauth_redirect?code=code-T3&state=not-a-real-state")
    assert reused.status != 200 or "code-T3" not in {
        c.params.get("code") for c in fake_slack.of("oauth.v2.access")
    }


def test_expired_oauth_states_are_cleaned_up(slack_settings: Settings) -> None:
    services = slack_services(oauth_settings(slack_settings))
    assert services.database is not None
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    with services.database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO slack_oauth_states (state, expire_at) VALUES ('old', :old)"),
            {"old": old},
        )
        connection.execute(
            text("INSERT INTO slack_oauth_states (state, expire_at) VALUES ('new', :new)"),
            {"new": old + timedelta(hours=4)},
        )
    clean_up(services)
    with services.database.engine.connect() as connection:
        left = [row[0] for row in connection.execute(text("SELECT state FROM slack_oauth_states"))]
    assert left == ["new"]


def test_the_manifest_and_the_code_agree(slack_settings: Settings, fake_slack: FakeSlack) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    shortcuts = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert commands == {ids.COMMAND}
    assert shortcuts == {ids.SHORTCUT}
    assert events == set(ids.EVENTS)
    assert "message.channels" not in events, "an @mention would be answered twice"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)

    app = build_app(slack_services(slack_settings))
    value = ActionValue("what is the compact?", None, "what-is-the-compact").encode()
    requests = [payload("slash_command", response_url=fake_slack.url)]
    requests += [payload("message_shortcut", response_url=fake_slack.url)]
    requests += [
        with_action(
            fake_slack,
            ids.numbered(a, 0) if a in ids.NUMBERED else a,
            "About the Compact" if a == ids.SHOW_TOPIC else value,
        )
        for a in ids.ACTIONS
        if a not in {ids.CHAMPION_ANSWER, ids.THEME_IN_REVIEW, ids.THEME_IGNORE}
    ]
    for body in requests:
        form = urllib.parse.urlencode(body if "command" in body else {"payload": json.dumps(body)})
        response = app.dispatch(
            BoltRequest(
                body=form,
                headers={"content-type": ["application/x-www-form-urlencoded"]},
                mode="socket_mode",
            )
        )
        assert response.status == 200, (
            f"{body.get('command') or body.get('callback_id') or body['actions']} is not handled"
        )
    for event_name in ids.EVENTS:
        kind = event_name.split(".")[0]
        event = payload("message_im" if kind == "message" else kind)
        response = app.dispatch(
            BoltRequest(
                body=json.dumps(event),
                headers={"content-type": ["application/json"]},
                mode="socket_mode",
            )
        )
        assert response.status == 200, f"{event_name} is not handled"
    fake_slack.wait_for("views.publish")  # let the listeners finish before the fake stops
    fake_slack.wait_for("chat.postMessage", 2)


def test_the_digest_posts_to_the_review_channel_and_its_buttons_triage(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    for n, question in enumerate(
        ["where can I park my bicycle", "bicycle parking at the civic centre"]
    ):
        event = payload("app_mention")
        event["event"]["text"], event["event_id"] = f"<@UBOT> {question}", f"EvBIKE{n}"
        bot.event(event)
    fake_slack.wait_for("chat.postMessage", 2)
    # Replies go out before their log rows are written; the digest reads the rows.
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    assert len(eventually(lambda: log.recent() if len(log.recent()) >= 2 else [])) == 2
    ts = post_digest(bot.services, web_client(bot.services, "xoxb-T1"))
    digest = fake_slack.wait_for("chat.postMessage", 3)[-1]
    assert ts
    assert digest.params["channel"] == "CREVIEW"
    blocks = json.dumps(digest.params["blocks"])
    assert "bicycle" in blocks
    assert "Mark in review" in blocks
    theme = bot.services.themes
    assert theme is not None
    top = theme.top()[0]
    refused = with_action(
        fake_slack,
        ids.numbered(ids.THEME_IGNORE, int(top.id)),
        top.id,
        user={"id": "U123ASKER"},
        channel={"id": "CGENERAL"},
    )
    bot.interaction(refused)
    assert "Only the review group" in fake_slack.wait_for("response_url")[-1].params["text"]
    allowed = with_action(
        fake_slack, ids.numbered(ids.THEME_IN_REVIEW, int(top.id)), top.id, user={"id": "UADMIN"}
    )
    bot.interaction(allowed)
    assert "in review" in fake_slack.wait_for("response_url", 2)[-1].params["text"]
    assert theme.get(top.id).status is ThemeStatus.IN_REVIEW


def test_gaps_digest_post_from_the_command_line(
    run: Run, bot: Bot, fake_slack: FakeSlack, slack_settings: Settings
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_API_URL": fake_slack.api_url,
        "COMPACT_REVIEW_CHANNEL": "CREVIEW",
        "COMPACT_PSEUDONYM_KEY": "slack-test-key-0123456789",
    }
    result = run(
        "gaps",
        "digest",
        "--post",
        "--db",
        str(slack_settings.database_url),
        "--kb",
        str(slack_settings.kb),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Posted the digest to CREVIEW" in result.stdout
    assert fake_slack.wait_for("chat.postMessage")[-1].params["channel"] == "CREVIEW"
    missing = run("gaps", "digest", "--post", "--db", str(slack_settings.database_url))
    assert missing.returncode == 1
    assert "needs SLACK_BOT_TOKEN and COMPACT_REVIEW_CHANNEL" in missing.stderr


def test_the_digest_shows_a_question_typed_over_several_lines_on_one_line(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    # Its second line would otherwise read as a line of the digest ("• ..."), and U+202E
    # would show its words backwards.
    event = payload("app_mention")
    event["event"]["text"] = "<@UBOT> bicycle parking\n• Theme 9 \u202eforged"
    event["event_id"] = "EvLINES"
    bot.event(event)
    fake_slack.wait_for("chat.postMessage")
    log = bot.services.assistant.log
    assert isinstance(log, InteractionLog)
    assert eventually(lambda: log.recent())
    post_digest(bot.services, web_client(bot.services, "xoxb-T1"))
    digest = fake_slack.wait_for("chat.postMessage", 2)[-1]
    texts = [
        block["text"]["text"] for block in digest.params["blocks"] if block.get("type") == "section"
    ]
    [theme] = [t for t in texts if "bicycle" in t]
    assert "bicycle parking • Theme 9 forged" in theme
    assert "\n• Theme 9" not in theme
    assert "\u202e" not in json.dumps(digest.params["blocks"], ensure_ascii=False)
