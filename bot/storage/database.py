"""Open the interaction log's database (SQLite or PostgreSQL) and keep its schema current."""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, Executable, Row, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import DatabaseError
from bot.storage.availability import Availability, failure_reason

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Every start checks the database against it with one query, so the
# usual case (nothing to apply) never imports Alembic, a fifth of a cold ``ask``. A test
# checks it against Alembic's own heads, so a new migration cannot be forgotten here.
HEAD_REVISION = "0009"
MIGRATION_LOCK = 7020011998  # PostgreSQL advisory lock: one process migrates at a time
CONFLICT_ATTEMPTS = 3
T = TypeVar("T")
# What --db and DATABASE_URL take, for messages. ``postgres://`` and ``postgresql://`` (as
# Heroku and most hosts write them) mean psycopg 3, the driver the postgres extra installs.
ACCEPTED_URLS = (
    "sqlite:///path/to/file.db, or postgresql://user@host:5432/name (postgres:// and "
    "postgresql+psycopg:// work too)"
)
POSTGRES_DRIVER = "psycopg"


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Database:
    def __init__(
        self, engine: Engine, *, budget_s: float | None = None, name: str | None = None
    ) -> None:
        """With ``budget_s``, calls made through ``bounded`` wait at most that long, and the
        database is watched for outages (see ``open`` and ``Availability``). ``name``: how
        messages name it, if not by the engine's URL."""
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._autocommit: Engine | None = None
        self.availability = (
            None
            if budget_s is None
            else Availability(
                name=name or describe_url(str(engine.url)),
                budget_s=budget_s,
                reach=self._reach,
                prepare=self.upgrade,
            )
        )

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
        """Connect, check the connection works, and (by default) apply pending migrations.
        For the review group's tools, which need the database: raises DatabaseError if not."""
        engine = _create_engine(url)
        database = cls(engine)
        try:
            _check_folder(engine)
            with engine.connect():
                pass
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            hint = (
                ""
                if isinstance(exc, NoFolderError)  # says what to check itself
                else " Check --db or DATABASE_URL: it must name an SQLite database file (a new "
                "one is created) in a folder you can write to, not a folder or another kind of "
                "file."
                if engine.dialect.name == "sqlite"
                else " Check --db or DATABASE_URL, and that the server is running."
            )
            raise DatabaseError(
                f"Cannot connect to the database {describe_url(url)}: {failure_reason(exc)}.{hint}"
            ) from exc
        if migrate:
            database.upgrade()
        return database

    @classmethod
    def open(cls, url: str, *, budget_s: float) -> Database:
        """For answering questions: never fails, as a misconfigured or missing database must
        not stop answers. Waits up to ``budget_s`` for it, and for its migrations once it
        answers; if it is away, says so once and keeps trying in the background. A URL that
        can never work (not a URL, a kind of database the assistant does not keep its log in,
        a driver that is not installed) is said once, naming DATABASE_URL and the fix, and
        the database stays unavailable: nothing is logged until it is fixed."""
        try:
            engine = _create_engine(url)
        except DatabaseError as exc:
            return cls._unusable(url, str(exc), budget_s=budget_s)
        database = cls(engine, budget_s=budget_s)
        assert database.availability is not None
        database.availability.start()
        return database

    @classmethod
    def _unusable(cls, url: str, reason: str, *, budget_s: float) -> Database:
        """A database that is never available, for a URL that can never work: every call
        fails at once as in an outage, and its engine (read directly by a few background
        jobs) refuses every connection with ``reason``, never opening another database."""
        log.warning(
            "%s Answering anyway, but questions are not being logged until that is fixed.",
            reason,
        )

        def refuse() -> sqlite3.Connection:
            raise sqlite3.OperationalError(reason)

        engine = create_engine("sqlite://", creator=refuse, hide_parameters=True)
        database = cls(engine, budget_s=budget_s, name=describe_url(url))
        assert database.availability is not None
        database.availability.refuse(reason)
        return database

    @property
    def available(self) -> bool:
        """False while the database is known to be away (questions are not being logged)."""
        return self.availability is None or self.availability.up

    def bounded(self, work: Callable[[], T], *, what: str, budget_s: float | None = None) -> T:
        """``work()`` waited for at most the budget; raises DatabaseUnavailable at once while
        the database is away. Without a budget (the review tools), just ``work()``."""
        if self.availability is None:
            return work()
        return self.availability.call(work, what=what, budget_s=budget_s)

    def health(self) -> str:
        """'ok' or 'unavailable'; with a budget, within a second whatever the database does."""
        if self.availability is not None:
            return self.availability.health(self.check)
        try:
            self.check()
        except SQLAlchemyError:
            return "unavailable"
        return "ok"

    def check(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def _reach(self) -> None:
        """Raise unless the database can be written now: reachable, not read-only, not locked."""
        _check_folder(self.engine)
        with self.engine.connect() as connection:
            if self.dialect == "sqlite":
                # A write that changes nothing: fails on a read-only file or a held lock.
                version = connection.exec_driver_sql("PRAGMA user_version").scalar()
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    connection.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
                finally:
                    connection.exec_driver_sql("ROLLBACK")
            elif self.dialect == "postgresql":
                read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
                if read_only == "on":
                    raise DatabaseError("the server is read-only (a standby?)")

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
        one multi-row statement where the dialect can (an insert on PostgreSQL); elsewhere
        the rows are written in one transaction, so they still land all or none."""
        # SQLite writes a list row by row: make it one transaction.
        explicit = self.dialect == "sqlite" and isinstance(parameters, list) and len(parameters) > 1
        for attempt in (1, 2):
            try:
                with self.autocommit.connect() as connection:
                    if explicit:
                        connection.exec_driver_sql("BEGIN")
                    result = connection.execute(statement, parameters)
                    rows = list(result) if result.returns_rows else []
                    if explicit:
                        connection.exec_driver_sql("COMMIT")
                    return rows
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def upgrade(self, revision: str = "heads") -> None:
        if revision == "heads" and self._at_head():
            return
        from alembic import command
        from alembic.util import CommandError

        try:
            with self.engine.begin() as connection:
                _lock_for_migration(connection)
                config = _alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"Could not bring the database {describe_url(str(self.engine.url))} up to date: "
                f"{failure_reason(exc)}"
            ) from exc
        except CommandError as exc:
            # Most often a database a newer release has upgraded, then the release rolled back.
            raise DatabaseError(
                f"The database {describe_url(str(self.engine.url))} carries a schema version "
                f"this release of the Compact Assistant does not know ({exc}; this release's "
                f"is {HEAD_REVISION}, as compact-bot --version says): a newer release has "
                "probably upgraded it. Run that release (or newer), or restore the database "
                "from a backup taken before the upgrade."
            ) from exc

    def _at_head(self) -> bool:
        """True when the database already carries the newest migration (one query)."""
        try:
            with self.engine.connect() as connection:
                found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
                return set(found.scalars()) == {HEAD_REVISION}
        except SQLAlchemyError:
            return False  # a new database has no table yet: let Alembic say what is wrong

    def current_revisions(self) -> set[str]:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        from alembic.script import ScriptDirectory

        return set(ScriptDirectory.from_config(_alembic_config()).get_heads())

    def dispose(self) -> None:
        if self.availability is not None:
            self.availability.close()
        self.engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_engine(url: str) -> Engine:
    parsed = parse_url(url)
    if _in_memory(parsed):
        raise DatabaseError(
            f"{describe_url(url)} names no database file, so SQLite would keep the log in "
            "memory and lose every question when the program stops (db upgrade would upgrade "
            "nothing). Give a file, e.g. sqlite:///path/to/compact.db, or leave --db and "
            "DATABASE_URL unset for the default file in the data folder."
        )
    options: dict[str, Any] = {"pool_pre_ping": True, **_connect_options(parsed)}
    if parsed.get_backend_name() == "sqlite":
        options = _connect_options(parsed)
    try:
        engine = create_engine(parsed, **options)
    except ImportError as exc:
        raise DatabaseError(_missing_driver(url, parsed, exc)) from exc
    except ArgumentError as exc:  # a driver SQLAlchemy does not know ("postgresql+nosuch")
        raise DatabaseError(
            f"Cannot use the database URL {describe_url(url)} (--db or DATABASE_URL): "
            f"{exc}. Write it as {ACCEPTED_URLS}."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_session)
    return engine


def parse_url(url: str) -> URL:
    """``url`` as SQLAlchemy takes it, for SQLite or PostgreSQL; ``postgres://`` and
    ``postgresql://`` (no driver named, as hosts hand them out) get psycopg 3, the driver
    the assistant installs. DatabaseError naming DATABASE_URL and the accepted forms for
    anything else."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"'{url}' is not a database URL (--db or DATABASE_URL). Write it as {ACCEPTED_URLS}."
        ) from exc
    backend, _, driver = parsed.drivername.partition("+")
    if backend in {"postgres", "postgresql"}:
        return parsed.set(drivername=f"postgresql+{driver or POSTGRES_DRIVER}")
    if backend != "sqlite":
        raise DatabaseError(
            f"The database URL {describe_url(url)} (--db or DATABASE_URL) is for "
            f"'{parsed.drivername}', but the Compact Assistant keeps its log in SQLite or "
            f"PostgreSQL only. Write it as {ACCEPTED_URLS}."
        )
    return parsed


def _missing_driver(url: str, parsed: URL, exc: ImportError) -> str:
    """Why the URL's driver cannot load: psycopg not installed (how to install it here), or
    another driver the assistant does not install."""
    driver = parsed.drivername.partition("+")[2]
    if driver == POSTGRES_DRIVER and (exc.name or "").split(".")[0] == POSTGRES_DRIVER:
        return (
            f"Cannot use the database URL {describe_url(url)} (--db or DATABASE_URL): the "
            f"PostgreSQL driver (psycopg) is not installed. {install_postgres_hint()}"
        )
    return (
        f"Cannot use the database URL {describe_url(url)} (--db or DATABASE_URL): its driver "
        f"'{driver}' is not installed ({exc}). Write it as postgresql://user@host:5432/name "
        "for psycopg, the driver the assistant installs."
    )


def install_postgres_hint() -> str:
    """How to install the PostgreSQL driver into the environment running the assistant: from
    the clone it runs from (as run.py installs it), or as the installed package."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file():
        return (
            f"Install it from the clone: cd {checkout} && {sys.executable} -m pip install "
            "--editable '.[postgres]'"
        )
    return f"Install it with: {sys.executable} -m pip install 'compact-assistant[postgres]'"


def _in_memory(url: URL) -> bool:
    """An SQLite URL without a file (``sqlite://``, ``sqlite:///``, ``:memory:``, or a
    ``mode=memory`` URI): a database that vanishes with the process."""
    if url.get_backend_name() != "sqlite":
        return False
    name = url.database or ""
    return name in {"", ":memory:"} or "mode=memory" in name or url.query.get("mode") == "memory"


def _check_folder(engine: Engine) -> None:
    """Raise unless an SQLite file's folder exists. It is never made here: a mistyped path
    would otherwise become a new, empty database nobody looks at (the default file's folder,
    the data folder, is made by the settings, see ``Settings.database``)."""
    url, name = engine.url, engine.url.database or ""
    if url.get_backend_name() != "sqlite" or not name or "uri" in url.query:
        return
    folder = Path(name).expanduser().parent
    if not folder.is_dir():
        raise NoFolderError(
            f"the folder {folder} for the SQLite file does not exist, and is not made for you "
            "so that a mistyped path cannot start an empty log: check the path in --db or "
            "DATABASE_URL, or create the folder"
        )


class NoFolderError(FileNotFoundError):
    """An SQLite URL names a file in a folder that does not exist."""


def _connect_options(url: URL) -> dict[str, Any]:
    # Parameters are people's questions and hashes: keep them out of every error message and
    # traceback (SQLAlchemy otherwise writes them into the exception's text).
    options: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": 5}
    elif url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}
    return options


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
    """Several processes may start at once on one database; only one migrates at a time:
    PostgreSQL's advisory lock, or SQLite's one write lock, held until the migration commits."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def retry_on_conflict(work: Callable[[], T], *, attempts: int = CONFLICT_ATTEMPTS) -> T:
    """Run ``work`` (one transaction that reads rows and writes rows derived from them) again
    if another process wrote the same rows first: the next run reads what it wrote. Several
    ``gaps`` commands, or a command and the bot, may group new questions at the same time."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except IntegrityError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
