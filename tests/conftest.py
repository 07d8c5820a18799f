"""Shared fixtures. Every test gets its own data folder and database; nothing touches the
user's real data, and nothing reaches the internet."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.core.assistant import Assistant
from bot.core.knowledge_store import KnowledgeStore
from bot.settings import bundled_knowledge
from bot.storage.database import Database
from bot.storage.interaction_log import InteractionLog
from bot.storage.pseudonyms import Pseudonymiser

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PSEUDONYM_KEY = "test-key-0123456789abcdef"
# Read by us (DATABASE_URL) or by the Teams SDK, which must never see them (see sdk.py).
SETTINGS_ELSEWHERE = frozenset(
    {"DATABASE_URL", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "SERVICE_URL", "CLOUD"}
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder at a temporary one and drop any settings from the caller's shell."""
    for name in list(os.environ):
        if name.startswith(("COMPACT_", "SLACK_", "TEAMS_")) or name in SETTINGS_ELSEWHERE:
            monkeypatch.delenv(name)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("COMPACT_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)  # so a developer's .env is not read
    return data_dir


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled knowledge base, so tests may edit it."""
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge(), folder)
    return folder


@pytest.fixture(scope="session")
def bundled_store() -> KnowledgeStore:
    return KnowledgeStore.open(bundled_knowledge())


def postgres_url_or_skip() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "PostgreSQL tests need TEST_DATABASE_URL (the test command sets it when 127.0.0.1:5432 answers)"
        )
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a private schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'log.db'}"
        return
    base = postgres_url_or_skip()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.connect(database_url)
    yield db
    db.dispose()


@pytest.fixture
def interaction_log(database: Database) -> InteractionLog:
    return InteractionLog(database, pseudonymiser=Pseudonymiser(PSEUDONYM_KEY))


@pytest.fixture
def assistant(bundled_store: KnowledgeStore) -> Assistant:
    return Assistant(store=bundled_store)


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run() -> Run:
    """Run ``python -m bot`` as a user would, in a separate process."""

    def _run(
        *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            env=full_env,
            check=False,
        )

    return _run
