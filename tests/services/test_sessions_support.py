"""Builders for the session/outcome tests (services, GUI, benchmark): a patient with a program.

Imported by path from other folders (tests/gui, tests/benchmarks); it holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from rehab_tracker.data.database import Database
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services


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
    services = Services(db, "tester")
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
