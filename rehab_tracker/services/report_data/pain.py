"""The session pain section: back and leg pain before and after each attended session."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import SessionLog
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import SessionPainPoint, ToAxis


def read_session_pain(
    session: Session, patient_id: uuid.UUID, today: dt.date, x: ToAxis
) -> tuple[SessionPainPoint, ...]:
    """The attended sessions with at least one pain score, by date."""
    rows = session.execute(
        select(
            SessionLog.session_date,
            SessionLog.pain_back_before,
            SessionLog.pain_back_after,
            SessionLog.pain_leg_before,
            SessionLog.pain_leg_after,
        )
        .where(*records.session_logs(patient_id, today), SessionLog.attended.is_(True))
        .order_by(SessionLog.session_date)
    )
    return tuple(
        SessionPainPoint(
            on=row.session_date,
            x=x(row.session_date),
            back_before=row.pain_back_before,
            back_after=row.pain_back_after,
            leg_before=row.pain_leg_before,
            leg_after=row.pain_leg_after,
        )
        for row in rows
        if any(value is not None for value in row[1:])
    )
