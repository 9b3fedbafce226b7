"""Opening the database: where it is, checking it, backing it up, migrating it, units of work.

``open_database`` is the one way in. For SQLite it refuses a folder it cannot write, runs
``PRAGMA quick_check`` read-only before touching the file, refuses a database made by newer code,
and takes an online backup before any migration. Every SQLite write transaction starts with
``BEGIN IMMEDIATE`` (see ARCHITECTURE.md: the driver's default loses concurrent updates).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rehab_tracker.data import audit, locations
from rehab_tracker.data.backup import backup_before_upgrade, latest_good_backup, online_backup
from rehab_tracker.data.errors import DatabaseError as DatabaseError  # its home is data.errors
from rehab_tracker.data.errors import translated
from rehab_tracker.data.locations import (  # re-exported for callers and tests
    newest_revision_file as newest_revision_file,
)


class DatabaseLocationError(DatabaseError):
    """The folder is missing or cannot be written."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a database, or fails SQLite's integrity check."""

    def __init__(self, path: Path, detail: str, backup: Path | None) -> None:
        self.path = path
        # quick_check can report many lines; the message stays one line
        detail = " ".join(detail.split())
        self.detail = detail
        self.backup = backup
        hint = (
            f"latest good backup: {backup}"
            if backup
            else "no good backup found"
        )
        super().__init__(
            f"{path} is not a usable Rehab Tracker database ({detail}); "
            f"the file was left untouched; {hint}"
        )


class DatabaseTooNew(DatabaseError):
    """The database was upgraded by a newer Rehab Tracker than this one."""


class DatabaseUnavailable(DatabaseError):
    """The server cannot be reached or refused the connection."""


def resolve_target(target: str | os.PathLike[str] | None) -> str:
    """The SQLAlchemy URL for ``--db`` / ``REHAB_TRACKER_DB`` / the default file."""
    if target is None or str(target) == "":
        target = os.environ.get(locations.DB_ENV) or None
    if target is None:
        return URL.create("sqlite+pysqlite", database=str(locations.default_database_path()))\
            .render_as_string(hide_password=False)
    text = str(target)
    if "://" in text:
        url = make_url(text)
        if url.drivername == "postgresql":  # psycopg 3 is the driver we ship
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    path = Path(text).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path)).render_as_string(hide_password=False)


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise DatabaseLocationError("an in-memory database cannot keep records; give a file path")
    return Path(url.database)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("rehab_read_only"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def quick_check(path: Path) -> str | None:
    """Run SQLite's quick_check without changing the file; None when it passes."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    if header and header != b"SQLite format 3\x00":
        return "not an SQLite database"
    if not header:
        return None  # an empty file is a new database
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows != [("ok",)]:
        return "integrity check failed: " + "; ".join(str(r[0]) for r in rows[:3])
    return None


def _check_folder(path: Path, *, is_default: bool) -> None:
    folder = path.parent
    if not folder.exists():
        if is_default:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseLocationError(
                    f"cannot create the data folder {folder}: {exc.strerror}"
                ) from exc
        else:
            raise DatabaseLocationError(f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise DatabaseLocationError(f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseLocationError(
            f"the folder {folder} is read-only; choose a folder you can write to"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseLocationError(f"{path} cannot be read and written by this user")


def _in_transaction(session: Session, path: Path | None) -> Iterator[Session]:
    """``session`` in one transaction (committed at the end, rolled back on an error), then
    closed: the body of :meth:`Database.unit_of_work` and :meth:`Database.reading`. A driver
    error that stands for an environment problem (busy, disk full...) is raised as the
    matching ``data.errors.EnvironmentProblem``, with the driver error as its cause."""
    try:
        with translated(path), session.begin():
            yield session
    finally:
        session.close()


@dataclass
class Database:
    """An open, migrated database and its session factories."""

    url: str
    engine: Engine
    path: Path | None
    _writer: sessionmaker[Session]
    _reader: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextlib.contextmanager
    def unit_of_work(self, actor: str = "system") -> Iterator[Session]:
        """One user action: a write transaction committed at the end, rolled back on error."""
        session = self._writer()
        session.info["actor"] = actor
        yield from _in_transaction(session, self.path)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only look (a deferred transaction on SQLite, so it never blocks writers)."""
        yield from _in_transaction(self._reader(), self.path)

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A plain Core connection in a read-only transaction (no ORM Session), for hot read
        paths. It uses the reader sessions' ``rehab_read_only`` option: on SQLite a deferred
        ``BEGIN`` that takes no write lock (writers are never blocked by it); the transaction
        is rolled back at the end, so nothing written through it is kept."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(rehab_read_only=True)
            raw = conn.connection.dbapi_connection if self.is_sqlite else None
            if raw is not None:  # SQLite refuses writes on this connection while it is lent
                raw.execute("PRAGMA query_only=ON")
            try:
                with conn.begin() as transaction:
                    try:
                        yield conn
                    finally:
                        if transaction.is_active:
                            transaction.rollback()
            finally:
                if raw is not None:
                    raw.execute("PRAGMA query_only=OFF")

    def backup(self, reason: str = "manual", dest_dir: Path | None = None) -> Path:
        """An online backup of the SQLite file (the database stays usable while it runs),
        checked before it is kept; the history is thinned after it (``data.backup``)."""
        if self.path is None:
            raise DatabaseError(
                "backups of a PostgreSQL database are made on the server (pg_dump), not here"
            )
        target_dir = dest_dir or locations.backup_dir_for(self.path)
        made = online_backup(self.path, target_dir, reason)
        return made

    def close(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 30})
        _install_sqlite_pragmas(engine)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    return engine


def open_database(
    target: str | os.PathLike[str] | None = None, *, upgrade: bool = True, create: bool = True
) -> Database:
    """Open (creating or upgrading as needed) the database named by ``target``.

    ``target`` is a file path or an SQLAlchemy URL; None means ``REHAB_TRACKER_DB`` or the default
    file in the user's data folder. With ``create=False`` a missing SQLite file is an error
    (upkeep commands must not leave an empty file behind).
    """
    is_default = target in (None, "") and not os.environ.get(locations.DB_ENV)
    url = resolve_target(target)
    path = _sqlite_path(make_url(url))
    if path is not None:
        _check_sqlite_file(path, create=create, is_default=is_default)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = _stamped_revision(conn)
            if current is not None and current == newest_revision_file():
                state = None  # up to date: no need to load Alembic on the start-up path
            else:
                from rehab_tracker.data import migrate

                state = migrate.state(conn)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open {_safe(url)}: {reason}") from exc
    if state is None:
        pass
    elif state.too_new:
        engine.dispose()
        raise DatabaseTooNew(
            f"{_safe(url)} was upgraded by a newer Rehab Tracker (schema {state.current}); "
            "install the newer version to open it"
        )
    elif upgrade and state.needs_upgrade:
        from rehab_tracker.data import migrate

        try:
            if path is not None and state.current is not None:
                backup_before_upgrade(path, state.current)  # refuses when the disk lacks room
            migrate.upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    writer = sessionmaker(engine, expire_on_commit=False)
    reader = sessionmaker(engine.execution_options(rehab_read_only=True), expire_on_commit=False)
    audit.install(writer)
    return Database(url=url, engine=engine, path=path, _writer=writer, _reader=reader)


def _check_sqlite_file(path: Path, *, create: bool, is_default: bool) -> None:
    """Before opening an SQLite file: it exists (unless it may be created), its folder is usable,
    and an existing file passes ``quick_check`` (else :class:`DatabaseCorrupt`, file untouched)."""
    if not create and not path.exists():
        raise DatabaseLocationError(f"there is no database at {path}")
    _check_folder(path, is_default=is_default)
    if path.exists():
        problem = quick_check(path)
        if problem is not None:
            raise DatabaseCorrupt(
                path, problem, latest_good_backup(locations.backup_dir_for(path), path.stem)
            )


def _stamped_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


def _safe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def table_names(db: Database) -> list[str]:
    return sorted(inspect(db.engine).get_table_names())
