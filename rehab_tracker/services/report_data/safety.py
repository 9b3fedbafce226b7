"""The safety section: positive red-flag screens and adverse events in the report period."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import AdverseEvent, SessionLog
from rehab_tracker.domain.redflags import label_of, stored_screen
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import AdverseEventRow, RedFlagEvent


def read_red_flags(
    session: Session, patient_id: uuid.UUID, start: dt.date, today: dt.date
) -> tuple[RedFlagEvent, ...]:
    """Sessions from ``start`` to ``today`` whose screen was positive, with the plain labels of
    the positive answers (current and earlier questions), the action they needed, the outcome
    (advice, referral) and the clearance."""
    rows = session.scalars(
        select(SessionLog)
        .where(
            *records.session_logs(patient_id, today),
            SessionLog.red_flag_result == "positive",
            SessionLog.session_date >= start,
        )
        .order_by(SessionLog.session_date)
    )
    events = []
    for log in rows:
        result = stored_screen(log.red_flags)
        events.append(
            RedFlagEvent(
                on=log.session_date,
                items=tuple(label_of(code) for code in result.positives),
                acknowledged=log.red_flag_acknowledged_at is not None,
                action=result.action,
                advice=log.red_flag_advice,
                referred_to=log.red_flag_referred_to,
                referral_details=log.red_flag_referral_details,
                cleared_by=log.red_flag_cleared_by,
                cleared_on=log.red_flag_cleared_on,
                clearance_note=log.red_flag_clearance_note,
            )
        )
    return tuple(events)


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
