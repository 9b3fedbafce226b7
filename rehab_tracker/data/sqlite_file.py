"""An SQLite file before the app opens it: read-only looks, and whether it is one of ours.

The app stamps each database it creates with ``PRAGMA application_id`` (:data:`APPLICATION_ID`,
the ASCII letters "RhTk"). :func:`examine` looks at an existing file without changing a byte (a
read-only connection) and says whether the app may open it:

- ours: it carries our application id and one schema revision (or no tables at all: a creation
  that stopped right after the stamp);
- ours from before the stamp: application id 0, one row in ``alembic_version`` and the tables
  every schema since revision 0001 has; opened as before and stamped on the next write open;
- not ours: an empty (0-byte) file, an SQLite file of another application (another id, or no
  Rehab Tracker schema), or a database whose ``alembic_version`` is empty; refused untouched;
- corrupt: not an SQLite file, or the bounded check fails (below); refused untouched.

The check at every open is bounded, so that opening takes the same time at 10 and at 10,000
patients (issue 12 item 2): the header (shorter than the page count it records: truncated),
the schema (``sqlite_master`` read whole), and the root and first leaf pages of every table.
``PRAGMA quick_check`` reads the whole file (16 s at 2,000 patients); it runs when asked
(:func:`quick_check`, ``examine(path, full=True)``) and in the background once the window is
usable (:class:`PageCheck`, stoppable, run by ``ui.shell.integrity``), and the full
``integrity_check`` runs in
``rehab-tracker db check`` and on every backup made (``data.backup``). A damaged page the
bounded check does not reach still fails the query that reads it (SQLite checks every page it
reads), as an error the user sees, never as wrong data.

Standard library only (the GUI's fast start-up path may use it before SQLAlchemy loads).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rehab_tracker.data.private_files import private_file

#: ``PRAGMA application_id`` of a Rehab Tracker database: b"RhTk" as a big-endian integer
APPLICATION_ID = int.from_bytes(b"RhTk", "big")
_HEADER = b"SQLite format 3\x00"
#: the database header's size: page size, change counter, page count, "version valid for"
_HEADER_SIZE = 100
#: tables every Rehab Tracker schema has had since revision 0001
OUR_TABLES = frozenset({"patients", "programs", "session_logs", "audit_log"})


def connect_read_only(path: Path, timeout: float = 30) -> sqlite3.Connection:
    """A connection that cannot change ``path``.

    In a folder this user cannot write, SQLite cannot create the ``-shm`` file a WAL database
    needs even for reading; when no ``-wal`` file exists there, no process can be writing to the
    database (a writer needs one), so the file is read as ``immutable``.
    """
    query = "mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
        query += "&immutable=1"
    return sqlite3.connect(f"{path.as_uri()}?{query}", uri=True, timeout=timeout)


@dataclass(frozen=True)
class Examined:
    """What :func:`examine` found: at most one of ``corrupt`` and ``not_ours`` is set."""

    corrupt: str | None = None
    not_ours: str | None = None
    #: carries our application id (False: made before the app stamped its files)
    stamped: bool = False


def examine(path: Path, *, full: bool = False) -> Examined:
    """Look at the existing file ``path`` without changing it (see the module docstring):
    the bounded check, or with ``full`` SQLite's ``quick_check`` of every page."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(_HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        return Examined(corrupt=f"cannot read it: {exc.strerror}")
    refused = _header_problem(header, size)
    if refused is not None:
        return refused
    try:
        conn = connect_read_only(path)
        try:
            problem = _quick_check(conn) if full else _bounded_check(conn)
            if problem is not None:
                return Examined(corrupt=problem)
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = {
                str(r[0])
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            revisions = (
                conn.execute("SELECT version_num FROM alembic_version").fetchall()
                if "alembic_version" in tables
                else None
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return Examined(corrupt=str(exc))
    return Examined(
        not_ours=_why_not_ours(app_id, tables, revisions), stamped=app_id == APPLICATION_ID
    )


def _header_problem(header: bytes, size: int) -> Examined | None:
    """Refused for its first bytes: empty, not SQLite, or truncated (see below)."""
    if not header:
        return Examined(not_ours="it is an empty file (0 bytes)")
    if not header.startswith(_HEADER):
        return Examined(corrupt="not an SQLite database")
    short = _shorter_than_its_header(header, size)
    return None if short is None else Examined(corrupt=short)


def _shorter_than_its_header(header: bytes, size: int) -> str | None:
    """The file is shorter than the page count its header records (when the header says that
    count is valid: its "version valid for" equals its change counter): truncated."""
    if len(header) < _HEADER_SIZE:
        return "the file is shorter than an SQLite header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[92:96] == header[24:28]
    if valid and pages and size < pages * page_size:
        return f"the file is shorter than its header says ({size} of {pages * page_size} bytes)"
    return None


def _quick_check(conn: sqlite3.Connection) -> str | None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        return "integrity check failed: " + "; ".join(str(r[0]) for r in rows[:3])
    return None


def _bounded_check(conn: sqlite3.Connection) -> str | None:
    """The schema, then the root and first leaf pages of every table: as many pages as the
    schema has tables times the depth of their trees, whatever the rows."""
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0"
    ).fetchall()
    for (name,) in tables:
        quoted = '"' + str(name).replace('"', '""') + '"'
        conn.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
    return None


def _why_not_ours(app_id: int, tables: set[str], revisions: list[object] | None) -> str | None:
    """None for one of ours (see the module docstring), else the reason in a few words."""
    stamped = app_id == APPLICATION_ID
    checks = (
        (app_id not in (0, APPLICATION_ID),
         f"it belongs to another application (SQLite application id {app_id:#010x})"),
        (revisions == [], "its alembic_version table is empty: it names no schema revision"),
        (revisions is not None and len(revisions) > 1,
         "its alembic_version table names several schema revisions"),
        (stamped and revisions is None and bool(tables), "it names no schema revision"),
        (not stamped and not tables, "it is an SQLite file with no tables"),
        (not stamped and (revisions is None or not tables >= OUR_TABLES),
         "it is another application's SQLite database"),
    )
    return next((reason for failed, reason in checks if failed), None)


def create_new(path: Path) -> None:
    """A new, empty database at ``path`` (which must not exist): private, with our stamp."""
    private_file(path, exclusive=True)
    try:
        stamp(path)
    except BaseException:  # e.g. a full disk: leave no empty file the next open would refuse
        path.unlink(missing_ok=True)
        raise


def stamp(path: Path) -> None:
    """Write our application id into the file's header (one short write transaction)."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def quick_check(path: Path) -> str | None:
    """Run SQLite's quick_check (every page) without changing the file; None when it passes.

    (A file that is not ours but sound passes; :func:`examine` tells those apart.)"""
    return examine(path, full=True).corrupt


#: SQLite virtual-machine steps between two looks at whether a :class:`PageCheck` was stopped
_STEPS_PER_LOOK = 10_000


class PageCheck:
    """SQLite's ``quick_check`` of every page of ``path``, read-only, that another thread can
    stop (:meth:`cancel`): the check the app runs in the background after start-up.

    :meth:`run` returns None when the file passes or the check was stopped (``cancelled``
    tells which), else the problem in one line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stop = False

    @property
    def cancelled(self) -> bool:
        return self._stop

    def cancel(self) -> None:
        """Stop a running check within a few milliseconds (SQLite's progress handler)."""
        self._stop = True

    def run(self) -> str | None:
        if self._stop:
            return None
        try:
            conn = connect_read_only(self.path)
        except sqlite3.Error as exc:
            return f"cannot read it: {exc}"
        try:
            conn.set_progress_handler(lambda: 1 if self._stop else 0, _STEPS_PER_LOOK)
            problem = _quick_check(conn)
        except sqlite3.OperationalError as exc:
            return None if self._stop else str(exc)  # "interrupted" when stopped
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            conn.close()
        return None if self._stop else problem
