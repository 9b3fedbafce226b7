"""A backup is either a complete, checked copy or nothing (issue 10 item 8).

Backups are written to a hidden temporary file and renamed into place only after they pass
``integrity_check``, carry our application id and a known schema revision and are not empty. A
full disk (a real tmpfs) gives one line and leaves no file; free space is checked before a backup
and before a migration; every backup, the one before a migration too, thins the history.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import sqlite3
from pathlib import Path
from typing import NamedTuple

import pytest

from rehab_tracker.data import locations
from rehab_tracker.data.backup import (
    BackupError,
    NotEnoughSpace,
    backup_name,
    backup_problem,
    latest_good_backup,
    list_backups,
    online_backup,
)
from rehab_tracker.data.database import Database, DatabaseError, open_database
from rehab_tracker.data.sqlite_file import APPLICATION_ID
from tests.data.helpers import make_patient, tmpfs

FIXTURES = Path(__file__).parent / "fixtures"


def _fill(db: Database, megabytes: int) -> None:
    """About ``megabytes`` MB of patient rows (long notes), in one transaction."""
    with db.unit_of_work() as session:
        for i in range(megabytes * 100):
            session.add(make_patient(f"RT-{i:05d}", notes=f"{i} " + "x" * 10_000))


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text.strip() == text and text
    return text


def _pragma(path: Path, name: str) -> object:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


class Usage(NamedTuple):
    total: int
    used: int
    free: int


def test_a_backup_carries_our_application_id_and_the_schema_revision(db: Database) -> None:
    _fill(db, 1)
    made = db.backup("manual")
    assert _pragma(made, "application_id") == APPLICATION_ID
    assert _pragma(made, "integrity_check") == "ok"
    conn = sqlite3.connect(f"{made.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (locations.newest_revision_file(),)
        ]
    finally:
        conn.close()
    assert backup_problem(made) is None
    # nothing but the backup itself is left in the folder (no temporary file, no journal)
    assert sorted(os.listdir(made.parent)) == [made.name]


def test_a_disk_that_fills_during_the_backup_leaves_no_file_and_one_line(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The free-space check passed (the disk filled up meanwhile: another program writing, or
    a file system that over-reports its space); the copy runs out of room half-way."""
    _fill(db, 3)
    assert db.path is not None and db.path.stat().st_size > 2 * 1024 * 1024
    with tmpfs(tmp_path / "usb", 2 * 1024 * 1024) as usb:
        monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(2**40, 0, 2**40))
        with pytest.raises(DatabaseError) as caught:
            db.backup("manual", dest_dir=usb / "backups")
        line = _one_line(caught.value)
        assert isinstance(caught.value, BackupError)
        assert "full" in line and "no backup file was left" in line
        assert os.listdir(usb / "backups") == []  # no partial file, no journal
        assert latest_good_backup(usb / "backups", "clinic") is None
        usage = os.statvfs(usb)
        assert usage.f_bfree * usage.f_frsize > 1.9 * 1024 * 1024  # the space is given back
    with db.reading() as session:  # the database itself is untouched and usable
        from sqlalchemy import text

        assert session.execute(text("SELECT count(*) FROM patients")).scalar() == 300


def test_too_little_free_space_is_refused_before_a_byte_is_written(
    tmp_path: Path, db: Database
) -> None:
    _fill(db, 3)
    with tmpfs(tmp_path / "usb", 2 * 1024 * 1024) as usb:
        with pytest.raises(NotEnoughSpace) as caught:
            db.backup("manual", dest_dir=usb / "backups")
        line = _one_line(caught.value)
        assert "free space" in line and str(usb / "backups") in line
        assert os.listdir(usb / "backups") == []
        assert os.statvfs(usb).f_bfree == os.statvfs(usb).f_blocks  # nothing written at all


def test_free_space_is_checked_before_a_migration(tmp_path: Path) -> None:
    """An old clinic file on a disk with room for neither its backup nor the rebuilt tables:
    refused in one line, the file byte-identical, no backup file started."""
    old = gzip.decompress((FIXTURES / "clinic-0001.db.gz").read_bytes())
    with tmpfs(tmp_path / "small", len(old) + 1024 * 1024) as mount:
        path = mount / "clinic.db"
        path.write_bytes(old)
        before = _revision_and_counts(path)
        with pytest.raises(NotEnoughSpace) as caught:
            open_database(path)
        line = _one_line(caught.value)
        assert "upgrad" in line and "free space" in line
        assert sorted(os.listdir(mount)) == ["clinic.db"]  # no backup, no -wal left open
        # (opening switched it to WAL, a header byte, before the revision was known; every
        # row and the revision are as they were)
        assert _revision_and_counts(path) == before


def _revision_and_counts(path: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return (
            conn.execute("SELECT version_num FROM alembic_version").fetchall(),
            *(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables),
        )
    finally:
        conn.close()


def test_a_zero_byte_backup_is_never_the_latest_good_backup(db: Database, db_path: Path) -> None:
    good = db.backup("first")
    folder = locations.backup_dir_for(db_path)
    empty = folder / backup_name(db_path.stem, dt.datetime.now(dt.UTC), "left-by-a-full-disk")
    empty.write_bytes(b"")
    assert next(p for _, p in list_backups(folder, db_path.stem)) == empty
    assert backup_problem(empty) is not None
    assert latest_good_backup(folder, db_path.stem) == good


def test_a_backup_of_a_file_that_is_not_ours_is_not_kept(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError) as caught:
        online_backup(foreign, tmp_path / "backups", "manual")
    assert "not a Rehab Tracker database" in _one_line(caught.value)
    assert os.listdir(tmp_path / "backups") == []


def test_a_backup_naming_an_unknown_revision_is_refused(tmp_path: Path, db: Database) -> None:
    made = db.backup("manual")
    conn = sqlite3.connect(made)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert "9999" in (backup_problem(made) or "")


def test_every_backup_thins_the_history_also_the_one_before_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    path.write_bytes(gzip.decompress((FIXTURES / "clinic-0001.db.gz").read_bytes()))
    folder = locations.backup_dir_for(path)
    folder.mkdir()
    now = dt.datetime.now(dt.UTC)
    # three backups of one day ten days ago: a thinned history keeps only the newest of them
    old = [folder / backup_name("clinic", now - dt.timedelta(days=10, hours=h), "auto")
           for h in (1, 2, 3)]
    for file in old:
        shutil.copyfile(path, file)
    open_database(path).close()  # an upgrade: it backs the file up first
    left = [p for _, p in list_backups(folder, "clinic")]
    assert len(left) == 2 and left[1] == old[0]
    assert "before-upgrade-0001" in left[0].name
