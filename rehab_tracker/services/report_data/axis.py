"""The report's time axis: weeks since surgery, else since the program start, else since the
first record (today when there is none)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import OutcomeAssessment, Program, SessionLog, WalkTest
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import SurgeryInfo


def time_axis(
    session: Session,
    patient_id: uuid.UUID,
    surgery: SurgeryInfo | None,
    program: Program | None,
    today: dt.date,
) -> tuple[dt.date, str]:
    """(origin, axis label)."""
    if surgery is not None:
        return surgery.surgery_date, "Weeks since surgery"
    if program is not None:
        return program.start_date, "Weeks since program start"
    first = first_record_on(session, patient_id, today)
    return (today if first is None else first), "Weeks since first record"


def first_record_on(session: Session, patient_id: uuid.UUID, today: dt.date) -> dt.date | None:
    """The earliest outcome, walking test or session log the report counts."""
    firsts = (
        session.scalar(
            select(func.min(OutcomeAssessment.assessed_on)).where(
                *records.outcome_records(patient_id, today)
            )
        ),
        session.scalar(
            select(func.min(WalkTest.performed_on)).where(*records.walk_records(patient_id, today))
        ),
        session.scalar(
            select(func.min(SessionLog.session_date)).where(
                *records.session_logs(patient_id, today)
            )
        ),
    )
    return min((day for day in firsts if day is not None), default=None)
