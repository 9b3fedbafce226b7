"""The check at every open is bounded (issue 12 item 2): the header, the schema and the first
pages of every table, not every page of the file. A damaged page it reaches is refused as
before; one deeper in a table is found by the full checks (``quick_check``, ``db check``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import DatabaseCorrupt, open_database, quick_check
from rehab_tracker.data.sqlite_file import examine
from tests.data.helpers import file_digest, make_patient


def _clinic(path: Path, patients: int = 300) -> None:
    """Enough patients (with long notes) for their table to span many pages; closed cleanly."""
    database = open_database(path)
    with database.unit_of_work("tester") as session:
        for number in range(patients):
            session.add(make_patient(f"RT-{number:05d}", notes="x" * 500))
    database.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _pages(path: Path, table: str, kind: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
            (table, kind),
        ).fetchall()
        return [int(r[0]) for r in rows]
    finally:
        conn.close()


def _scribble(path: Path, page: int) -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_a_damaged_root_page_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    _clinic(path)
    (root,) = _pages(path, "patients", "internal")[:1]
    _scribble(path, root)
    before = file_digest(path)
    with pytest.raises(DatabaseCorrupt):
        open_database(path)
    assert file_digest(path) == before


def test_a_deep_damaged_page_is_left_to_the_full_checks(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    _clinic(path)
    leaves = _pages(path, "patients", "leaf")
    assert len(leaves) > 10
    _scribble(path, leaves[len(leaves) // 2])  # neither the root nor the first leaf
    assert examine(path).corrupt is None  # the open's check does not read it...
    assert quick_check(path) is not None  # ...the full checks do
    assert examine(path, full=True).corrupt is not None
    database = open_database(path, upgrade=False, read_only=True)
    try:
        report = maintenance.check(database)
    finally:
        database.close()
    assert not report.ok and report.integrity != "ok"


def test_a_file_cut_short_is_refused_by_its_header(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    _clinic(path)
    data = path.read_bytes()
    path.write_bytes(data[:-4096])  # the last page gone: every table's root is still there
    found = examine(path)
    assert found.corrupt is not None and "shorter than its header says" in found.corrupt
    with pytest.raises(DatabaseCorrupt, match="shorter than its header says"):
        open_database(path)


def test_the_background_page_check_finds_the_deep_page_and_can_be_stopped(
    tmp_path: Path,
) -> None:
    from rehab_tracker.data.sqlite_file import PageCheck

    path = tmp_path / "clinic.db"
    _clinic(path)
    assert PageCheck(path).run() is None
    leaves = _pages(path, "patients", "leaf")
    _scribble(path, leaves[len(leaves) // 2])
    found = PageCheck(path).run()
    assert found is not None  # "database disk image is malformed", or quick_check's lines
    stopped = PageCheck(path)
    stopped.cancel()
    assert stopped.run() is None and stopped.cancelled
