"""Files that are not ours are refused untouched; ours carry an application id (issue 10 item 6).

Every refusal is one line, leaves the file byte-identical and creates nothing beside it (no
-wal/-shm, no backups folder). A database made by an earlier version (application id 0, our
``alembic_version`` and tables: the shipped 0001 fixture) still opens and is stamped on a write
open, never on a read-only one.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data import locations
from rehab_tracker.data.database import (
    DatabaseNotOurs,
    DatabaseOutdated,
    open_database,
)
from rehab_tracker.data.models import Patient
from rehab_tracker.data.sqlite_file import APPLICATION_ID
from tests.data.helpers import file_digest, make_patient

FIXTURES = Path(__file__).parent / "fixtures"


def application_id(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def _write_sqlite(path: Path, *statements: str) -> None:
    """A small SQLite file made by "another application" (rollback journal, as most are)."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _recipes(path: Path) -> None:
    _write_sqlite(
        path,
        "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)",
        "INSERT INTO recipes (title) VALUES ('Bread')",
    )


def _own_patients_table(path: Path) -> None:
    """Another clinic program, also on Alembic, with a ``patients`` table of its own."""
    _write_sqlite(
        path,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')",
        "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT, dob TEXT)",
        "INSERT INTO patients (name, dob) VALUES ('Ada Lovelace', '1980-05-17')",
    )


def _other_application_id(path: Path) -> None:
    """A file stamped by another application (Fossil's id), whatever its tables."""
    _write_sqlite(path, "PRAGMA application_id=0x0f055112", "CREATE TABLE t (x)")


def _no_tables(path: Path) -> None:
    _write_sqlite(path, "PRAGMA user_version=3")


def _empty_alembic_version(path: Path, template: Path) -> None:
    shutil.copyfile(template, path)
    _write_sqlite(path, "DELETE FROM alembic_version")


FOREIGN = {
    "zero-byte": (_zero_bytes, "empty file"),
    "recipes": (_recipes, "another application's SQLite database"),
    "own-patients-table": (_own_patients_table, "another application's SQLite database"),
    "other-application-id": (_other_application_id, "another application"),
    "no-tables": (_no_tables, "no tables"),
}


@pytest.mark.parametrize("kind", [*FOREIGN, "empty-alembic-version"])
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read-only"])
def test_a_file_that_is_not_ours_is_refused_byte_identical(
    kind: str, read_only: bool, tmp_path: Path, migrated_template: Path
) -> None:
    path = tmp_path / "clinic.db"
    if kind == "empty-alembic-version":
        _empty_alembic_version(path, migrated_template)
        expected = "alembic_version table is empty"
    else:
        make, expected = FOREIGN[kind]
        make(path)
    before = file_digest(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(DatabaseNotOurs) as caught:
        open_database(path, read_only=read_only)

    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and expected in message
    assert "left untouched" in message
    assert file_digest(path) == before
    # a WAL database is looked at through SQLite's own read-only connection, which may leave an
    # empty -wal (and its -shm index) beside it; nothing else appears, nothing is written
    added = {p.name for p in tmp_path.iterdir()} - set(siblings)
    assert added <= {"clinic.db-wal", "clinic.db-shm"}, added
    assert not added or kind == "empty-alembic-version"
    wal = tmp_path / "clinic.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_new_database_is_created_where_no_file_exists_and_stamped(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(path).close()
    assert application_id(path) == APPLICATION_ID
    reopened = open_database(path)  # and it opens again as ours
    reopened.close()


def test_the_test_template_is_stamped(migrated_template: Path) -> None:
    assert application_id(migrated_template) == APPLICATION_ID


def _unstamped(path: Path) -> None:
    """What an earlier version left: our schema at the newest revision, application id 0."""
    _write_sqlite(path, "PRAGMA application_id=0")
    assert application_id(path) == 0


def test_a_database_from_before_the_stamp_opens_and_is_stamped_on_a_write_open(
    db_path: Path,
) -> None:
    database = open_database(db_path)
    with database.unit_of_work() as session:
        session.add(make_patient("RT-00042"))
    database.close()
    _unstamped(db_path)

    reader = open_database(db_path, read_only=True)
    with reader.reading() as session:
        assert session.scalars(select(Patient.record_number)).all() == ["RT-00042"]
    reader.close()
    assert application_id(db_path) == 0, "a read-only open changes nothing"

    writer = open_database(db_path)
    with writer.reading() as session:
        assert session.scalars(select(Patient.record_number)).all() == ["RT-00042"]
    writer.close()
    assert application_id(db_path) == APPLICATION_ID


def _release_0001(path: Path) -> Path:
    path.write_bytes(gzip.decompress((FIXTURES / "clinic-0001.db.gz").read_bytes()))
    return path


def test_the_shipped_0001_clinic_file_is_recognised_upgraded_and_stamped(tmp_path: Path) -> None:
    path = _release_0001(tmp_path / "clinic.db")
    assert application_id(path) == 0
    database = open_database(path)
    try:
        with database.reading() as session:
            assert len(session.scalars(select(Patient)).all()) == 2
    finally:
        database.close()
    assert application_id(path) == APPLICATION_ID
    [(_, backup)] = [
        (p.name, p) for p in locations.backup_dir_for(path).iterdir() if p.suffix == ".db"
    ]
    assert application_id(backup) == APPLICATION_ID  # stamped before its pre-upgrade backup


def test_the_shipped_0001_file_read_only_is_refused_as_outdated_and_untouched(
    tmp_path: Path,
) -> None:
    path = _release_0001(tmp_path / "clinic.db")
    before = file_digest(path)
    with pytest.raises(DatabaseOutdated, match="db upgrade") as caught:
        open_database(path, read_only=True)
    assert "\n" not in str(caught.value)
    assert file_digest(path) == before
    assert not locations.backup_dir_for(path).exists()
    # without needing the latest schema (db current, db check) it opens as it is
    open_database(path, read_only=True, upgrade=False).close()
    assert file_digest(path) == before


def test_a_new_database_on_a_full_disk_is_one_clear_error_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    """A new file that cannot be stamped is removed: an empty file left behind would be refused
    as "not a Rehab Tracker database" by the next open."""
    from rehab_tracker.data.errors import DiskFull
    from tests.data.helpers import tmpfs

    with tmpfs(tmp_path / "small", 64 * 1024) as mount:
        filler = mount / "filler"
        with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 4096)
        with pytest.raises(DiskFull):
            open_database(mount / "clinic.db")
        assert sorted(p.name for p in mount.iterdir()) == ["filler"]
