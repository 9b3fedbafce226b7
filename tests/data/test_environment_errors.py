"""Driver errors in a unit of work leave as the app's environment problems, on real files.

A full disk (a tiny tmpfs), a read-only file system, a lock held by another connection: each
gives one plain message without patient data, keeps the driver error as ``__cause__``, and loses
nothing that was committed before.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, text

from rehab_tracker.data import errors
from rehab_tracker.data.database import Database, open_database
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.services.container import Services
from tests.data.helpers import make_patient, short_busy_timeout, tmpfs
from tests.staff import staff

TODAY = dt.date(2026, 11, 23)
SECRET = "Zebediah-Quintrell"


def details(**changes: object) -> PatientDetails:
    values: dict[str, object] = {
        "given_name": "Ada", "family_name": SECRET, "date_of_birth": dt.date(1980, 5, 1),
        "sex": "female", "pathway": "conservative",
    }
    values.update(changes)
    return PatientDetails(**values)  # type: ignore[arg-type]


def assert_clean(problem: errors.EnvironmentProblem, kind: type[errors.EnvironmentProblem]) -> None:
    assert type(problem) is kind
    assert str(problem) == kind.message
    assert SECRET not in str(problem) and "INSERT" not in str(problem)
    assert problem.__cause__ is not None  # the driver error, for a developer


def copy_to(template: Path, target: Path) -> Path:
    return Path(shutil.copyfile(template, target))


def names(db: Database) -> list[str]:
    with db.reading() as session:
        rows = session.execute(text("SELECT family_name FROM patients ORDER BY family_name"))
        return [r[0] for r in rows]


def test_a_full_disk_is_disk_full_and_keeps_what_was_committed(
    tmp_path: Path, migrated_template: Path
) -> None:
    size = migrated_template.stat().st_size + 512 * 1024
    with tmpfs(tmp_path / "small", size) as mount:
        db = open_database(copy_to(migrated_template, mount / "clinic.db"))
        services = Services(db, staff("tester"))
        saved: list[uuid.UUID] = []
        problem = None
        try:
            for i in range(2000):
                try:
                    saved.append(services.patients.enrol(
                        details(given_name=f"Ada{i}", notes="x" * 4000), None, today=TODAY))
                except errors.EnvironmentProblem as exc:
                    problem = exc
                    break
            assert problem is not None, "the disk never filled up"
            assert_clean(problem, errors.DiskFull)
            assert saved, "the disk was full before the first patient"
            assert len(names(db)) == len(saved)  # every acknowledged enrolment is there
        finally:
            db.close()
        conn = sqlite3.connect(mount / "clinic.db")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == len(saved)
        finally:
            conn.close()


def test_a_read_only_file_system_is_read_only(tmp_path: Path, migrated_template: Path) -> None:
    with tmpfs(tmp_path / "ro", 8 * 1024 * 1024) as mount:
        db = open_database(copy_to(migrated_template, mount / "clinic.db"))
        services = Services(db, staff("tester"))
        try:
            services.patients.enrol(details(given_name="First"), None, today=TODAY)
            db.engine.dispose()
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            with pytest.raises(errors.EnvironmentProblem) as caught:
                services.patients.enrol(details(given_name="Second"), None, today=TODAY)
            assert_clean(caught.value, errors.DatabaseReadOnly)
        finally:
            db.close()


def test_a_lock_held_by_another_connection_is_busy(db: Database, db_path: Path) -> None:
    services = Services(db, staff("tester"))
    first = services.patients.enrol(details(given_name="First"), None, today=TODAY)
    short_busy_timeout(db)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(errors.EnvironmentProblem) as caught:
            services.patients.enrol(details(given_name="Second"), None, today=TODAY)
        assert_clean(caught.value, errors.DatabaseBusy)
        assert caught.value.code.startswith("SQLITE_BUSY")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert services.patients.record(first).details.given_name == "First"
    services.patients.enrol(details(given_name="Second"), None, today=TODAY)  # free again
    assert len(names(db)) == 2


def test_a_bug_in_sql_is_not_an_environment_problem(db: Database) -> None:
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError), db.unit_of_work() as session:
        session.execute(text("SELECT no_such_column FROM patients"))


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"value too long for {SECRET}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("53100", errors.DiskFull), ("22001", errors.ValueTooLong),
        ("25006", errors.DatabaseReadOnly), ("08006", errors.ConnectionLost),
        ("08003", errors.ConnectionLost), ("57P01", errors.ConnectionLost),
        ("40001", errors.DatabaseBusy), ("55P03", errors.DatabaseBusy),
        ("58030", errors.StorageIOError),
    ],
)
def test_postgresql_sqlstates_map_to_problems(sqlstate: str, kind: type) -> None:
    problem = errors.translate(FakeDriverError(sqlstate))
    assert type(problem) is kind and problem.code == sqlstate
    assert SECRET not in str(problem)


@pytest.mark.parametrize("sqlstate", ["23505", "42703", "22P02"])
def test_other_sqlstates_stay_bugs_or_refusals(sqlstate: str) -> None:
    assert errors.translate(FakeDriverError(sqlstate)) is None


# --- the real PostgreSQL server ----------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_a_43_character_phone_is_refused_at_the_field(pg_db: Database) -> None:
    """The domain refuses it before the write (issue 10 item 4): the form shows it at the
    phone field and nothing is written."""
    services = Services(pg_db, staff("tester"))
    kept = services.patients.enrol(details(given_name="Kept", phone="0123 456 789"), None,
                                   today=TODAY)
    phone = "+44 (0)20 7946 0958 ext. 12345 / mobile 077"
    assert len(phone) == 43
    with pytest.raises(ValidationError) as caught:
        services.patients.enrol(details(given_name="Long", phone=phone), None, today=TODAY)
    assert set(caught.value.errors) == {"phone"}
    record = services.patients.record(kept)
    with pytest.raises(ValidationError):
        services.patients.update(kept, details(given_name="Kept", phone=phone), None,
                                 expected_version=record.version, today=TODAY)
    assert names(pg_db) == [SECRET]  # nothing of either refused write is kept
    assert services.patients.record(kept).details.phone == "0123 456 789"


@pytest.mark.postgres
def test_postgresql_a_value_past_its_column_is_value_too_long(pg_db: Database) -> None:
    """A write that skips the rules (a script, a future service) still leaves as the app's
    ValueTooLong, without the value, and keeps what was committed."""
    services = Services(pg_db, staff("tester"))
    services.patients.enrol(details(given_name="Kept"), None, today=TODAY)
    phone = "+44 (0)20 7946 0958 ext. 12345 / mobile 077"
    with pytest.raises(errors.EnvironmentProblem) as caught, pg_db.unit_of_work("tester") as s:
        s.add(make_patient("RT-LONG", family_name=SECRET, phone=phone))
    assert_clean(caught.value, errors.ValueTooLong)
    assert phone not in str(caught.value)
    assert caught.value.code == "22001"
    assert names(pg_db) == [SECRET]


def pg_session_setting(db: Database, statement: str) -> None:
    """Run ``statement`` (a SET) on every new server connection of ``db``."""
    db.engine.dispose()

    @event.listens_for(db.engine, "connect")
    def _setting(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:
            cursor.execute(statement)
        dbapi_connection.commit()


@pytest.mark.postgres
def test_postgresql_a_read_only_server_is_read_only(pg_db: Database) -> None:
    pg_session_setting(pg_db, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    with pytest.raises(errors.EnvironmentProblem) as caught:
        Services(pg_db, staff("tester")).patients.enrol(details(), None, today=TODAY)
    assert_clean(caught.value, errors.DatabaseReadOnly)


@pytest.mark.postgres
def test_postgresql_a_row_locked_elsewhere_is_busy(pg_db: Database) -> None:
    services = Services(pg_db, staff("tester"))
    patient = services.patients.enrol(details(), None, today=TODAY)
    version = services.patients.record(patient).version
    pg_session_setting(pg_db, "SET lock_timeout = '200ms'")
    with pg_db.engine.connect() as other, other.begin():
        other.execute(text("SELECT id FROM patients FOR UPDATE"))  # another desk is saving
        with pytest.raises(errors.EnvironmentProblem) as caught:
            services.patients.update(patient, details(given_name="Changed"), None,
                                     expected_version=version, today=TODAY)
        assert_clean(caught.value, errors.DatabaseBusy)
        assert caught.value.code == "55P03"
    assert services.patients.record(patient).details.given_name == "Ada"


@pytest.mark.postgres
def test_postgresql_a_dropped_connection_is_connection_lost(pg_db: Database, pg_url: str) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(pg_url)
    try:
        with pytest.raises(errors.EnvironmentProblem) as caught, pg_db.unit_of_work() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with admin.begin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            session.execute(text("SELECT count(*) FROM patients"))
        assert_clean(caught.value, errors.ConnectionLost)
    finally:
        admin.dispose()
    assert names(pg_db) == []  # the pool recovers: the next unit of work works
