"""``compact-bot serve slack`` starts and answers without its database, reports it on /healthz,
and logs again (after migrating) once the database is back."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

from ..outages import hung_server
from ..ports import free_port
from .conftest import payload, post_event, serve_env
from .fake_slack import FakeSlack


@contextmanager
def serving(database_url: str, fake_slack: FakeSlack, kb: Path) -> Iterator[Any]:
    port = free_port()
    env = serve_env(fake_slack, database_url, kb, port)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "slack"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


def health(url: str, *, wait_s: float = 20) -> dict[str, Any]:
    """/healthz, once the server is up. Each request may take at most one second."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                result: dict[str, Any] = json.loads(response.read())
                return result
        except ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionError) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def mention(url: str, event_id: str, text: str) -> None:
    body = payload("app_mention")
    body["event_id"] = event_id
    body["event"]["text"] = f"<@UBOT> {text}"
    assert post_event(url, body).status == 200


def test_serve_answers_without_its_database_and_logs_again_when_it_is_back(
    fake_slack: FakeSlack, kb_copy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "later" / "log.db"
    path.mkdir(parents=True)  # a folder where the database file should be: unusable for now
    url = f"sqlite:///{path}"
    with serving(url, fake_slack, kb_copy) as server:
        assert health(server.url)["database"] == "unavailable"
        mention(server.url, "Ev01AWAY", "how much notice must we give before ending a grant?")
        [reply] = fake_slack.wait_for("chat.postMessage")
        assert "three months" in json.dumps(reply.params["blocks"])

        path.rmdir()  # the database can be made now: the retry in the background makes it
        deadline = time.monotonic() + 60
        while health(server.url)["database"] != "ok":
            assert time.monotonic() < deadline, "the database never came back"
            time.sleep(0.2)
        mention(server.url, "Ev02BACK", "zebra crossing paint colours")
        fake_slack.wait_for("chat.postMessage", count=2)

        database = Database.connect(url, migrate=False)  # the server migrated it
        log = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16))
        deadline = time.monotonic() + 10
        while not log.recent():
            assert time.monotonic() < deadline, "the question after the return was not logged"
            time.sleep(0.1)
        assert [row.question for row in log.recent()] == ["zebra crossing paint colours"]
        database.dispose()
    stderr = server.stderr.read()
    assert stderr.count("questions are not being logged") == 1, stderr
    assert stderr.count("is back") == 1, stderr
    assert "Traceback" not in stderr, stderr


def test_healthz_answers_within_a_second_when_the_database_hangs(
    fake_slack: FakeSlack, kb_copy: Path
) -> None:
    with (
        hung_server() as port,
        serving(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", fake_slack, kb_copy) as s,
    ):
        for _ in range(5):  # each within the one-second timeout of ``health``
            assert health(s.url)["database"] == "unavailable"
