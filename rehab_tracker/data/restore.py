"""Restoring a backup over the SQLite database, keeping the file it replaces.

:func:`restore_backup` is the one way (``rehab-tracker db restore`` and File > Restore from
Backup… both use it). In order:

1. the backup must be sound (:func:`~rehab_tracker.data.backup.backup_problem`: not empty,
   integrity, ours, a schema revision this version knows); otherwise :class:`RestoreRefused` and
   nothing is changed;
2. nobody may have the database open: every SQLite connection to a WAL database holds a read lock
   on one byte of its ``-shm`` file (the "DMS" lock SQLite itself tests to tell whether it is the
   first connection), so a write lock on that byte that cannot be taken means another program or
   workstation is using it; refused, nothing changed. The caller closes its own connections first
   (POSIX locks belong to the process: a connection of this process would not be seen);
3. there must be room for the restored copy (:func:`~rehab_tracker.data.backup.check_free_space`);
4. the backup is copied through the online backup API into a hidden temporary file beside the
   database, and checked again;
5. the current file is kept as a dated copy beside it (``<stem>-replaced-<UTC stamp>.db``), renamed
   *together with* its ``-wal`` and ``-shm``: a journal stays with the database it belongs to.
   SQLite's documentation warns that a database paired with another file's hot journal is
   corrupted when that journal is replayed (a backup copied by hand next to a crash's ``-wal``);
   here the restored file never sits beside a journal that is not its own, and the replaced file,
   opened later, replays its own journal and loses nothing that was committed;
6. the temporary file is renamed into place;
7. the restored database is opened the normal way (an older schema is backed up and upgraded)
   and the restore is written to its audit trail: who, when, from which backup, the dated copy.

Between 2 and 5 another program could open the file; the window is a few milliseconds on a local
disk, and the lock test runs again right before the rename.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rehab_tracker.data.backup import (
    Progress,
    backup_problem,
    check_free_space,
    copy_database,
    fsync_folder,
    remove_with_journals,
    write_problem,
)
from rehab_tracker.data.errors import DatabaseError
from rehab_tracker.data.private_files import private_file
from rehab_tracker.data.sqlite_file import connect_read_only

_JOURNALS = ("-wal", "-shm", "-journal")
#: byte of the ``-shm`` file every connection holds a read lock on (SQLite's UNIX_SHM_DMS:
#: 120 + 8 lock bytes)
_SHM_DMS_BYTE = 128
_STAMP = "%Y%m%d-%H%M%S"


class RestoreRefused(DatabaseError):
    """The restore was not done (a bad backup, the database in use); nothing was changed."""


@dataclass(frozen=True)
class Restored:
    """What :func:`restore_backup` did."""

    database: Path
    backup: Path
    #: the schema revision the backup was at (the restored file is upgraded from it if older)
    revision: str
    #: where the replaced file was kept (None when there was no file to replace)
    replaced: Path | None


def restore_backup(
    database: Path,
    backup: Path,
    *,
    actor: str,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> Restored:
    """Put ``backup`` in the place of the SQLite file ``database`` (see the module docstring)."""
    problem = backup_problem(backup)
    if problem is not None:
        raise RestoreRefused(
            f"{backup} cannot be restored: {problem}; nothing was changed"
        )
    if not database.parent.is_dir():
        raise RestoreRefused(f"the folder {database.parent} does not exist; nothing was changed")
    if not os.access(database.parent, os.W_OK | os.X_OK):
        raise RestoreRefused(f"the folder {database.parent} is read-only; nothing was changed")
    _refuse_if_in_use(database)
    check_free_space(database.parent, backup.stat().st_size, "the restored database")
    revision = _revision(backup)
    incoming = database.parent / f".{database.name}.restoring"
    remove_with_journals(incoming)  # left by a restore that was interrupted
    try:
        private_file(incoming, exclusive=True)  # 0600 before a byte of patient data is in it
        _copy(backup, incoming, progress)
        problem = backup_problem(incoming)
        if problem is not None:
            raise RestoreRefused(f"the copy of {backup} failed its check ({problem}); "
                                 "nothing was changed")
        with open(incoming, "rb") as handle:
            os.fsync(handle.fileno())
        _refuse_if_in_use(database)
        replaced = _keep_current(database, now or dt.datetime.now(dt.UTC))
        os.replace(incoming, database)
        fsync_folder(database.parent)
    finally:
        remove_with_journals(incoming)
    _record(database, backup, revision, replaced, actor)
    return Restored(database, backup, revision, replaced)


def _copy(backup: Path, incoming: Path, progress: Progress | None) -> None:
    try:
        copy_database(backup, incoming, progress)
    except sqlite3.Error as exc:  # e.g. the disk filled up meanwhile
        raise RestoreRefused(
            f"the backup could not be copied into {incoming.parent}: "
            f"{write_problem(exc, incoming)}; nothing was changed"
        ) from exc


def _refuse_if_in_use(database: Path) -> None:
    if _in_use(database):
        raise RestoreRefused(
            f"{database} is open in another program or on another workstation; close Rehab "
            "Tracker there (and any program using the file) and try again; nothing was changed"
        )


def _in_use(database: Path) -> bool:
    """Whether another process holds a connection to the WAL database ``database``."""
    shm = Path(f"{database}-shm")
    if not shm.exists():
        return False  # a WAL connection always has the -shm file; none means no connection
    try:
        import fcntl
    except ImportError:  # Windows: the rename below fails on a file another program holds
        return False
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError as exc:
        raise RestoreRefused(
            f"cannot tell whether {database} is in use ({exc.strerror}); nothing was changed"
        ) from exc
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


def _keep_current(database: Path, now: dt.datetime) -> Path | None:
    """Rename ``database`` and its journals to a dated copy beside it; None when it is missing."""
    if not database.exists():
        for suffix in _JOURNALS:  # journals of a file that is gone belong to nothing
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        return None
    kept = database.with_name(f"{database.stem}-replaced-{now.strftime(_STAMP)}.db")
    counter = 1
    while kept.exists():
        counter += 1
        kept = database.with_name(f"{database.stem}-replaced-{now.strftime(_STAMP)}-{counter}.db")
    # journals first: a crash between two renames must never leave the database beside a
    # journal that is not its own (a database without its -wal only lacks the last commits,
    # which stay in the kept -wal)
    for suffix in _JOURNALS:
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{database}{suffix}", f"{kept}{suffix}")
    os.replace(database, kept)
    return kept


def _revision(path: Path) -> str:
    conn = connect_read_only(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def _record(
    database: Path, backup: Path, revision: str, replaced: Path | None, actor: str
) -> None:
    """Open the restored file the normal way and write the restore to its audit trail, then
    reset the trail's checkpoint to the restored trail (older than the one it replaced: not a
    trail whose newest entries were removed)."""
    from rehab_tracker.data import audit, trail_check
    from rehab_tracker.data.database import open_database

    db = open_database(database, create=False)
    try:
        with db.unit_of_work(actor) as session:
            audit.append(session, [(
                "restore", "database", database.name[:64], None,
                {
                    "backup": backup.name,
                    "backup_folder": str(backup.parent),
                    "backup_revision": revision,
                    "replaced_copy": replaced.name if replaced else None,
                },
            )])
        trail_check.record_checkpoint(db, "restore", forget_verified=True)
    finally:
        db.close()
