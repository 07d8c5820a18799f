"""The Teams SDK's pitfalls at start-up, and the real server process: ``compact-bot serve
teams``, and ``compact-bot start`` serving Slack and Teams from one port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings

from ..ports import free_port
from ..slack.fake_slack import start_fake_slack
from .conftest import APP_ID, SECRET, TENANT, StartTeams, activity
from .fake_teams import FakeTeams

QUESTION = "how much notice before ending a grant?"


def _python(code: str, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_sdk_sees_only_our_settings_not_its_generic_ones(tmp_path: Path) -> None:
    """A .env with the SDK's generic names, and CLIENT_ID in the environment (which alone
    would switch the SDK to managed identity): our TEAMS_* settings win, nothing leaks."""
    (tmp_path / ".env").write_text(
        "CLIENT_SECRET=from-dotenv\nTENANT_ID=from-dotenv\nSERVICE_URL=https://dotenv.example/\n"
    )
    code = f"""
        import json, os
        from bot.adapters.teams.app import build_teams
        from bot.runtime import build_runtime
        from bot.settings import load_settings

        def built(**settings):
            bot = build_teams(build_runtime(load_settings(**settings), with_log=False))
            credentials = bot.sdk.credentials
            return {{
                "kind": type(credentials).__name__,
                "client_id": getattr(credentials, "client_id", None),
                "secret": getattr(credentials, "client_secret", None),
                "tenant": getattr(credentials, "tenant_id", None),
                "service_url": bot.sdk.api.service_url,
            }}

        print(json.dumps({{
            "configured": built(teams_client_id="{APP_ID}", teams_client_secret="ours", teams_tenant_id="{TENANT}"),
            "skip_auth": built(teams_skip_auth=True),
            "environment": {{name: os.environ.get(name) for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "SERVICE_URL")}},
        }}))
    """
    result = _python(code, cwd=tmp_path, env={"CLIENT_ID": "managed-identity-trap"})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["configured"] == {
        "kind": "ClientCredentials",
        "client_id": APP_ID,
        "secret": "ours",
        "tenant": TENANT,
        "service_url": "https://smba.trafficmanager.net/teams",
    }
    assert seen["skip_auth"]["kind"] == "NoneType"  # not managed identity from CLIENT_ID
    assert seen["environment"] == {
        "CLIENT_ID": "managed-identity-trap",  # the caller's own, left as it was
        "CLIENT_SECRET": None,  # the .env the SDK loaded is taken out again
        "TENANT_ID": None,
        "SERVICE_URL": None,
    }


@pytest.mark.parametrize("command", [["ask", "--no-log", QUESTION], ["chat"]])
def test_asking_locally_never_loads_the_teams_sdk(tmp_path: Path, command: list[str]) -> None:
    code = f"""
        import sys
        from bot.cli.app import app
        try:
            app({command!r})
        except SystemExit:
            pass
        print("teams sdk loaded:", any(name.startswith("microsoft_teams") for name in sys.modules))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "teams sdk loaded: False" in result.stdout, result.stderr


def test_serve_teams_half_configured_names_the_missing_variable(run) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", "teams", env={"TEAMS_CLIENT_ID": APP_ID, "TEAMS_CLIENT_SECRET": SECRET})
    assert result.returncode == 1
    assert "TEAMS_TENANT_ID" in result.stderr
    assert "Traceback" not in result.stderr
    nothing = run(
        "serve",
        "teams",
        env={"TEAMS_CLIENT_ID": "", "TEAMS_CLIENT_SECRET": "", "TEAMS_TENANT_ID": ""},
    )
    assert nothing.returncode == 1
    said = " ".join(nothing.stderr.split())
    assert (
        "Teams is not configured: TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID" in said
    )


@contextmanager
def _server_process(
    command: str, *, database_url: str, kb: Path, **variables: str
) -> Iterator[tuple[int, dict[str, Any], list[str]]]:
    """``compact-bot COMMAND`` as a real process on a free port: its port, first health, and a
    list that holds what it wrote to standard error once the block ends."""
    port = free_port()
    settings = {
        "DATABASE_URL": database_url,
        "COMPACT_KB": str(kb),
        "COMPACT_PORT": str(port),
        "COMPACT_HOST": "127.0.0.1",
        "COMPACT_PSEUDONYM_KEY": "teams-test-key-0123456789",
        "COMPACT_TEAMS_SKIP_AUTH": "true",  # no Entra offline to swap a secret for a token
        "TEAMS_TENANT_ID": TENANT,
        **variables,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *command.split()],
        env={**os.environ, **settings},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr: list[str] = []
    try:
        yield port, _first_health(port, process), stderr
    finally:
        process.terminate()
        process.wait(timeout=10)
        stderr.append(process.stderr.read() if process.stderr else "")


def _first_health(port: int, process: subprocess.Popen[str]) -> dict[str, Any]:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                health: dict[str, Any] = json.loads(response.read())
                return health
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.terminate()
    raise AssertionError(process.stderr.read() if process.stderr else "no answer on /healthz")


def _post(port: int, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/messages",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def test_serve_teams_process_answers_once_beside_another_process(
    fake_teams: FakeTeams,
    teams_settings: Settings,
    start_teams: StartTeams,
    database_url: str,
    kb_copy: Path,
) -> None:
    """The real server process, without authentication (local development), sharing its
    database with a second bot: each activity is answered once between them."""
    settings = teams_settings.model_copy(
        update={"teams_skip_auth": True, "teams_client_secret": None, "teams_client_id": None}
    )
    in_process = start_teams(settings)
    with _server_process(
        "serve teams",
        database_url=database_url,
        kb=kb_copy,
        TEAMS_SERVICE_URL=fake_teams.service_url,
    ) as (port, health, _):
        assert health["channels"] == ["teams"]
        assert any("authentication is OFF" in w for w in health["warnings"])
        for number in range(2):
            body = activity("personal_message", text=QUESTION, service_url=fake_teams.service_url)
            assert _post(port, body) == 200
            assert in_process.post(body, token=None).status == 200
            sent = fake_teams.quiet(0.5)
            assert len(sent) == number + 1
            assert "three months" in sent[-1].text


def test_the_server_logs_at_the_level_set(
    fake_teams: FakeTeams, database_url: str, kb_copy: Path
) -> None:
    for level, startup_logged in (("INFO", True), ("warning", False)):
        with _server_process(
            "serve teams",
            database_url=database_url,
            kb=kb_copy,
            COMPACT_LOG_LEVEL=level,
            TEAMS_SERVICE_URL=fake_teams.service_url,
        ) as (_, health, stderr):
            assert health["channels"] == ["teams"]
        assert ("Application startup complete" in stderr[0]) is startup_logged, level


def test_start_serves_slack_and_teams_from_one_port(
    fake_teams: FakeTeams, database_url: str, kb_copy: Path
) -> None:
    fake_slack = start_fake_slack()
    try:
        with _server_process(
            "start",
            database_url=database_url,
            kb=kb_copy,
            SLACK_BOT_TOKEN="xoxb-T1",
            SLACK_SIGNING_SECRET="slack-signing-secret-0123456789",
            SLACK_API_URL=fake_slack.api_url,
        ) as (port, health, stderr):
            assert health["channels"] == ["slack", "teams"]
            body = activity("personal_message", text=QUESTION, service_url=fake_teams.service_url)
            assert _post(port, body) == 200
            assert "three months" in fake_teams.wait_for(1)[0].text
    finally:
        fake_slack.stop()
    # Nothing an operator cannot act on: the SDK's preview notice, Bolt's "token unused".
    assert "is in preview" not in stderr[0]
    assert "will be unused" not in stderr[0]


def test_the_sdk_s_own_server_and_static_pages_are_refused_with_a_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The SDK may call these through its HttpServerAdapter protocol: App.start() runs its own
    # server, and plugins ask for static pages. Neither is reachable through our server.
    import asyncio

    from bot.adapters.teams.routes import StarletteRoutes
    from bot.errors import ConfigError

    routes = StarletteRoutes()
    with pytest.raises(ConfigError, match="compact-bot serve teams"):
        asyncio.run(routes.start(3978))
    routes.serve_static("/devtools", "/tmp/somewhere")
    assert "ignored a request to serve static pages at /devtools" in caplog.text


def test_serve_says_when_it_cannot_listen_before_loading_anything(run) -> None:  # type: ignore[no-untyped-def]
    teams = {"TEAMS_CLIENT_ID": APP_ID, "TEAMS_CLIENT_SECRET": SECRET, "TEAMS_TENANT_ID": TENANT}
    out_of_range = run("serve", "teams", "--port", "99999", env=teams)
    assert out_of_range.returncode == 2, out_of_range.stderr
    assert "Traceback" not in out_of_range.stderr
    assert "99999 is not in the range" in " ".join(out_of_range.stderr.split())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        busy = run("serve", "teams", "--host", "127.0.0.1", "--port", port, env=teams)
    assert busy.returncode == 1, busy.stderr
    said = " ".join(busy.stderr.split())
    assert f"Cannot listen on 127.0.0.1:{port}: Address already in use" in said
    assert "COMPACT_PORT" in said
    assert "Traceback" not in busy.stderr
    nowhere = run("serve", "teams", "--host", "999.1.1.1", "--port", port, env=teams)
    assert nowhere.returncode == 1, nowhere.stderr
    assert "Cannot listen on 999.1.1.1" in " ".join(nowhere.stderr.split())
