"""The fast start-up read of the patient list agrees with PatientService.list_patients."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient
from rehab_tracker.data.patient_list import PatientRow, build_rows, read_sqlite
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services
from rehab_tracker.services.demo import seed_demo
from tests.staff import staff


def populate(db: Database, today: dt.date) -> Services:
    """The demo clinic, plus a conservative patient without a program and an archived one."""
    seed_demo(db, today=today)
    return add_conservative_and_archived(db, today)


def add_conservative_and_archived(db: Database, today: dt.date) -> Services:
    """A conservative patient without a program and an archived one (on top of the demo)."""
    services = Services(db, staff("tester"))
    services.patients.enrol(
        PatientDetails("Alma", "Zabala", dt.date(1970, 3, 4), "female", pathway="conservative"),
        None,
        today=today,
    )
    gone = services.patients.enrol(
        PatientDetails("Otto", "Archer", dt.date(1955, 6, 7), "male"),
        SurgeryDetails(today - dt.timedelta(days=400), ("L4-L5",)),
        today=today,
    )
    with db.unit_of_work("tester") as session:
        patient = session.get(Patient, gone)
        assert patient is not None
        patient.archived_at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    return services


def comparable(rows: list[PatientRow]) -> list[dict[str, object]]:
    """Rows without their random ids (to compare two databases seeded alike)."""
    out = []
    for row in rows:
        d = row.as_dict()
        del d["id"]
        d["has_program"] = row.program_id is not None
        out.append(d)
    return out


def test_read_sqlite_equals_the_service(demo_db: Database, today: dt.date) -> None:
    db = demo_db
    services = add_conservative_and_archived(db, today)
    assert db.path is not None
    for day in (today, today - dt.timedelta(days=30), today + dt.timedelta(days=20)):
        expected = services.patients.list_patients(today=day)
        page = read_sqlite(db.path, day)
        assert page is not None and page.rows == expected
        assert page.found.ids == tuple(r.id for r in expected) and page.summary.total == 10
        small = read_sqlite(db.path, day, first=3)
        assert small is not None and small.rows == expected[:3] and small.found == page.found
    rows = services.patients.list_patients(today=today)
    # the read covers what the list shows: programs, phases, flags, due assessments, pathways
    assert len(rows) == 10 and "Otto Archer" not in {r.name for r in rows}
    assert any(r.open_red_flag for r in rows)
    assert any(r.assessment_due for r in rows)
    assert any(r.phase for r in rows) and any(r.next_session for r in rows)
    assert {r.pathway for r in rows} == {"surgical", "conservative"}
    # in the list's order: by the name as shown ("given family"), whatever the case
    assert [r.name.casefold() for r in rows] == sorted(r.name.casefold() for r in rows)
    archived = services.patients.list_patients(today=today, include_archived=True)
    assert len(archived) == 11 and "Otto Archer" in {r.name for r in archived}


def test_service_reads_the_same_on_postgresql(
    demo_db: Database, pg_db: Database, today: dt.date
) -> None:
    sqlite_rows = add_conservative_and_archived(demo_db, today).patients.list_patients(today=today)
    pg_rows = populate(pg_db, today).patients.list_patients(today=today)
    assert all(isinstance(r.id, uuid.UUID) for r in pg_rows)
    assert comparable(pg_rows) == comparable(sqlite_rows)


def test_build_rows_normalises_both_back_ends(today: dt.date) -> None:
    pid, gid = uuid.uuid4(), uuid.uuid4()
    as_sqlite = build_rows(
        patients=[(pid.hex, "RT-1", "Ada", "Lee", "1980-01-02", "surgical")],
        surgeries=[(pid.hex, "2026-09-01", '["L5-S1"]')],
        programs=[(gid.hex, pid.hex, "active", "2026-10-05", "2026-11-25")],
        phases=[(gid.hex, "Phase 1", "2026-10-05", "2026-10-30"),
                (gid.hex, "Phase 2", "2026-11-02", "2026-11-27")],
        assessments=[(gid.hex, "mid", "2026-11-28", '["odi", "tug"]')],
        records=[(pid.hex, "2026-11-27", "mid", "odi")],
        red_flags=[(pid.hex,)],
        today=today,
    )
    as_postgres = build_rows(
        patients=[(pid, "RT-1", "Ada", "Lee", dt.date(1980, 1, 2), "surgical")],
        surgeries=[(pid, dt.date(2026, 9, 1), ["L5-S1"])],
        programs=[(gid, pid, "active", dt.date(2026, 10, 5), dt.date(2026, 11, 25))],
        phases=[(gid, "Phase 1", dt.date(2026, 10, 5), dt.date(2026, 10, 30)),
                (gid, "Phase 2", dt.date(2026, 11, 2), dt.date(2026, 11, 27))],
        assessments=[(gid, "mid", dt.date(2026, 11, 28), ["odi", "tug"])],
        records=[(pid, dt.date(2026, 11, 27), "mid", "odi")],
        red_flags=[(pid,)],
        today=today,
    )
    assert as_sqlite == as_postgres
    row = as_sqlite[0]
    # the ODI alone does not complete a review that also lists the TUG
    assert row.program_week == 8 and row.assessment_due and row.open_red_flag
    assert row.phase == "Phase 2"
    assert row.levels == ("L5-S1",) and row.name == "Ada Lee"


def test_none_for_a_missing_or_empty_file(tmp_path: Path, today: dt.date) -> None:
    assert read_sqlite(tmp_path / "missing.db", today) is None
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert read_sqlite(empty, today) is None
    assert not (tmp_path / "missing.db").exists()


def test_none_for_a_corrupt_file(tmp_path: Path, today: dt.date) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all, just text" * 100)
    assert read_sqlite(bad, today) is None
    assert bad.read_bytes().startswith(b"this is not sqlite")


@pytest.mark.parametrize("stamp", ["0000", "9999", None])  # older, newer, unstamped
def test_none_at_another_revision(demo_db: Database, today: dt.date, stamp: str | None) -> None:
    db = demo_db
    add_conservative_and_archived(db, today)
    assert db.path is not None
    db.close()
    conn = sqlite3.connect(db.path)
    with conn:
        if stamp is None:
            conn.execute("DROP TABLE alembic_version")
        else:
            conn.execute("UPDATE alembic_version SET version_num = ?", (stamp,))
    conn.close()
    assert read_sqlite(db.path, today) is None


def test_none_without_the_tables(tmp_path: Path, today: dt.date) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    assert read_sqlite(other, today) is None


def test_importing_it_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "import rehab_tracker.data.patient_list\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_list_flags_an_assessment_when_the_outcomes_schedule_does(
    demo_db: Database, today: dt.date
) -> None:
    """One rule, one set of records (domain.assessments): the list's "assessment due" flag is
    the Outcomes schedule's due-or-overdue, for every demo patient, also after one walking test
    recorded on a due date (it counts in both, and does not complete the review alone) and
    after the rest of the review is skipped with a reason (then it is done in both)."""
    from rehab_tracker.services.outcomes.review import ReviewEntry

    services = Services(demo_db, staff("tester"))

    def agree() -> list[uuid.UUID]:
        flagged = []
        for row in services.patients.list_patients(today=today):
            states = [a.state for a in services.outcomes.schedule(row.id, today=today)]
            assert row.assessment_due == any(s in ("due", "overdue") for s in states), row
            if row.assessment_due:
                flagged.append(row.id)
        return flagged

    flagged = agree()
    assert flagged, "the demo clinic has a patient with an assessment due"
    patient_id = flagged[0]
    pending = [d for d in services.outcomes.schedule(patient_id, today=today)
               if d.state in ("due", "overdue")]
    for due in pending:
        services.outcomes.record_walk(
            patient_id, "tug", 9.5, performed_on=min(due.due_date, today), today=today
        )
    agree()
    for due in services.outcomes.schedule(patient_id, today=today):
        if due.state in ("due", "overdue"):
            assert due.missing and "tug" not in due.missing
            services.outcomes.record_review(patient_id, ReviewEntry(
                due.timepoint, min(due.due_date, today),
                skips={code: "Patient unwell today" for code in due.missing},
            ), today=today)
    agree()
    after = next(r for r in services.patients.list_patients(today=today) if r.id == patient_id)
    assert not after.assessment_due
