"""Open the interaction log's database (SQLite or PostgreSQL) and keep its schema current."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Executable, Row, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import DatabaseError

MIGRATIONS = Path(__file__).with_name("migrations")


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._autocommit: Engine | None = None

    @property
    def autocommit(self) -> Engine:
        """An engine for single statements that are atomic on their own, on the path to a chat
        reply: no BEGIN/COMMIT and no pre-ping, one round trip each. Without the pre-ping a
        connection dropped by a server restart is only found on use; ``execute_atomic``
        retries once on a fresh connection when that happens."""
        if self._autocommit is None:
            if self.dialect == "sqlite":
                self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            else:
                self._autocommit = create_engine(
                    self.engine.url,
                    isolation_level="AUTOCOMMIT",
                    **_connect_options(self.engine.url),
                )
                event.listen(self._autocommit, "connect", _postgres_session)
        return self._autocommit

    @classmethod
    def connect(cls, url: str, *, migrate: bool = True) -> Database:
        """Connect, check the connection works, and (by default) apply pending migrations."""
        engine = _create_engine(url)
        database = cls(engine)
        try:
            with engine.connect():
                pass
        except SQLAlchemyError as exc:
            engine.dispose()
            raise DatabaseError(
                f"Cannot connect to the database {describe_url(url)}: {_reason(exc)}. "
                "Check --db or DATABASE_URL, and that the server is running."
            ) from exc
        if migrate:
            database.upgrade()
        return database

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    def execute_atomic(
        self,
        statement: Executable,
        parameters: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> list[Row[Any]]:
        """Run one statement that is atomic on its own (an insert, say) on ``autocommit``,
        retrying once if the connection turns out to have been dropped (a server restart).
        Build ``statement`` once and pass the values as ``parameters``: constructing a
        statement per call costs more than the round trip. A list of parameter sets makes
        one multi-row statement where the dialect can (an insert on PostgreSQL)."""
        for attempt in (1, 2):
            try:
                with self.autocommit.connect() as connection:
                    result = connection.execute(statement, parameters)
                    return list(result) if result.returns_rows else []
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def upgrade(self, revision: str = "heads") -> None:
        try:
            with self.engine.begin() as connection:
                _lock_for_migration(connection)
                config = _alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"Could not bring the database {describe_url(str(self.engine.url))} up to date: "
                f"{_reason(exc)}"
            ) from exc

    def current_revisions(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        return set(ScriptDirectory.from_config(_alembic_config()).get_heads())

    def dispose(self) -> None:
        self.engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"'{url}' is not a database URL. Use sqlite:///path/to/file.db or "
            "postgresql+psycopg://user@host:5432/name."
        ) from exc
    options: dict[str, Any] = {"pool_pre_ping": True, **_connect_options(parsed)}
    if parsed.get_backend_name() == "sqlite":
        options = _connect_options(parsed)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(
            f"Cannot use the database URL {describe_url(url)}: {exc}. "
            "For PostgreSQL install the driver with: pip install 'compact-assistant[postgres]'."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_session)
    return engine


def _connect_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_args": {"connect_timeout": 5}}
    if url.get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": 30}}
    return {}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _postgres_session(dbapi_connection: Any, _record: Any) -> None:
    """Commit without waiting for the disk: the log is not worth a slower answer. A crash can
    lose the last fraction of a second of log rows, never corrupt the database."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    dbapi_connection.commit()


def _lock_for_migration(connection: Any) -> None:
    """Several bot processes may start at once on one PostgreSQL; only one migrates at a time."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7020011998)")


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
