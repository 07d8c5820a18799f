"""``compact-bot serve slack`` and ``compact-bot start`` run the real server process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def test_serve_without_a_signing_secret_is_a_clear_error(run, fake_slack: FakeSlack) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "serve", "slack", env={"SLACK_BOT_TOKEN": "xoxb-T1", "SLACK_API_URL": fake_slack.api_url}
    )
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET" in result.stderr
