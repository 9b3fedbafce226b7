"""Online backups and their thinned history."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab_tracker.data import locations
from rehab_tracker.data.backup import (
    backup_name,
    backups_to_keep,
    latest_good_backup,
    list_backups,
    passes_integrity_check,
    thin_backups,
)
from rehab_tracker.data.database import Database, DatabaseError
from tests.data.helpers import make_patient

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _numbers(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in conn.execute("SELECT record_number FROM patients"))
    finally:
        conn.close()


def _add(db: Database, *numbers: str) -> None:
    with db.unit_of_work() as session:
        for number in numbers:
            session.add(make_patient(number))


def test_backup_is_a_good_self_contained_copy(db: Database, db_path: Path) -> None:
    _add(db, "RT-00001", "RT-00002")
    made = db.backup()
    assert made.parent == locations.backup_dir_for(db_path)
    assert made.name.startswith(f"{db_path.stem}-") and made.name.endswith("-manual.db")
    assert passes_integrity_check(made)
    assert _numbers(made) == ["RT-00001", "RT-00002"]
    conn = sqlite3.connect(made)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()
    assert not Path(f"{made}-wal").exists()


def test_backup_while_another_connection_reads(db: Database, db_path: Path) -> None:
    _add(db, "RT-00001")
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM patients").fetchone() == (1,)
        made = db.backup("while-reading")
        assert reader.execute("SELECT count(*) FROM patients").fetchone() == (1,)
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert passes_integrity_check(made)
    assert _numbers(made) == ["RT-00001"]


def test_backup_during_a_write_has_only_committed_rows(db: Database) -> None:
    _add(db, "RT-00001")
    with db.unit_of_work() as session:
        session.add(make_patient("RT-00002"))
        session.flush()
        made = db.backup("mid-write")
    assert passes_integrity_check(made)
    assert _numbers(made) == ["RT-00001"]


def test_backup_to_a_chosen_folder(db: Database, tmp_path: Path) -> None:
    made = db.backup("usb", dest_dir=tmp_path / "usb")
    assert made.parent == tmp_path / "usb"
    assert passes_integrity_check(made)


def test_postgres_backup_is_refused_with_a_reason(tmp_path: Path) -> None:
    database = Database(url="postgresql+psycopg://x@h/db", engine=None, path=None,  # type: ignore[arg-type]
                        _writer=None, _reader=None)  # type: ignore[arg-type]
    with pytest.raises(DatabaseError, match="pg_dump"):
        database.backup()


def test_latest_good_backup_skips_a_corrupt_newer_one(db: Database, db_path: Path) -> None:
    _add(db, "RT-00001")
    older = db.backup("first")
    newer = db.backup("second")
    folder = locations.backup_dir_for(db_path)
    assert [p for _, p in list_backups(folder, db_path.stem)][:2] == [newer, older]
    assert latest_good_backup(folder, db_path.stem) == newer
    newer.write_bytes(newer.read_bytes()[:3000])
    assert not passes_integrity_check(newer)
    assert latest_good_backup(folder, db_path.stem) == older
    older.write_text("not a database", encoding="utf-8")
    assert latest_good_backup(folder, db_path.stem) is None


def test_backups_of_other_databases_are_ignored(tmp_path: Path, db: Database) -> None:
    other = tmp_path / backup_name("other", NOW, "manual")
    other.write_bytes(b"")
    mine = tmp_path / backup_name("clinic", NOW, "manual")
    mine.write_bytes(b"")
    (tmp_path / "clinic-notes.txt").write_text("x", encoding="utf-8")
    assert [p for _, p in list_backups(tmp_path, "clinic")] == [mine]
    assert thin_backups(tmp_path, "clinic", NOW) == []
    assert other.exists()


def test_thinning_real_files(tmp_path: Path) -> None:
    ages = [
        dt.timedelta(minutes=5), dt.timedelta(hours=3), dt.timedelta(hours=23),   # last day: all
        dt.timedelta(days=2, hours=1), dt.timedelta(days=2, hours=2),            # same day: 1
        dt.timedelta(days=40), dt.timedelta(days=41),                            # same month: 1
        dt.timedelta(days=400),                                                  # too old
    ]
    paths = {}
    for age in ages:
        path = tmp_path / backup_name("clinic", NOW - age, "auto")
        path.write_bytes(b"")
        paths[age] = path
    removed = thin_backups(tmp_path, "clinic", NOW)
    left = {age for age, path in paths.items() if path.exists()}
    assert left == {
        dt.timedelta(minutes=5), dt.timedelta(hours=3), dt.timedelta(hours=23),
        dt.timedelta(days=2, hours=1), dt.timedelta(days=40),
    }
    assert sorted(removed) == sorted(paths[a] for a in set(ages) - left)


def _bucket(stamp: dt.datetime, now: dt.datetime) -> tuple[str, object] | None:
    age = now - stamp
    if age <= dt.timedelta(days=1):
        return None
    if age <= dt.timedelta(days=7):
        return ("day", stamp.date())
    if age <= dt.timedelta(days=31):
        return ("week", tuple(stamp.isocalendar())[:2])
    if age <= dt.timedelta(days=366):
        return ("month", (stamp.year, stamp.month))
    return ("expired", None)


_stamps = st.lists(
    st.datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 11, 24),
    ).map(lambda d: d.replace(tzinfo=dt.UTC)),
    min_size=1,
    max_size=60,
    unique=True,
)


@settings(max_examples=300, deadline=None)
@given(stamps=_stamps)
def test_backups_to_keep_properties(stamps: list[dt.datetime]) -> None:
    kept = backups_to_keep(stamps, NOW)
    assert kept <= set(stamps)
    assert max(stamps) in kept  # the newest backup is never thinned away
    buckets: dict[tuple[str, object], list[dt.datetime]] = {}
    for stamp in stamps:
        bucket = _bucket(stamp, NOW)
        if bucket is None:
            assert stamp in kept  # everything from the last day
        else:
            buckets.setdefault(bucket, []).append(stamp)
    for bucket, members in buckets.items():
        kept_here = [s for s in members if s in kept]
        if bucket[0] == "expired":
            assert kept_here in ([], [max(stamps)])
        else:
            assert kept_here == [max(members)]  # one per bucket: its newest
    older = [s for s in kept if _bucket(s, NOW) is not None and s != max(stamps)]
    assert len(older) <= 8 + 5 + 13  # days of a week, weeks of a month, months of a year
