"""Multi-workspace installs: tokens encrypted at rest, removal and revocation honoured, and a
workspace with no installation named in one log line."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from bot.adapters.slack.wiring import slack_services
from bot.settings import Settings

from ..polling import eventually
from .conftest import SECRET, Bot, StartBot, payload
from .fake_slack import FakeSlack
from .test_oauth_manifest_digest import TOKEN_KEY, oauth_settings


def install(bot: Bot, workspace: str) -> None:
    page = bot.get("/slack/install")
    state = re.search(r"state=([\w-]+)", page.body)
    assert state, page.body
    cookie = page.headers["set-cookie"].split(";")[0]
    done = bot.get(
        f"/slack/oauth_redirect?code=code-{workspace}&state={state.group(1)}",
        headers={"Cookie": cookie},
    )
    assert done.status == 200, done.body


def event_from(workspace: str, kind: str = "app_mention", event_id: str | None = None) -> dict:  # type: ignore[type-arg]
    event = payload(kind)
    event["team_id"] = workspace
    event["event_id"] = event_id or f"Ev{kind}{workspace}"
    event["authorizations"][0]["team_id"] = workspace
    return event


def tokens_used(fake: FakeSlack) -> list[str]:
    return sorted(c.token or "" for c in fake.of("chat.postMessage"))


def dump(database_url: str) -> bytes:
    """Everything the database holds, as an administrator's dump or backup would."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    schema = str(url.query["options"]).removeprefix("-csearch_path=")
    if shutil.which("pg_dump"):
        plain = url.difference_update_query(["options"]).set(drivername="postgresql")
        command = ["pg_dump", "--schema", schema, plain.render_as_string(hide_password=False)]
        return subprocess.run(command, capture_output=True, check=True).stdout
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = [repr(list(connection.execute(select(t)))) for t in metadata.tables.values()]
    engine.dispose()
    return "\n".join(rows).encode()


def test_oauth_mode_refuses_to_start_without_the_token_key(run, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    env = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "s3cret",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url}  # fmt: skip
    result = run("serve", "slack", env=env)
    assert result.returncode == 1
    assert "COMPACT_TOKEN_KEY" in result.stderr
    assert "Fernet.generate_key()" in result.stderr, "it says how to make one"
    bad = run("serve", "slack", env={**env, "COMPACT_TOKEN_KEY": "not-a-key"})
    assert bad.returncode == 1
    assert "not a Fernet key" in bad.stderr


def test_no_token_appears_in_a_dump_of_the_database(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack, database_url: str
) -> None:
    bot = start_bot(oauth_settings(slack_settings))
    for workspace in ("T1", "T2"):
        install(bot, workspace)
        assert bot.event(event_from(workspace)).status == 200
    fake_slack.wait_for("chat.postMessage", 2)
    assert tokens_used(fake_slack) == ["xoxb-T1", "xoxb-T2"], "each workspace's own token"
    bot.services.close()
    everything = dump(database_url)
    assert b"Workspace T2" in everything, "the dump holds the installations"
    assert b"xoxb-" not in everything


def test_tokens_stored_before_encryption_are_encrypted_and_keys_can_rotate(
    start_bot: StartBot, slack_settings: Settings, fake_slack: FakeSlack, database_url: str
) -> None:
    slack_services(slack_settings).close()  # brings the schema up to date
    engine = create_engine(database_url)
    old = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    old.save(Installation(app_id="A1", team_id="T1", team_name="Workspace T1", user_id="U1",
                          bot_token="xoxb-T1", bot_id="BT1", bot_user_id="UBOT"))  # fmt: skip
    engine.dispose()
    assert b"xoxb-T1" in dump(database_url), "stored as it came, before this change"

    bot = start_bot(oauth_settings(slack_settings, token_key=TOKEN_KEY))
    assert bot.event(event_from("T1")).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.token == "xoxb-T1"
    bot.services.close()
    assert b"xoxb-" not in dump(database_url)

    newer = Fernet.generate_key().decode()
    start_bot(oauth_settings(slack_settings, token_key=f"{newer},{TOKEN_KEY}")).services.close()
    rotated = start_bot(oauth_settings(slack_settings, token_key=newer))  # the old key dropped
    assert rotated.event(event_from("T1", event_id="EvAGAIN")).status == 200
    assert [p.token for p in fake_slack.wait_for("chat.postMessage", 2)] == ["xoxb-T1"] * 2


def test_removal_and_revocation_forget_the_workspace(
    start_bot: StartBot,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    bot = start_bot(oauth_settings(slack_settings))
    for workspace in ("T1", "T2"):
        install(bot, workspace)
    assert bot.event(event_from("T2", "app_uninstalled")).status == 200
    database = bot.services.database
    assert database is not None

    def teams(table: str) -> list[str]:
        with database.engine.connect() as connection:
            return sorted(connection.exec_driver_sql(f"SELECT team_id FROM {table}").scalars())

    # The listener runs after the acknowledgement.
    assert eventually(lambda: teams("slack_installations") == ["T1"])
    assert teams("slack_bots") == ["T1"]
    # The removal's own warning is logged just after the rows go: let it land before counting.
    assert eventually(lambda: any("was removed" in r.getMessage() for r in caplog.records))
    caplog.clear()
    bot.event(event_from("T2", event_id="EvAFTERREMOVAL"))
    bot.event(event_from("T1"))
    [_post] = fake_slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert [p.token for p in fake_slack.of("chat.postMessage")] == ["xoxb-T1"]
    about_t2 = [r.getMessage() for r in caplog.records if "T2" in r.getMessage()]
    assert len(about_t2) == 1, about_t2
    assert "team T2" in about_t2[0]
    assert "no installation" in about_t2[0]
    assert not [r for r in caplog.records if "Although the app" in r.getMessage()]

    assert bot.event(event_from("T1", "tokens_revoked")).status == 200
    assert eventually(lambda: teams("slack_installations") == [] and teams("slack_bots") == [])
    bot.event(event_from("T1", event_id="EvAFTERREVOKE"))
    time.sleep(0.5)
    assert len(fake_slack.of("chat.postMessage")) == 1, "no answer with a revoked token"


def test_a_token_sealed_with_a_key_no_longer_configured_is_not_used(
    start_bot: StartBot,
    slack_settings: Settings,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = start_bot(oauth_settings(slack_settings))
    install(bot, "T1")
    bot.services.close()
    caplog.set_level(logging.WARNING)
    other_key = Fernet.generate_key().decode()
    stranger = start_bot(oauth_settings(slack_settings, token_key=other_key))  # starts anyway
    assert stranger.event(event_from("T1")).status == 200
    time.sleep(0.5)
    assert fake_slack.of("chat.postMessage") == []
    said = [r.getMessage() for r in caplog.records if "team T1" in r.getMessage()]
    assert any("cannot be decrypted with COMPACT_TOKEN_KEY" in line for line in said), said
