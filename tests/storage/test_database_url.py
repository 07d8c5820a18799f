"""DATABASE_URL as people write it: the forms hosts hand out, and URLs that can never work.
A misconfigured database never stops answers (it only stops the log); the database
commands refuse it with one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser
from tests.conftest import REPO, Run

ACCEPTED = "sqlite:///path/to/file.db"
UNUSABLE = [
    ("mysql://bot@db.internal/compact", "'mysql'"),
    ("nosuch://x", "'nosuch'"),
    ("postgresql+nosuchdriver://bot@db/compact", "postgresql.nosuchdriver"),
    ("not a url", "is not a database URL"),
]


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "WARNING" in line]


def as_hosts_write_it(url: str) -> str:
    """A psycopg URL as Heroku and most hosts hand it out: postgres://, no driver."""
    return make_url(url).set(drivername="postgres").render_as_string(hide_password=False)


@pytest.mark.parametrize(("url", "named"), UNUSABLE)
def test_an_unusable_database_url_warns_once_and_answers_go_on(
    run: Run, url: str, named: str
) -> None:
    asked = run("ask", "--json", "what is the compact", env={"DATABASE_URL": url})
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert (reply["outcome"], reply["entry_id"]) == ("answer", "what-is-the-compact")
    [warning] = warnings_in(asked.stderr)
    assert "DATABASE_URL" in warning
    assert named in warning
    assert ACCEPTED in warning
    assert "postgres://" in warning
    assert "questions are not being logged" in warning
    assert "pip install" not in warning  # the driver is not what is missing
    assert "Traceback" not in asked.stderr


@pytest.mark.parametrize(("url", "named"), UNUSABLE)
def test_the_database_commands_refuse_an_unusable_url_with_one_line(
    run: Run, url: str, named: str
) -> None:
    upgraded = run("db", "upgrade", "--db", url)
    assert upgraded.returncode == 1
    said = " ".join(upgraded.stderr.split())
    assert said.startswith("Error:")
    assert named in said
    assert ACCEPTED in said
    assert "Traceback" not in upgraded.stderr
    listed = run("gaps", "list", env={"DATABASE_URL": url})
    assert listed.returncode == 1
    assert "DATABASE_URL" in listed.stderr


def test_postgres_urls_as_hosts_write_them_mean_psycopg(
    run: Run, database_url: str, tmp_path: Path
) -> None:
    """postgres:// and postgresql:// (no driver) are read as psycopg 3, the driver the
    postgres extra installs: the database is upgraded and questions are logged."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL URL forms need PostgreSQL (TEST_DATABASE_URL)")
    hosted = as_hosts_write_it(database_url)
    assert hosted.startswith("postgres://")
    upgraded = run("db", "upgrade", "--db", hosted)
    assert upgraded.returncode == 0, upgraded.stderr
    plain = hosted.replace("postgres://", "postgresql://", 1)
    for url in (hosted, plain):
        asked = run(
            "ask", "--json", f"what is the compact via {url[:10]}", env={"DATABASE_URL": url}
        )
        assert asked.returncode == 0, asked.stderr
        assert warnings_in(asked.stderr) == []
    database = Database.connect(database_url)
    try:
        logged = InteractionLog(database, pseudonymiser=Pseudonymiser("x" * 16)).recent()
    finally:
        database.dispose()
    assert sorted(row.question for row in logged) == [
        "what is the compact via postgres:/",
        "what is the compact via postgresql",
    ]


def run_without_psycopg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``compact-bot`` in an environment where psycopg cannot be imported (not installed)."""
    program = (
        "import sys; sys.modules['psycopg'] = None; "
        "from bot.cli.app import main; sys.argv = ['compact-bot', *sys.argv[1:]]; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**env, "COLUMNS": "300", "NO_COLOR": "1"},
        check=False,
    )


def test_a_missing_postgres_driver_says_how_to_install_it_in_this_clone() -> None:
    import os

    url = "postgres://bot@127.0.0.1:1/compact"
    upgraded = run_without_psycopg("db", "upgrade", "--db", url, env=dict(os.environ))
    assert upgraded.returncode == 1
    said = " ".join(upgraded.stderr.split())
    assert "the PostgreSQL driver (psycopg) is not installed" in said
    # The form for a clone (as run.py installs it), naming this clone and this Python.
    assert f"cd {REPO} && {sys.executable} -m pip install --editable '.[postgres]'" in said
    assert "Traceback" not in upgraded.stderr
    asked = run_without_psycopg(
        "ask", "--json", "what is the compact", env={**os.environ, "DATABASE_URL": url}
    )
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["entry_id"] == "what-is-the-compact"
    [warning] = warnings_in(asked.stderr)
    assert "psycopg" in warning
    assert "--editable '.[postgres]'" in warning


def test_a_mistyped_sqlite_folder_is_not_made_and_answers_go_on(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    url = f"sqlite:///{missing / 'x.db'}"
    asked = run("ask", "--json", "what is the compact", env={"DATABASE_URL": url})
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["entry_id"] == "what-is-the-compact"
    [warning] = warnings_in(asked.stderr)
    assert f"the folder {missing}" in warning
    assert "does not exist" in warning
    assert "DATABASE_URL" in warning
    assert not (tmp_path / "nonexistent").exists()
    upgraded = run("db", "upgrade", "--db", url)
    assert upgraded.returncode == 1
    assert "does not exist" in upgraded.stderr
    assert "Traceback" not in upgraded.stderr
    assert not (tmp_path / "nonexistent").exists()


def test_an_sqlite_file_in_an_existing_folder_is_still_made(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    asked = run("ask", "--json", "what is the compact", env={"DATABASE_URL": url})
    assert asked.returncode == 0, asked.stderr
    assert warnings_in(asked.stderr) == []
    assert (tmp_path / "log.db").is_file()


def test_the_default_data_folder_is_still_made_for_the_default_database(
    run: Run, tmp_path: Path
) -> None:
    """Without DATABASE_URL the log lives in the data folder, made on first use, by the
    database commands too (they need no pseudonym key)."""
    data = tmp_path / "fresh" / "data"
    upgraded = run("db", "upgrade", env={"COMPACT_DATA_DIR": str(data)})
    assert upgraded.returncode == 0, upgraded.stderr
    assert (data / "compact.db").is_file()
    other = tmp_path / "other" / "data"
    asked = run("ask", "--json", "what is the compact", env={"COMPACT_DATA_DIR": str(other)})
    assert asked.returncode == 0, asked.stderr
    assert (other / "compact.db").is_file()
