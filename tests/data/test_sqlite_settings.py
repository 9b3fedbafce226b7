"""SQLite connection settings, and write transactions that take the write lock up front."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient, Surgery
from tests.data.helpers import make_patient


def _pragmas(conn: object) -> dict[str, object]:
    execute = conn.exec_driver_sql  # type: ignore[attr-defined]
    return {
        name: execute(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def _check(values: dict[str, object]) -> None:
    assert values["journal_mode"] == "wal"
    assert values["synchronous"] == 2  # FULL
    assert values["foreign_keys"] == 1
    assert isinstance(values["busy_timeout"], int) and values["busy_timeout"] > 0


def test_pooled_connection_settings(db: Database) -> None:
    with db.engine.connect() as conn:
        _check(_pragmas(conn))
    # the same connection again from the pool keeps them
    with db.engine.connect() as conn:
        _check(_pragmas(conn))


def test_session_connections_have_the_settings(db: Database) -> None:
    with db.unit_of_work() as session:
        _check(_pragmas(session.connection()))
    with db.reading() as session:
        _check(_pragmas(session.connection()))


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.unit_of_work() as session:
        session.add(Surgery(patient_id=uuid.uuid4(), surgery_date=make_patient().date_of_birth))


def _try_write_lock(path: Path) -> str | None:
    """Try to take the write lock from another connection; the error text, or None if taken."""
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


def test_unit_of_work_takes_the_write_lock_at_begin(db: Database, db_path: Path) -> None:
    """The first statement of a unit of work, even a SELECT, holds the write lock (BEGIN IMMEDIATE).

    With a deferred BEGIN a reader that later writes cannot wait for the lock (SQLite skips the
    busy handler) and concurrent read-modify-writes fail or are lost.
    """
    assert _try_write_lock(db_path) is None
    with db.unit_of_work() as session:
        session.execute(select(Patient.id)).all()  # only a read so far
        assert _try_write_lock(db_path) == "database is locked"
    assert _try_write_lock(db_path) is None  # released at commit


def test_unit_of_work_releases_the_lock_on_error(db: Database, db_path: Path) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        session.execute(select(Patient.id)).all()
        raise RuntimeError("user cancelled")
    assert _try_write_lock(db_path) is None


def test_reading_does_not_take_the_write_lock(db: Database, db_path: Path) -> None:
    with db.reading() as session:
        session.execute(select(Patient.id)).all()
        assert _try_write_lock(db_path) is None
        # and it holds a snapshot: a write committed meanwhile is not seen in this transaction
        other = sqlite3.connect(db_path)
        with other:
            other.execute(
                "INSERT INTO counters (name, value) VALUES ('snapshot', 1)"
            )
        other.close()
        assert session.execute(text("SELECT count(*) FROM counters WHERE name = 'snapshot'"))\
            .scalar() == 0
    with db.reading() as session:
        assert session.execute(text("SELECT value FROM counters WHERE name = 'snapshot'"))\
            .scalar() == 1


def test_writer_does_not_block_readers(db: Database, db_path: Path) -> None:
    with db.unit_of_work() as session:
        session.add(make_patient())
        session.flush()
        reader = sqlite3.connect(db_path, timeout=0.05)
        try:
            assert reader.execute("SELECT count(*) FROM patients").fetchone() == (0,)
        finally:
            reader.close()
    with db.reading() as session:
        assert len(session.scalars(select(Patient)).all()) == 1
