"""The safety section: positive red-flag screens and adverse events in the report period."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import AdverseEvent, SessionLog
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import AdverseEventRow, RedFlagEvent

_RED_FLAG_LABELS = {flag.code: flag.label for flag in RED_FLAGS}


def read_red_flags(
    session: Session, patient_id: uuid.UUID, start: dt.date, today: dt.date
) -> tuple[RedFlagEvent, ...]:
    """Sessions from ``start`` to ``today`` whose screen was positive, with the plain labels of
    the positive answers."""
    rows = session.execute(
        select(SessionLog.session_date, SessionLog.red_flags, SessionLog.red_flag_acknowledged_at)
        .where(
            *records.session_logs(patient_id, today),
            SessionLog.red_flag_result == "positive",
            SessionLog.session_date >= start,
        )
        .order_by(SessionLog.session_date)
    )
    return tuple(
        RedFlagEvent(
            on=row.session_date,
            items=tuple(
                _RED_FLAG_LABELS.get(code, code.replace("_", " "))
                for code, answer in sorted(row.red_flags.items())
                if answer is True
            ),
            acknowledged=row.red_flag_acknowledged_at is not None,
        )
        for row in rows
    )


def read_adverse_events(
    session: Session, patient_id: uuid.UUID, start: dt.date, today: dt.date
) -> tuple[AdverseEventRow, ...]:
    rows = session.scalars(
        select(AdverseEvent)
        .where(
            AdverseEvent.patient_id == patient_id,
            AdverseEvent.deleted_at.is_(None),
            AdverseEvent.occurred_on >= start,
            AdverseEvent.occurred_on <= today,
        )
        .order_by(AdverseEvent.occurred_on)
    )
    return tuple(
        AdverseEventRow(
            on=a.occurred_on,
            severity=a.severity,
            description=a.description,
            action_taken=a.action_taken or "",
        )
        for a in rows
    )
