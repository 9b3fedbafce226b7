"""Migration 0007 (program_end): every program is kept as it was (an active one stays active, no
pause, no end), the pause and end columns come and go, and the database refuses a paused program
without its first day or an ended one without its end day. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from rehab_tracker.data import audit, migrate
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Program
from tests.data.helpers import make_patient

NEW_COLUMNS = {
    "paused_on",
    "pause_reason",
    "paused_days",
    "ended_on",
    "end_reason",
    "end_assessment_skip_reason",
}


def _program(db: Database, number: str = "RT-T0001", status: str = "active") -> uuid.UUID:
    with db.unit_of_work("tester") as session:
        patient = make_patient(number)
        session.add(patient)
        session.flush()
        program = Program(
            patient_id=patient.id,
            name="12-week program",
            start_date=dt.date(2026, 10, 5),
            status=status,
        )
        session.add(program)
        session.flush()
        return program.id


def _columns(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("programs")}


def test_existing_programs_are_kept_as_they_were(any_db: Database) -> None:
    running, ended = _program(any_db), _program(any_db, "RT-T0002")
    migrate.downgrade(any_db.engine, "0006")
    assert not NEW_COLUMNS & _columns(any_db)
    with any_db.engine.begin() as conn:  # a 'completed' program the old schema allowed
        conn.execute(
            text("UPDATE programs SET status = 'completed' WHERE id = :id"),
            {"id": ended.hex if any_db.engine.dialect.name == "sqlite" else ended},
        )
    with pytest.raises(IntegrityError), any_db.engine.begin() as conn:
        conn.execute(text("UPDATE programs SET status = 'paused'"))  # not a status before 0007

    migrate.upgrade(any_db.engine)
    assert _columns(any_db) >= NEW_COLUMNS
    with any_db.reading() as session:
        kept = session.get(Program, running)
        assert kept is not None and kept.status == "active"
        assert (kept.paused_on, kept.paused_days, kept.ended_on) == (None, 0, None)
        old_end = session.get(Program, ended)
        assert old_end is not None and old_end.status == "completed"
        # the end day the new CHECK needs: the day the row was last changed, said so
        assert old_end.ended_on == old_end.updated_at.date()
        assert old_end.end_reason is not None
        assert old_end.end_reason.startswith("Ended before end dates were kept")
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_id == str(ended))
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None and entry.actor == "migration 0007_program_end"
        assert audit.verify_chain(session) == []


@pytest.mark.parametrize(("status", "column"), [("paused", "paused_on"), ("stopped", "ended_on")])
def test_a_pause_or_end_without_its_day_is_refused(
    any_db: Database, status: str, column: str
) -> None:
    program_id = _program(any_db)
    with pytest.raises(IntegrityError), any_db.unit_of_work("tester") as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = status
    with any_db.unit_of_work("tester") as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = status
        setattr(program, column, dt.date(2026, 11, 23))
