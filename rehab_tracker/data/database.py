"""Opening the database: where it is, checking it, backing it up, migrating it, units of work.

``open_database`` is the one way in. For SQLite it refuses a folder it cannot write, looks at
an existing file read-only before touching it (a check bounded whatever the file's size: its
header, schema and the first pages of each table, and whether it is a Rehab Tracker database at
all: :mod:`rehab_tracker.data.sqlite_file`), creates a new database only where
no file exists, refuses a database made by newer code, and takes an online backup before any
migration. Every SQLite write transaction starts with ``BEGIN IMMEDIATE`` (see ARCHITECTURE.md:
the driver's default loses concurrent updates). ``read_only=True`` opens the file so that nothing
can change it (no journal-mode switch, no migration, no stamp), also when the file or its folder
is read-only. The files are private (0600, the data folder 0700: ``data.private_files``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rehab_tracker.data import audit, locations, private_files, sqlite_file
from rehab_tracker.data.backup import backup_before_upgrade, latest_good_backup, online_backup
from rehab_tracker.data.errors import DatabaseError as DatabaseError  # its home is data.errors
from rehab_tracker.data.errors import translate, translated
from rehab_tracker.data.locations import (  # re-exported for callers and tests
    newest_revision_file as newest_revision_file,
)
from rehab_tracker.data.sqlite_file import quick_check as quick_check  # re-exported
from rehab_tracker.domain.roles import Principal


class DatabaseLocationError(DatabaseError):
    """The folder is missing or cannot be written."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a database, or fails the check made before opening it."""

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


class DatabaseNotOurs(DatabaseError):
    """The file is sound but not a Rehab Tracker database (empty, another application's, or
    without a schema revision): refused, left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path} is not a Rehab Tracker database ({reason}); the file was left untouched; "
            "give the path of a Rehab Tracker database, or a path where no file exists to "
            "start a new one"
        )


class DatabaseTooNew(DatabaseError):
    """The database was upgraded by a newer Rehab Tracker than this one."""


class DatabaseOutdated(DatabaseError):
    """A read-only look at a database whose schema is older than this version's."""


class UnsupportedDatabase(DatabaseError):
    """``--db`` names a kind of database the app does not work with."""


class DatabaseUnavailable(DatabaseError):
    """The server cannot be reached or refused the connection."""


def resolve_target(target: str | os.PathLike[str] | None) -> str:
    """The SQLAlchemy URL for ``--db`` / ``REHAB_TRACKER_DB`` / the default file."""
    if target is None or str(target) == "":
        target = os.environ.get(locations.DB_ENV) or locations.saved_database()
    if target is None:
        return URL.create("sqlite+pysqlite", database=str(locations.default_database_path()))\
            .render_as_string(hide_password=False)
    text = str(target)
    if "://" in text:
        return _supported_url(text).render_as_string(hide_password=False)
    if text == ":memory:":
        raise DatabaseLocationError(
            "an in-memory database (:memory:) cannot keep records; give a file path such as "
            "clinic.db (for a file really named so, write ./:memory:)"
        )
    path = Path(text).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path)).render_as_string(hide_password=False)


#: the back ends and drivers the app ships with
_DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}


def _supported_url(text: str) -> URL:
    """``text`` as a URL of a back end the app works with (psycopg for a plain postgresql://)."""
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise UnsupportedDatabase(f"{text!r} is not a database URL") from exc
    if url.drivername == "postgresql":  # psycopg 3 is the driver we ship
        url = url.set(drivername="postgresql+psycopg")
    drivers = _DRIVERS.get(url.get_backend_name())
    if drivers is None:
        raise UnsupportedDatabase(
            f"{url.get_backend_name()} databases are not supported; give an SQLite file path "
            "or a postgresql+psycopg:// URL"
        )
    if url.get_driver_name() not in drivers:
        raise UnsupportedDatabase(
            f"the {url.get_driver_name()} driver is not supported; use "
            f"{url.get_backend_name()}+{drivers[0]}://"
        )
    return url


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise DatabaseLocationError("an in-memory database cannot keep records; give a file path")
    return Path(url.database)


def install_sqlite_pragmas(engine: Engine, *, read_only: bool) -> None:
    """Per connection: foreign keys, busy timeout, WAL with synchronous=FULL; a read-only
    engine sets ``query_only`` instead of the journal mode (which would write the file)."""
    settings = ["foreign_keys=ON", "busy_timeout=30000"]
    settings += ["query_only=ON"] if read_only else ["journal_mode=WAL", "synchronous=FULL"]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for setting in settings:
            cursor.execute(f"PRAGMA {setting}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if read_only or conn.get_execution_options().get("rehab_read_only"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_folder(path: Path, *, is_default: bool, read_only: bool) -> None:
    """The folder of ``path`` exists (the default data folder is created, 0700) and lets this
    user do what the open needs: read the file, or also write it and its -wal/-shm files."""
    folder = path.parent
    if not folder.exists():
        if is_default and not read_only:
            try:
                private_files.private_dir(folder)
            except OSError as exc:
                raise DatabaseLocationError(
                    f"cannot create the data folder {folder}: {exc.strerror}"
                ) from exc
        else:
            raise DatabaseLocationError(f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise DatabaseLocationError(f"{folder} is not a folder")
    if read_only:
        if path.exists() and not os.access(path, os.R_OK):
            raise DatabaseLocationError(f"{path} cannot be read by this user")
        return
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseLocationError(
            f"the folder {folder} is read-only; choose a folder you can write to"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseLocationError(f"{path} cannot be read and written by this user")
    if is_default:
        private_files.private_dir(folder, ours=True)  # one an older version left open to all


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


_T = TypeVar("_T")


class _Snapshot:
    """One thread's read snapshot (:meth:`Database.snapshot`): the reader session every
    :meth:`Database.reading` inside it shares (one read transaction, one identity map), opened
    on the first read, and the values the services memoized in it (:meth:`Database.memo`)."""

    def __init__(self) -> None:
        self.depth = 0
        self.session: Session | None = None
        self.memo: dict[object, object] = {}
        self.kept: list[object] = []

    def remember(self, key: object, compute: Callable[[], _T]) -> _T:
        """The value memoized under ``key`` in this snapshot, computed on the first ask."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[return-value]

    def end(self) -> None:
        """Forget what was read: the transaction is rolled back (nothing is written through a
        reader) and the memo dropped; the next read starts afresh."""
        session, self.session = self.session, None
        self.memo.clear()
        self.kept = []
        if session is not None:
            try:
                session.rollback()
            finally:
                session.close()


def session_memo(source: object, key: object, compute: Callable[[], _T]) -> _T:
    """``compute()``, kept under ``key`` for the rest of the read snapshot when ``source`` is
    the session of one (:meth:`Database.snapshot`, :meth:`Database.memo`); a plain call for any
    other session or connection (a write's, or a look outside a snapshot)."""
    snapshot = source.info.get("rehab_snapshot") if isinstance(source, Session) else None
    if not isinstance(snapshot, _Snapshot) or snapshot.session is not source:
        return compute()
    return snapshot.remember(key, compute)


@dataclass
class Database:
    """An open, migrated database and its session factories."""

    url: str
    engine: Engine
    path: Path | None
    _writer: sessionmaker[Session]
    _reader: sessionmaker[Session]
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    @contextlib.contextmanager
    def unit_of_work(self, actor: str | Principal = "system") -> Iterator[Session]:
        """One user action: a write transaction committed at the end, rolled back on error.

        ``actor`` is who the audit trail names: a principal (the signed-in user, with the
        operating-system account beside it) or, for the system's own work, a plain name."""
        snapshot = self._snapshot()
        if snapshot is not None:  # what it read may change: reads after the write read afresh
            snapshot.end()
        session = self._writer()
        if isinstance(actor, Principal):
            session.info["actor"] = actor.username
            session.info["os_user"] = actor.os_user
        else:
            session.info["actor"] = actor
        yield from _in_transaction(session, self.path)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only look (a deferred transaction on SQLite, so it never blocks writers).

        Inside :meth:`snapshot` every look shares one reader session and its transaction."""
        snapshot = self._snapshot()
        if snapshot is None:
            yield from _in_transaction(self._reader(), self.path)
            return
        if snapshot.session is None:
            session = self._reader()
            try:
                with translated(self.path):
                    session.begin()
            except BaseException:
                session.close()
                raise
            session.info["rehab_snapshot"] = snapshot
            snapshot.session = session
        try:
            with translated(self.path):
                yield snapshot.session
            # the identity map holds rows weakly: kept here, the next look finds them in it
            snapshot.kept = list(snapshot.session.identity_map.values())
        except BaseException:
            snapshot.end()  # the session may be unusable after an error: the next read starts anew
            raise

    def _snapshot(self) -> _Snapshot | None:
        snapshot: _Snapshot | None = getattr(self._local, "snapshot", None)
        return snapshot if snapshot is not None and snapshot.depth else None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One consistent look at the database for a burst of reads on this thread (what a
        selection in the patient list asks the services, issue 12 item 4): the reads inside share
        one read transaction and identity map, so a row several panes ask for is read once, and
        :meth:`memo` keeps values the services derive from them. A write inside ends it (the
        reads after the write see it); its end drops everything, so the next burst reads
        afresh. Nested snapshots are the outer one."""
        snapshot: _Snapshot | None = getattr(self._local, "snapshot", None)
        if snapshot is None:
            snapshot = self._local.snapshot = _Snapshot()
        snapshot.depth += 1
        try:
            yield
        finally:
            snapshot.depth -= 1
            if not snapshot.depth:
                snapshot.end()

    def memo(self, key: object, compute: Callable[[], _T]) -> _T:
        """``compute()``, kept for the rest of the current :meth:`snapshot` under ``key`` (a
        plain call outside one). Only for values read from the database and not changed by the
        caller: a write in the snapshot forgets them."""
        snapshot = self._snapshot()
        if snapshot is None:
            return compute()
        return snapshot.remember(key, compute)

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A plain Core connection in a read-only transaction (no ORM Session), for hot read
        paths. It uses the reader sessions' ``rehab_read_only`` option: on SQLite a deferred
        ``BEGIN`` that takes no write lock (writers are never blocked by it); the transaction
        is rolled back at the end, so nothing written through it is kept. Inside
        :meth:`snapshot` it is the snapshot's connection."""
        if self._snapshot() is not None:
            with self.reading() as session:
                yield session.connection()
            return
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
        checked before it is kept; the history is thinned after it (``data.backup``). The audit
        trail's (count, head) is then recorded outside the database (``data.trail_check``)."""
        if self.path is None:
            raise DatabaseError(
                "backups of a PostgreSQL database are made on the server (pg_dump), not here"
            )
        target_dir = dest_dir or locations.backup_dir_for(self.path)
        made = online_backup(self.path, target_dir, reason)
        from rehab_tracker.data import trail_check

        trail_check.record_checkpoint(self, "backup")
        return made

    def close(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """The engine for ``url``; ``read_only`` (SQLite) connects so that the file cannot change."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if read_only:
        path = Path(str(parsed.database))
        engine = create_engine(parsed, creator=lambda: sqlite_file.connect_read_only(path))
    else:
        engine = create_engine(parsed, connect_args={"timeout": 30})
    install_sqlite_pragmas(engine, read_only=read_only)
    return engine


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    upgrade: bool = True,
    create: bool = True,
    read_only: bool = False,
) -> Database:
    """Open (creating or upgrading as needed) the database named by ``target``.

    ``target`` is a file path or an SQLAlchemy URL; None means ``REHAB_TRACKER_DB`` or the default
    file in the user's data folder. With ``create=False`` a missing SQLite file is an error
    (upkeep commands must not leave an empty file behind). ``read_only=True`` never creates,
    migrates or changes the file (SQLite: a read-only connection); with ``upgrade`` it refuses
    a database whose schema is behind (:class:`DatabaseOutdated`), without it opens it as it is.
    """
    is_default = (
        target in (None, "")
        and not os.environ.get(locations.DB_ENV)
        and not locations.saved_database()
    )
    url = resolve_target(target)
    path = _sqlite_path(make_url(url))
    stamped = True
    if path is not None:
        stamped = _check_sqlite_file(
            path, create=create and not read_only, is_default=is_default, read_only=read_only
        )
    engine = make_engine(url, read_only=read_only)
    try:
        bring_up_to_date(engine, url, path, upgrade=upgrade, read_only=read_only, stamped=stamped)
    except BaseException:
        engine.dispose()
        raise
    return database_on(url, engine, path)


def database_on(url: str, engine: Engine, path: Path | None) -> Database:
    """The :class:`Database` of an engine opened and brought up to date (its sessions audited)."""
    writer = sessionmaker(engine, expire_on_commit=False)
    reader = sessionmaker(engine.execution_options(rehab_read_only=True), expire_on_commit=False)
    audit.install(writer)
    return Database(url=url, engine=engine, path=path, _writer=writer, _reader=reader)


def bring_up_to_date(
    engine: Engine, url: str, path: Path | None, *, upgrade: bool, read_only: bool, stamped: bool
) -> None:
    """Refuse a schema newer than the code's, stamp a database made before the application id
    (a write open), and back up (SQLite) and upgrade an older schema when ``upgrade``."""
    try:
        with engine.connect() as conn:
            current = _stamped_revision(conn)
            if current is not None and current == newest_revision_file():
                state = None  # up to date: no need to load Alembic on the start-up path
            else:
                from rehab_tracker.data import migrate

                state = migrate.state(conn)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot open {_safe(url)}: {reason}") from exc
    if state is not None and state.too_new:
        raise DatabaseTooNew(
            f"{_safe(url)} was upgraded by a newer Rehab Tracker (schema {state.current}); "
            "install the newer version to open it"
        )
    if path is not None and not read_only and not stamped:
        sqlite_file.stamp(path)
    if state is None or not (upgrade and state.needs_upgrade):
        return
    if read_only:
        raise DatabaseOutdated(
            f"{_safe(url)} has schema {state.current or 'none'}, older than this version's "
            f"({state.head}); run `rehab-tracker db upgrade` first (it backs the file up)"
        )
    from rehab_tracker.data import migrate

    if path is not None and state.current is not None:
        backup_before_upgrade(path, state.current)  # refuses when the disk lacks room
    migrate.upgrade(engine)


def _check_sqlite_file(path: Path, *, create: bool, is_default: bool, read_only: bool) -> bool:
    """Before opening an SQLite file: it exists (else, when it may be created, a new private
    database is made), its folder is usable, and an existing file is sound
    (:class:`DatabaseCorrupt`) and ours (:class:`DatabaseNotOurs`), both leaving it untouched.
    True when the file carries our application id (a new one does)."""
    if not create and not path.exists():
        if not path.parent.is_dir() and not is_default:
            raise DatabaseLocationError(f"the folder {path.parent} does not exist")
        raise DatabaseLocationError(f"there is no database at {path}")
    _check_folder(path, is_default=is_default, read_only=read_only)
    if not path.exists():
        try:
            sqlite_file.create_new(path)
        except (OSError, sqlite3.Error) as exc:
            problem = translate(exc, path) if isinstance(exc, sqlite3.Error) else None
            raise problem or DatabaseLocationError(f"cannot create {path}: {exc}") from exc
        return True
    found = sqlite_file.examine(path)
    if found.corrupt is not None:
        raise DatabaseCorrupt(
            path, found.corrupt, latest_good_backup(locations.backup_dir_for(path), path.stem)
        )
    if found.not_ours is not None:
        raise DatabaseNotOurs(path, found.not_ours)
    if not read_only:
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            private_files.tighten(file)  # an older version left them readable by everyone
    return found.stamped


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
