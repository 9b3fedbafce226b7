"""The encrypted home database (issue 14 item 3): SQLCipher through SQLAlchemy's pysqlcipher
dialect, keyed with the patient's passphrase; unreadable without it, refused in one line with a
wrong one, and left untouched then."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data import home_database, migrate
from rehab_tracker.data.home_database import HomeDatabaseLocked, open_home_database
from rehab_tracker.data.models import AuditEntry, Setting

pytestmark = pytest.mark.skipif(
    not home_database.available(), reason="sqlcipher3 (sqlcipher3-binary) is not installed"
)
WORDS = "abandon ability able about above absent"


def test_the_home_database_is_encrypted_and_opens_only_with_its_passphrase(
    tmp_path: Path, usual_umask: None
) -> None:
    path = tmp_path / "home.db"
    db = open_home_database(path, WORDS)
    try:
        with db.unit_of_work("home") as session:
            session.add(Setting(key="clinic", value={"name": "Harbour Physio Unique Name"}))
        with db.reading() as session:
            assert session.scalar(select(AuditEntry.entity).order_by(AuditEntry.seq.desc()))
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert revision == migrate.head_revision()
    finally:
        db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert not data.startswith(b"SQLite format 3\0")
    assert b"Harbour Physio" not in data and b"alembic_version" not in data
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(HomeDatabaseLocked) as locked:
        open_home_database(path, "abandon ability able about above absurd")
    assert "\n" not in str(locked.value) and "wrong passphrase" in str(locked.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # untouched

    again = open_home_database(path, WORDS)
    try:
        with again.reading() as session:
            row = session.get(Setting, "clinic")
            assert row is not None and row.value == {"name": "Harbour Physio Unique Name"}
    finally:
        again.close()


def test_a_plain_sqlite_file_is_not_taken_for_a_home_database(
    tmp_path: Path, migrated_template: Path
) -> None:
    path = tmp_path / "plain.db"
    path.write_bytes(migrated_template.read_bytes())
    with pytest.raises(HomeDatabaseLocked):
        open_home_database(path, WORDS)
    assert path.read_bytes() == migrated_template.read_bytes()
