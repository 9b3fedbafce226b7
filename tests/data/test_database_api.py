"""Database.read_connection(): a read-only Core connection that takes no write lock."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Setting


def test_read_connection_reads(any_db: Database) -> None:
    with any_db.unit_of_work("tester") as session:
        session.add(Setting(key="probe", value={"x": 1}))
    with any_db.read_connection() as conn:
        assert conn.execute(select(Setting.value).where(Setting.key == "probe")).scalar_one() == {
            "x": 1
        }


def test_read_connection_takes_no_write_lock(db: Database) -> None:
    assert db.path is not None
    with db.read_connection() as conn:
        conn.execute(select(Setting.key)).all()  # the read has started
        other = sqlite3.connect(db.path, timeout=0.1, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked"
            other.execute(
                "INSERT INTO settings (key, value, updated_at, version) "
                "VALUES ('w', '{}', '2026-01-01', 1)"
            )
            other.execute("COMMIT")
        finally:
            other.close()


def test_read_connection_refuses_writes_and_keeps_none(db: Database) -> None:
    with (
        pytest.raises(OperationalError, match=r"readonly"),
        db.read_connection() as conn,
    ):
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('nope', '{}')"))
    # the pooled connection is writable again for the next unit of work
    with db.unit_of_work("tester") as session:
        session.add(Setting(key="after", value={}))
    with db.reading() as session:
        keys = set(session.scalars(select(Setting.key)))
    assert "after" in keys and "nope" not in keys
