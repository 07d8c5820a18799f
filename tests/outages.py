"""Databases that cannot be used, as a user meets them: nothing listening, an unknown database,
a server that accepts connections and never answers, an SQLite path that is a folder, and an
SQLite file that is read-only."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.database import Database

from .conftest import postgres_url_or_skip

OUTAGES = ["refused", "unknown-database", "hung", "sqlite-folder", "sqlite-read-only"]


def closed_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def hung_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word: a frozen database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for connection in held:
            connection.close()
        listener.close()


def read_only_sqlite(tmp_path: Path) -> str:
    """A log database with its tables, that can be read and not written."""
    path = tmp_path / "read-only.db"
    Database.connect(f"sqlite:///{path}").dispose()
    if os.geteuid() != 0:  # root writes read-only files anyway; the URI mode holds for everyone
        path.chmod(0o444)
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@contextmanager
def outage(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database that fails in the way ``kind`` names."""
    makers: dict[str, Callable[[], str]] = {
        "refused": lambda: f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test",
        "unknown-database": lambda: (
            make_url(postgres_url_or_skip())
            .set(database="no_such_database_19")
            .render_as_string(hide_password=False)
        ),
        "sqlite-folder": lambda: _folder(tmp_path / "log.db"),
        "sqlite-read-only": lambda: read_only_sqlite(tmp_path),
    }
    if kind == "hung":
        with hung_server() as port:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
        return
    if kind not in makers:
        pytest.fail(f"unknown outage {kind!r}")
    yield makers[kind]()


def _folder(path: Path) -> str:
    path.mkdir(parents=True)
    return f"sqlite:///{path}"
