"""``compact-bot serve slack`` and ``compact-bot start`` run the real server process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..ports import free_port
from .conftest import payload, post_event, serve_env
from .fake_slack import FakeSlack


def test_start_with_slack_credentials_serves_http(
    fake_slack: FakeSlack, database_url: str, kb_copy: Path
) -> None:
    port = free_port()
    env = serve_env(fake_slack, database_url, kb_copy, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "start"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=1
                ) as response:
                    health = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.1)
        assert health is not None, (
            process.stderr.read()
            if process.stderr is not None and process.poll() is not None
            else "no answer on /healthz"
        )
        assert health["database"] == "ok"
        assert post_event(f"http://127.0.0.1:{port}", payload("app_mention")).status == 200
        [post] = fake_slack.wait_for("chat.postMessage")
        assert "three months" in json.dumps(post.params["blocks"])
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Bolt's "`token` will be unused" (it reads SLACK_BOT_TOKEN beside our client) is noise.
    assert process.stderr is not None
    assert "will be unused" not in process.stderr.read()


def test_serve_without_a_signing_secret_is_a_clear_error(run, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "serve", "slack", env={"SLACK_BOT_TOKEN": "xoxb-T1", "SLACK_API_URL": fake_slack.api_url}
    )
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET" in result.stderr


def test_start_when_slack_cannot_be_reached_is_one_clear_line(run) -> None:  # type: ignore[no-untyped-def]
    nowhere = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    result = run(
        "start",
        env={"SLACK_BOT_TOKEN": "xoxb-T1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": nowhere},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Cannot reach Slack at {nowhere}: Connection refused" in result.stderr
    assert "proxy" in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Failed to send a request" not in result.stderr  # slack-sdk's own log line


def test_start_with_a_token_slack_refuses_is_one_clear_line(run, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    fake_slack.fail_next("auth.test", body={"ok": False, "error": "invalid_auth"})
    result = run(
        "serve",
        env={
            "SLACK_BOT_TOKEN": "xoxb-T1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake_slack.api_url,
        },
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr


HALF_SET = [
    ({"SLACK_BOT_TOKEN": "xoxb-T1"}, "SLACK_SIGNING_SECRET is not set", "SLACK_APP_TOKEN"),
    ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is not set", "one workspace"),
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is not set", "Socket Mode"),
    (
        {"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"},
        "SLACK_CLIENT_SECRET is not set",
        "several workspaces",
    ),
]


@pytest.mark.parametrize(("env", "missing", "way"), HALF_SET, ids=lambda v: str(v)[:40])
def test_half_set_slack_credentials_stop_start_and_serve(  # type: ignore[no-untyped-def]
    run, env: dict[str, str], missing: str, way: str
) -> None:
    for command in ("start", "serve"):
        # No terminal, as under systemd: start must not fall back to the console chat.
        result = run(command, env=env)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert f"Slack is half configured: {missing}" in result.stderr, command
        assert way in result.stderr
        assert "No chat channel is configured" not in result.stderr
        assert "Compact Assistant: ask about" not in result.stdout  # not the console chat


def test_posting_the_digest_when_slack_cannot_be_reached_is_a_clear_error(run) -> None:  # type: ignore[no-untyped-def]
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    result = run(
        "gaps",
        "digest",
        "--post",
        env={
            "SLACK_BOT_TOKEN": "xoxb-T1",
            "COMPACT_REVIEW_CHANNEL": "C1",
            "SLACK_API_URL": nowhere,
        },
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"Cannot reach Slack at {nowhere}: Connection refused" in result.stderr
