"""Database problems a user can act on, and the translation of driver errors into them.

``DatabaseError`` is the base of every database problem that is not a bug (shown as one line by
the CLI, in one dialog by the GUI). ``EnvironmentProblem`` and its subclasses are the ones the
machine or the network causes while the app is working: the database is busy, the disk is full,
the file or the server is read-only, an I/O error, the connection to the server is lost, a value
is longer than its column. ``translate`` turns an SQLite or PostgreSQL driver error into one of
them (None for anything else, which stays a bug).

Each message is written for a clinician and is the same whatever the error: a driver's text
carries the SQL and its parameters (patient data), so it is never copied. The driver error stays
as ``__cause__`` for a developer, and ``code`` (an SQLite result code name or a PostgreSQL
SQLSTATE, never data) says which one it was.

Standard library only at import (SQLAlchemy is imported on first translation), so the GUI's
start-up path can import these classes before the database is open.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar


class DatabaseError(Exception):
    """A problem with the database the user can act on (not a bug): shown as one line."""


class EnvironmentProblem(DatabaseError):
    """The database could not do what was asked, for a reason outside the app (not a bug)."""

    message: ClassVar[str] = "The database could not complete the change."

    def __init__(self, code: str = "") -> None:
        super().__init__(self.message)
        self.code = code


class DatabaseBusy(EnvironmentProblem):
    message = (
        "The database is busy: another workstation or program is writing to it. "
        "Nothing was saved; try again in a moment."
    )


class DiskFull(EnvironmentProblem):
    message = (
        "The disk that holds the database is full. Nothing was saved; free some space "
        "(or ask your IT support) and try again."
    )


class DatabaseReadOnly(EnvironmentProblem):
    message = (
        "The database cannot be written: it is read-only. Nothing was saved; ask your IT "
        "support to make the database writable."
    )


class StorageIOError(EnvironmentProblem):
    message = (
        "The database could not be read or written (a disk or file system error). Nothing was "
        "saved; check the disk or ask your IT support."
    )


class ConnectionLost(EnvironmentProblem):
    message = (
        "The connection to the database server was lost. A change being saved at that moment "
        "may not have been saved: check the record once the connection is back."
    )


class ValueTooLong(EnvironmentProblem):
    message = (
        "One of the values is longer than the database can store. Nothing was saved; shorten "
        "the longest entries and try again."
    )


#: SQLite primary result codes (the low byte of the extended code)
_SQLITE: dict[int, type[EnvironmentProblem]] = {
    sqlite3.SQLITE_BUSY: DatabaseBusy,
    sqlite3.SQLITE_LOCKED: DatabaseBusy,
    sqlite3.SQLITE_FULL: DiskFull,
    sqlite3.SQLITE_READONLY: DatabaseReadOnly,
    sqlite3.SQLITE_IOERR: StorageIOError,
    sqlite3.SQLITE_CANTOPEN: StorageIOError,
    sqlite3.SQLITE_TOOBIG: ValueTooLong,
}

#: PostgreSQL SQLSTATE codes, looked up whole first, then by their two-character class
_SQLSTATE: dict[str, type[EnvironmentProblem]] = {
    "53100": DiskFull,  # disk_full
    "53300": DatabaseBusy,  # too_many_connections
    "22001": ValueTooLong,  # string_data_right_truncation
    "25006": DatabaseReadOnly,  # read_only_sql_transaction
    "40001": DatabaseBusy,  # serialization_failure
    "40P01": DatabaseBusy,  # deadlock_detected
    "55P03": DatabaseBusy,  # lock_not_available
    "57014": DatabaseBusy,  # query_canceled (statement or lock timeout)
    "57P01": ConnectionLost,  # admin_shutdown
    "57P02": ConnectionLost,  # crash_shutdown
    "57P03": ConnectionLost,  # cannot_connect_now
    "58030": StorageIOError,  # io_error
    "08": ConnectionLost,  # connection_exception and its subclasses
}


def translate(exc: BaseException, path: Path | None = None) -> EnvironmentProblem | None:
    """The environment problem ``exc`` (an SQLAlchemy or driver error) stands for, or None.

    ``path`` is the SQLite file: SQLite reports a file system mounted read-only as "unable to
    open" or an I/O error (it cannot create the ``-shm`` file), which the file system's flags
    tell apart. The caller raises the result ``from exc``; nothing of the driver's message is kept.
    """
    from sqlalchemy.exc import DBAPIError

    orig: object = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.Error):
        extended = getattr(orig, "sqlite_errorcode", None)
        if isinstance(extended, int):
            kind = _SQLITE.get(extended & 0xFF)
            if kind is StorageIOError and path is not None and _read_only_file_system(path):
                kind = DatabaseReadOnly
            if kind is not None:
                return kind(str(getattr(orig, "sqlite_errorname", "")))
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        kind = _SQLSTATE.get(sqlstate) or _SQLSTATE.get(sqlstate[:2])
        if kind is not None:
            return kind(sqlstate)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return ConnectionLost("disconnect")
    return None


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


@contextlib.contextmanager
def translated(path: Path | None = None) -> Iterator[None]:
    """Raise the environment problem a driver error in the body stands for (others unchanged);
    ``path`` is the SQLite file, if any (see :func:`translate`)."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as exc:
        problem = translate(exc, path)
        if problem is None:
            raise
        raise problem from exc
