"""SQLite backups through the online backup API, with a thinned history.

A file copy of a live database can catch it half-written; ``sqlite3.Connection.backup`` copies a
consistent snapshot while other connections keep working. Old backups are thinned the way Anki
does: every backup of the last day, then one a day for a week, one a week for a month, one a
month for a year.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from rehab_tracker.data.private_files import private_dir, private_file

_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})(?:-(?P<reason>[\w.-]+))?\.db$")


def backup_name(stem: str, when: dt.datetime, reason: str) -> str:
    safe_reason = re.sub(r"[^\w.-]+", "-", reason).strip("-") or "manual"
    return f"{stem}-{when.strftime(_STAMP)}-{safe_reason}.db"


def online_backup(source: Path, dest_dir: Path, reason: str) -> Path:
    """Copy ``source`` into ``dest_dir`` as a timestamped file; returns the new file's path."""
    private_dir(dest_dir, ours=True)
    target = dest_dir / backup_name(source.stem, dt.datetime.now(dt.UTC), reason)
    private_file(target, exclusive=True)  # 0600 before a byte of patient data is copied in
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    return target


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
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def latest_good_backup(dest_dir: Path, stem: str) -> Path | None:
    """The newest backup that passes SQLite's full integrity check."""
    for _, path in list_backups(dest_dir, stem):
        if passes_integrity_check(path):
            return path
    return None


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
