"""Builders for the session/outcome tests (services, GUI, benchmark): a patient with a program,
its sessions logged; and a counter of the SQL statements a block sends.

Imported by path from other folders (tests/gui, tests/benchmarks); it holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from sqlalchemy import event

from rehab_tracker.data.database import Database
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import ExerciseEntry, SessionEntry, planned_sets
from rehab_tracker.services.container import Services
from tests.staff import staff


@dataclass(frozen=True)
class Built:
    services: Services
    patient_id: uuid.UUID
    program_id: uuid.UUID
    surgery_date: dt.date
    start: dt.date


def build_patient(
    db: Database,
    today: dt.date,
    *,
    weeks_ago: int = 3,
    given: str = "Hana",
    family: str = "Test",
    sex: str = "female",
) -> Built:
    """A patient whose program started ``weeks_ago`` weeks before ``today`` (usc-12-week)."""
    services = Services(db, staff("tester"))
    services.library.ensure_seeded()
    start = today - dt.timedelta(weeks=weeks_ago)
    start -= dt.timedelta(days=start.weekday())  # a Monday
    surgery = start - dt.timedelta(weeks=5)
    patient_id = services.patients.enrol(
        PatientDetails(
            given, family, dt.date(1980, 3, 4), sex, height_cm=168.0, weight_kg=64.0
        ),
        SurgeryDetails(surgery, ("L5-S1",), "left", surgeon="Dr Example"),
        today=today,
    )
    program_id = services.programs.create_from_template(
        patient_id, "usc-12-week", "high", start, today=today
    )
    return Built(services, patient_id, program_id, surgery, start)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def log_sessions(b: Built, today: dt.date, sessions: int, exercises: int | None) -> None:
    """Log the first ``sessions`` exercise slots, each with the first ``exercises`` prescribed
    exercises of its phase (None: all of them), their planned sets with an effort."""
    s = b.services
    no = {f.code: False for f in RED_FLAGS}
    slots = [x for x in s.sessions.slots(b.patient_id) if x.kind == "exercise"][:sessions]
    assert len(slots) == sessions
    for slot in slots:
        rxs = s.programs.prescriptions_for_session(slot.id)[:exercises]
        entry = SessionEntry(
            session_date=slot.scheduled_date,
            pain_back_before=3,
            pain_back_after=2,
            pain_leg_before=2,
            pain_leg_after=1,
            red_flags=no,
            exercises=tuple(
                ExerciseEntry(
                    exercise_id=rx.exercise_id,
                    name=rx.exercise_name,
                    dosage_type=rx.dosage.dosage_type,
                    prescription_id=rx.id,
                    sets=tuple(replace(x, effort=5) for x in planned_sets(rx.dosage)),
                    status="changed",
                )
                for rx in rxs
            ),
        )
        s.sessions.save(b.patient_id, slot.id, entry, today=today)
