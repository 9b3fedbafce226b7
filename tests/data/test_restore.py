"""Restoring a backup (issue 10 item 9), with a restore drill after a real crash.

The drill: a process writing to the clinic database is killed with SIGKILL mid-write (its ``-wal``
and ``-shm`` stay beside the file, as after a power cut), the last backup is restored, and every
row of every table of the backup is in the restored database, which passes ``integrity_check``.
The replaced file is kept, dated, with its own journal, and still holds what the killed process
had committed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data import audit, locations
from rehab_tracker.data.backup import backup_problem, describe_backups
from rehab_tracker.data.database import Database, DatabaseError, open_database
from rehab_tracker.data.models import AuditEntry
from rehab_tracker.data.restore import RestoreRefused, restore_backup
from tests.data.helpers import file_digest, make_patient

WRITER = """
import sys, time
from rehab_tracker.data.database import open_database
from tests.data.helpers import make_patient
db = open_database(sys.argv[1])
i = 0
while True:
    with db.unit_of_work("writer") as session:
        for j in range(20):
            session.add(make_patient(f"RT-W{i:04d}{j:02d}", notes="y" * 2000))
    i += 1
    print(i, flush=True)
"""


def _rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table (read-only)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: set(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _add(db: Database, *numbers: str) -> None:
    with db.unit_of_work("tester") as session:
        for number in numbers:
            session.add(make_patient(number))


def _crash_a_writer(db_path: Path, commits: int = 15) -> int:
    """Start a process writing patients to ``db_path`` and SIGKILL it mid-write after at least
    ``commits`` commits; returns how many it reported as committed."""
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], cwd=root,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    done = 0
    deadline = time.monotonic() + 120
    while done < commits and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        done = int(line)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert done >= commits, "the writer did not get going"
    return done


def test_restore_drill_after_a_real_crash(db: Database, db_path: Path) -> None:
    _add(db, "RT-00001", "RT-00002", "RT-00003")
    backup = db.backup("manual")
    _add(db, "RT-00004")
    db.close()
    committed = _crash_a_writer(db_path)
    wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
    assert wal.exists() and wal.stat().st_size > 0 and shm.exists()  # the crash's hot journal

    restored = restore_backup(db_path, backup, actor="ada")

    assert _integrity(db_path) == "ok"
    in_backup, now = _rows(backup), _rows(db_path)
    for table, rows in in_backup.items():
        missing = rows - now[table]
        assert not missing, f"{table}: {len(missing)} rows of the backup are missing"
        if table != "audit_log":  # the trail has one entry more: the restore
            assert now[table] == rows, table
    assert len(now["audit_log"]) == len(in_backup["audit_log"]) + 1
    # the replaced file is kept with its own journal, and nothing the writer committed is lost
    kept = restored.replaced
    assert kept is not None and kept.parent == db_path.parent and kept.exists()
    assert _integrity(kept) == "ok"
    conn = sqlite3.connect(kept)
    try:
        written = conn.execute("SELECT count(*) FROM patients WHERE record_number LIKE 'RT-W%'")
        assert written.fetchone()[0] >= committed * 20
    finally:
        conn.close()
    database = open_database(db_path)
    try:
        with database.reading() as session:
            assert audit.verify_chain(session) == []
    finally:
        database.close()


def test_restore_is_recorded_in_the_trail_of_the_restored_database(
    db: Database, db_path: Path
) -> None:
    _add(db, "RT-00001")
    backup = db.backup("manual")
    db.close()
    restored = restore_backup(db_path, backup, actor="ada")
    database = open_database(db_path)
    try:
        with database.reading() as session:
            last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
            assert audit.verify_chain(session) == []
    finally:
        database.close()
    assert last is not None and last.action == "restore" and last.actor == "ada"
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600  # private like every database
    assert last.entity == "database"
    assert last.after is not None and restored.replaced is not None
    assert last.after["backup"] == backup.name
    assert last.after["replaced_copy"] == restored.replaced.name
    assert "backup_revision" in last.after


def test_a_manual_copy_beside_a_crash_journal_is_what_restore_avoids(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    """Why the journal must travel with its database: the backup copied over the file with the
    crash's -wal left beside it is not the backup any more (SQLite replays the wrong journal)."""
    _add(db, "RT-00001")
    backup = db.backup("manual")
    db.close()
    _crash_a_writer(db_path)
    naive = tmp_path / "naive"
    naive.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db_path}{suffix}")
        (naive / f"clinic.db{suffix}").write_bytes(source.read_bytes())
    (naive / "clinic.db").write_bytes(backup.read_bytes())  # the "manual restore"
    try:
        naive_state: object = (_integrity(naive / "clinic.db"), _rows(naive / "clinic.db"))
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed"
        naive_state = exc
    assert naive_state != ("ok", _rows(backup))  # the journal of another file was replayed

    restore_backup(db_path, backup, actor="ada")
    assert _rows(db_path)["patients"] == _rows(backup)["patients"]


@pytest.mark.parametrize("kind", ["empty", "truncated", "foreign", "missing"])
def test_a_bad_backup_is_refused_and_nothing_changes(
    db: Database, db_path: Path, tmp_path: Path, kind: str
) -> None:
    _add(db, "RT-00001")
    made = db.backup("manual")
    db.close()
    bad = tmp_path / "bad.db"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(made.read_bytes()[:5000])
    elif kind == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE patients (name TEXT)")
        conn.commit()
        conn.close()
    before = file_digest(db_path)
    listing = sorted(os.listdir(db_path.parent))
    with pytest.raises(RestoreRefused) as caught:
        restore_backup(db_path, bad, actor="ada")
    assert "\n" not in str(caught.value) and "nothing was changed" in str(caught.value)
    assert file_digest(db_path) == before
    assert sorted(os.listdir(db_path.parent)) == listing


def test_restore_is_refused_while_another_program_has_the_database_open(
    db: Database, db_path: Path
) -> None:
    _add(db, "RT-00001")
    backup = db.backup("manual")
    _add(db, "RT-00002")
    db.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db_path)!r})\n"
         "c.execute('SELECT count(*) FROM patients').fetchall()\n"
         "print('open', flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = file_digest(db_path)
        with pytest.raises(RestoreRefused, match="open in another program"):
            restore_backup(db_path, backup, actor="ada")
        assert file_digest(db_path) == before
    finally:
        holder.kill()
        holder.wait()
    restore_backup(db_path, backup, actor="ada")  # once it is closed, the restore goes ahead
    conn = sqlite3.connect(db_path)
    try:
        assert [r[0] for r in conn.execute("SELECT record_number FROM patients")] == ["RT-00001"]
    finally:
        conn.close()


def test_an_older_backup_is_upgraded_after_the_restore(tmp_path: Path, db_path: Path) -> None:
    import gzip

    old = tmp_path / "old-0001.db"
    old.write_bytes(gzip.decompress(
        (Path(__file__).parent / "fixtures" / "clinic-0001.db.gz").read_bytes()))
    assert backup_problem(old) is None  # a backup from before the app stamped its files
    restored = restore_backup(db_path, old, actor="ada")
    assert restored.revision == "0001"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            locations.newest_revision_file()
        )
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 2
    finally:
        conn.close()


def test_describe_backups_reads_date_size_and_patients_read_only(
    db: Database, db_path: Path
) -> None:
    _add(db, "RT-00001", "RT-00002")
    first = db.backup("first")
    _add(db, "RT-00003")
    second = db.backup("second")
    digests = {p: file_digest(p) for p in (first, second)}
    found = describe_backups(locations.backup_dir_for(db_path), db_path.stem)
    assert [(b.path, b.patients, b.problem) for b in found] == [(second, 3, None), (first, 2, None)]
    assert all(b.size == b.path.stat().st_size for b in found)
    assert {p: file_digest(p) for p in (first, second)} == digests
    assert sorted(os.listdir(first.parent)) == sorted([first.name, second.name])



def test_a_disk_too_small_for_the_restored_copy_changes_nothing(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real 2 MB tmpfs: refused before the copy when the space is known to be short, and
    when the disk fills during the copy (the space check fooled), the half copy is removed."""
    import shutil
    from typing import NamedTuple

    from tests.data.helpers import tmpfs
    from tests.data.test_backup_safety import _fill

    _fill(db, 3)
    backup = db.backup("manual")
    db.close()
    with tmpfs(tmp_path / "small", 2 * 1024 * 1024) as mount:
        target = mount / "clinic.db"
        small = open_database(target)
        _add(small, "RT-SMALL")
        small.close()
        before, listing = file_digest(target), sorted(os.listdir(mount))
        with pytest.raises(DatabaseError, match="not enough free space"):
            restore_backup(target, backup, actor="ada")
        assert file_digest(target) == before and sorted(os.listdir(mount)) == listing

        class Usage(NamedTuple):
            total: int
            used: int
            free: int

        monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(2**40, 0, 2**40))
        with pytest.raises(RestoreRefused) as caught:
            restore_backup(target, backup, actor="ada")
        assert "the disk is full" in str(caught.value) and "\n" not in str(caught.value)
        assert file_digest(target) == before and sorted(os.listdir(mount)) == listing
