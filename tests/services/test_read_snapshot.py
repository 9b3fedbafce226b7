"""The per-selection read snapshot (``Database.snapshot``, issue 12 item 4) never shows stale
data: a write inside it, or its end, makes the next read read afresh, and a write by another
workstation (another ``Database`` on the same file) is seen at the next selection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.services.container import Services
from tests.services.test_sessions_support import build_patient, counted
from tests.staff import staff


def test_a_snapshot_reads_each_row_once(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=13, given="Una")
    s = b.services
    with s.snapshot():
        s.settings.units()
        s.programs.program(b.program_id)
        with counted(db) as seen:
            assert s.settings.units() == "metric"
            assert s.programs.program(b.program_id).id == b.program_id
    assert [x for x in seen if not x.startswith("SELECT programs.")] == []


def test_a_write_inside_a_snapshot_is_seen_by_the_reads_after_it(
    db: Database, today: dt.date
) -> None:
    s = Services(db, staff("admin"))
    with s.snapshot():
        assert s.settings.units() == "metric"
        s.settings.set_units("imperial")
        assert s.settings.units() == "imperial"
    assert s.settings.units() == "imperial"


def test_the_next_snapshot_sees_another_workstations_write(
    db: Database, db_path: Path, today: dt.date
) -> None:
    b = build_patient(db, today, weeks_ago=13, given="Una")
    other = open_database(db_path)
    try:
        mine, theirs = b.services, Services(other, staff("admin"))
        with mine.snapshot():
            assert mine.settings.units() == "metric"
            before = mine.programs.program(b.program_id)
        theirs.settings.set_units("imperial")
        detail = theirs.programs.program(b.program_id)
        theirs.programs.save_edits(
            b.program_id, detail.to_draft(), expected_version=detail.version
        )
        with mine.snapshot():
            assert mine.settings.units() == "imperial"
            assert mine.programs.program(b.program_id).version > before.version
    finally:
        other.close()


def test_an_error_inside_a_snapshot_leaves_it_usable(db: Database, today: dt.date) -> None:
    import uuid

    import pytest

    from rehab_tracker.services.errors import NotFoundError

    b = build_patient(db, today, weeks_ago=13, given="Una")
    s = b.services
    with s.snapshot():
        with pytest.raises(NotFoundError):
            s.programs.program(uuid.uuid4())
        assert s.programs.program(b.program_id).id == b.program_id


def test_a_restriction_removed_inside_a_snapshot_is_gone_from_the_reads_after(
    db: Database, today: dt.date
) -> None:
    b = build_patient(db, today, weeks_ago=13, given="Una")
    s = b.services
    until = today + dt.timedelta(days=30)
    s.restrictions.add(b.patient_id, Restriction("lifting", until, limit=5.0), today=today)
    with s.snapshot():
        assert s.patients.overview(b.patient_id, today=today).restrictions
        assert s.restrictions.list_for(b.patient_id)
        for r in s.restrictions.list_for(b.patient_id):
            assert r.id is not None
            s.restrictions.remove(r.id)
        assert s.patients.overview(b.patient_id, today=today).restrictions == ()
        assert s.restrictions.list_for(b.patient_id) == ()
