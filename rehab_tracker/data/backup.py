"""SQLite backups through the online backup API: checked before they are kept, thinned.

A file copy of a live database can catch it half-written; ``sqlite3.Connection.backup`` copies a
consistent snapshot while other connections keep working. The copy is written to a hidden
temporary file beside its final name and renamed into place only once it passes
:func:`backup_problem` (SQLite's full ``integrity_check``, our application id, a schema revision
this version knows, not empty); a full disk or a failed check leaves no file behind and says so in
one line (:class:`BackupError`). Before a backup, and before a migration (which needs room for its
backup and for the tables it rebuilds), the free space is checked (:class:`NotEnoughSpace`).

After every backup old ones are thinned the way Anki does: every backup of the last day, then one
a day for a week, one a week for a month, one a month for a year.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rehab_tracker.data import locations
from rehab_tracker.data.errors import (
    DatabaseBusy,
    DatabaseError,
    DatabaseReadOnly,
    DiskFull,
    EnvironmentProblem,
    StorageIOError,
    translate,
)
from rehab_tracker.data.private_files import private_dir, private_file
from rehab_tracker.data.sqlite_file import (
    _HEADER,
    APPLICATION_ID,
    OUR_TABLES,
    connect_read_only,
)

_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})(?:-(?P<reason>[\w.-]+))?\.db$")
#: free space a backup or a migration must leave on the disk, beyond what it writes itself
SPACE_MARGIN = 1024 * 1024
#: pages copied per step of the online backup (between two progress reports)
_PAGES_PER_STEP = 256

#: ``progress(done, total)`` in pages, called while a copy runs
Progress = Callable[[int, int], object]


class BackupError(DatabaseError):
    """A backup could not be made (a full disk, a write error, a copy that fails its check);
    no file was left behind."""


class NotEnoughSpace(DatabaseError):
    """The disk has too little free space for a backup, a migration or a restore."""


def backup_name(stem: str, when: dt.datetime, reason: str) -> str:
    safe_reason = re.sub(r"[^\w.-]+", "-", reason).strip("-") or "manual"
    return f"{stem}-{when.strftime(_STAMP)}-{safe_reason}.db"


def database_size(path: Path) -> int:
    """The bytes a copy of the database at ``path`` may need: the file and its ``-wal``."""
    size = 0
    for file in (path, Path(f"{path}-wal")):
        with contextlib.suppress(FileNotFoundError):
            size += file.stat().st_size
    return size


def check_free_space(folder: Path, needed: int, what: str) -> None:
    """Refuse (:class:`NotEnoughSpace`, one line) when the disk holding ``folder`` has less
    free space than ``needed`` bytes plus :data:`SPACE_MARGIN`."""
    free = shutil.disk_usage(folder).free
    wanted = needed + SPACE_MARGIN
    if free < wanted:
        raise NotEnoughSpace(
            f"not enough free space for {what} in {folder}: {megabytes(free)} free, "
            f"{megabytes(wanted)} needed; nothing was written; free some space (or ask your "
            "IT support) and try again"
        )


def megabytes(size: int) -> str:
    """A file size for people: "2.9 MB" (one decimal; "0.1 MB" at least for a non-empty file)."""
    shown = size / 1_000_000
    return f"{max(shown, 0.1) if size else 0:.1f} MB"


def online_backup(
    source: Path, dest_dir: Path, reason: str, progress: Progress | None = None
) -> Path:
    """Copy ``source`` into ``dest_dir`` as a checked, timestamped file, then thin the history
    of ``source``'s backups; returns the new file's path (see the module docstring)."""
    private_dir(dest_dir, ours=True)
    check_free_space(dest_dir, database_size(source), "a backup")
    target = dest_dir / backup_name(source.stem, dt.datetime.now(dt.UTC), reason)
    partial = dest_dir / f".{target.name}.partial"  # never listed: not a backup's name
    try:
        private_file(partial, exclusive=True)  # 0600 before a byte of patient data is copied in
        copy_database(source, partial, progress)
        problem = backup_problem(partial)
        if problem is not None:
            raise BackupError(
                f"the backup of {source} failed its check ({problem}); no backup file was left"
            )
        _durable_rename(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(
            f"the backup could not be written to {dest_dir}: {write_problem(exc, partial)}; "
            "no backup file was left"
        ) from exc
    finally:
        remove_with_journals(partial)
    thin_backups(dest_dir, source.stem)
    return target


def backup_before_upgrade(path: Path, revision: str) -> Path:
    """The backup taken before migrating ``path`` from ``revision``, once there is room for it
    and for the migration (which rebuilds tables: up to the database's size again)."""
    check_free_space(path.parent, 2 * database_size(path), "upgrading the database")
    return online_backup(path, locations.backup_dir_for(path), f"before-upgrade-{revision}")


def copy_database(source: Path, target: Path, progress: Progress | None = None) -> None:
    """``source`` (read-only) copied through the online backup API into the new file ``target``,
    as one self-contained file, stamped with our application id when it is one of ours from
    before the stamp."""
    src = connect_read_only(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=_PAGES_PER_STEP, progress=_pages(progress))
            if _made_before_the_stamp(dst):
                dst.execute(f"PRAGMA application_id={APPLICATION_ID}")
                dst.commit()
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _made_before_the_stamp(conn: sqlite3.Connection) -> bool:
    """A Rehab Tracker database from before the app stamped its files: no application id, and
    the tables every schema has (another application's file is never stamped as ours)."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != 0:
        return False
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return tables >= OUR_TABLES


def _pages(progress: Progress | None) -> Callable[[int, int, int], object] | None:
    if progress is None:
        return None
    return lambda _status, remaining, total: progress(total - remaining, total)


def write_problem(exc: sqlite3.Error, path: Path) -> str:
    """A few words for a failed write (never the driver's text, which may carry data)."""
    problem = translate(exc, path)
    for kind, words in _WRITE_PROBLEMS.items():
        if isinstance(problem, kind):
            return words
    return f"SQLite error {getattr(exc, 'sqlite_errorname', type(exc).__name__)}"


_WRITE_PROBLEMS: dict[type[EnvironmentProblem], str] = {
    DiskFull: "the disk is full",
    DatabaseReadOnly: "the folder or its disk is read-only",
    StorageIOError: "a disk or file system error",
    DatabaseBusy: "the file is in use",
}


def _durable_rename(partial: Path, target: Path) -> None:
    """``partial`` on the disk, then renamed to ``target`` (the folder's entry on the disk too)."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_with_journals(path: Path) -> None:
    """Remove ``path`` and any ``-journal``, ``-wal`` or ``-shm`` file SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def backup_problem(path: Path) -> str | None:
    """Why ``path`` is not a sound backup of a Rehab Tracker database, or None when it is.

    Sound: not empty, an SQLite file passing the full ``integrity_check``, with our application
    id (or, for a backup made before the app stamped its files, none and the tables every
    schema has), and one schema revision this version knows. Read-only: the file never changes.
    """
    problem = _header_problem(path)
    if problem is not None:
        return problem
    try:
        found = _read_stamp(path)
    except sqlite3.DatabaseError as exc:
        return f"it cannot be read as a database ({exc})"
    return found if isinstance(found, str) else _stamp_problem(*found)


def _header_problem(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_HEADER))
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    if not header:
        return "it is empty (0 bytes)"
    return None if header == _HEADER else "it is not an SQLite database"


def _stamp_problem(app_id: int, tables: frozenset[str], revisions: list[str]) -> str | None:
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and not tables >= OUR_TABLES):
        return "it is not a Rehab Tracker database"
    if len(revisions) != 1:
        return "it names no schema revision"
    if revisions[0] not in locations.known_revisions():
        return f"it names schema revision {revisions[0]}, which this version does not know"
    return None


def _read_stamp(path: Path) -> str | tuple[int, frozenset[str], list[str]]:
    """The integrity problem of ``path``, or (application id, table names, revisions)."""
    conn = connect_read_only(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            return "integrity check failed: " + "; ".join(" ".join(str(r[0]).split())
                                                          for r in rows[:3])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = frozenset(str(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
        revisions = (
            [str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")]
            if "alembic_version" in tables else []
        )
    finally:
        conn.close()
    return app_id, tables, revisions


def list_backups(dest_dir: Path, stem: str) -> list[tuple[dt.datetime, Path]]:
    """Backups of the database named ``stem``, newest first."""
    if not dest_dir.is_dir():
        return []
    found = []
    for path in dest_dir.iterdir():
        match = _NAME.match(path.name)
        if match and match["stem"] == stem:
            when = dt.datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=dt.UTC)
            found.append((when, path))
    return sorted(found, reverse=True)


def passes_integrity_check(path: Path) -> bool:
    """Whether ``path`` is a sound backup (:func:`backup_problem` finds nothing)."""
    return backup_problem(path) is None


def latest_good_backup(dest_dir: Path, stem: str) -> Path | None:
    """The newest backup that is sound (:func:`backup_problem`: integrity, ours, not empty)."""
    for _, path in list_backups(dest_dir, stem):
        if passes_integrity_check(path):
            return path
    return None


@dataclass(frozen=True)
class BackupInfo:
    """One backup as the restore list shows it."""

    path: Path
    taken: dt.datetime
    size: int
    #: patients in the backup (None when it cannot be read)
    patients: int | None
    #: why it cannot be restored (:func:`backup_problem`), None when it is sound
    problem: str | None


def describe_backups(dest_dir: Path, stem: str) -> list[BackupInfo]:
    """The backups of ``stem``, newest first, each checked and its patients counted, read-only."""
    return [_describe(path, taken) for taken, path in list_backups(dest_dir, stem)]


def _describe(path: Path, taken: dt.datetime) -> BackupInfo:
    problem = backup_problem(path)
    patients = None
    if problem is None:
        conn = connect_read_only(path)
        try:
            patients = int(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
        finally:
            conn.close()
    return BackupInfo(path, taken, path.stat().st_size, patients, problem)


def backups_to_keep(stamps: Iterable[dt.datetime], now: dt.datetime) -> set[dt.datetime]:
    """Which backups a thinned history keeps (all within a day, then daily/weekly/monthly)."""
    ordered = sorted(stamps, reverse=True)
    # the newest backup is never thinned away, however old: it may be the only copy left
    keep: set[dt.datetime] = set(ordered[:1])
    seen: set[tuple[str, object]] = set()
    for stamp in ordered:
        age = now - stamp
        if age <= dt.timedelta(days=1):
            keep.add(stamp)
            continue
        if age <= dt.timedelta(days=7):
            bucket: tuple[str, object] = ("day", stamp.date())
        elif age <= dt.timedelta(days=31):
            bucket = ("week", tuple(stamp.isocalendar())[:2])
        elif age <= dt.timedelta(days=366):
            bucket = ("month", (stamp.year, stamp.month))
        else:
            continue
        if bucket not in seen:
            seen.add(bucket)
            keep.add(stamp)
    return keep


def thin_backups(dest_dir: Path, stem: str, now: dt.datetime | None = None) -> list[Path]:
    """Delete backups the thinned history no longer needs; returns the deleted paths."""
    found = list_backups(dest_dir, stem)
    keep = backups_to_keep((when for when, _ in found), now or dt.datetime.now(dt.UTC))
    removed = []
    for when, path in found:
        if when not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
