"""The patient's home database, encrypted at rest with SQLCipher (issue 14 item 3).

The home app keeps the patient's program and logs in an SQLite database that SQLCipher
encrypts page by page (AES-256, each page authenticated with HMAC-SHA512; the key derived from
the passphrase with PBKDF2-HMAC-SHA512 and a random salt kept in the file: SQLCipher 4's
defaults), opened through SQLAlchemy's ``sqlite+pysqlcipher`` dialect on the ``sqlcipher3``
driver (the ``sqlcipher3-binary`` wheel). The key is the patient's passphrase, normalised as the
pack's is (``services.home_format.normalize_passphrase``).

What it protects against: someone who gets the laptop's disk, a copy of the file or a backup
of it, without the passphrase, reads nothing of it, not even which tables it has, and cannot
change a page unnoticed. What it does not: someone using the patient's unlocked session while
the app has the database open, or who learns the passphrase (it is printed on the home exercise
sheet); and the app's log and the exported files are not inside it.

The file is made 0600 before anything is written; it is opened with the same connection
settings as every SQLite database of the app (WAL, ``synchronous=FULL``, foreign keys,
``BEGIN IMMEDIATE``), migrated to the current schema, checked with ``PRAGMA quick_check``, and
stamped with the app's application id. A wrong passphrase is refused in one line and leaves the
file untouched; a new file that a wrong step left empty is removed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from rehab_tracker.data.database import (
    Database,
    DatabaseLocationError,
    bring_up_to_date,
    database_on,
    install_sqlite_pragmas,
)
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.data.private_files import private_file
from rehab_tracker.data.sqlite_file import APPLICATION_ID

_log = logging.getLogger(__name__)


class HomeDatabaseLocked(DatabaseError):
    """The passphrase does not open the home database (or the file is not one)."""


def available() -> bool:
    """Whether the SQLCipher driver is installed (the ``sqlcipher3-binary`` wheel: Linux x86-64)."""
    return importlib.util.find_spec("sqlcipher3") is not None


def _engine(path: Path, passphrase: str) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _quiet(dbapi_connection: Any, connection_record: Any) -> None:
        # SQLCipher writes its own lines to stderr on a wrong key; the refusal says it once
        dbapi_connection.execute("PRAGMA cipher_log_level = NONE")

    install_sqlite_pragmas(engine, read_only=False)
    return engine


def _unlock(engine: Engine, path: Path, *, new: bool) -> None:
    """Open the file with the key (HomeDatabaseLocked when it does not), check it, stamp it."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            found = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
            if found != ["ok"]:
                raise DatabaseError(f"the home database {path} is damaged: {found[0]}")
            if new:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            elif conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
                raise DatabaseError(f"{path} is not a Rehab Tracker home database")
            conn.commit()
    except DBAPIError as exc:
        if "file is not a database" in str(exc.orig):
            raise HomeDatabaseLocked(
                f"the passphrase does not open the home database {path} (wrong passphrase, "
                "or the file is not an encrypted home database)"
            ) from None
        raise


def open_home_database(path: Path, passphrase: str) -> Database:
    """Open (creating it when missing) the encrypted home database at ``path``."""
    if not available():
        raise DatabaseError(
            "the encrypted home database needs the sqlcipher3 package (sqlcipher3-binary), "
            "which is not installed here"
        )
    if not passphrase:
        raise HomeDatabaseLocked("the home database needs a passphrase")
    if not path.parent.is_dir():
        raise DatabaseLocationError(f"the folder {path.parent} does not exist")
    new = not path.exists()
    if new:
        private_file(path, exclusive=True)  # 0600 before a page is written
    engine = _engine(path, passphrase)
    try:
        _unlock(engine, path, new=new)
        bring_up_to_date(engine, str(path), None, upgrade=True, read_only=False, stamped=True)
    except BaseException:
        engine.dispose()
        if new:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    shown = URL.create("sqlite+pysqlcipher", database=str(path)).render_as_string()
    return database_on(shown, engine, path)
