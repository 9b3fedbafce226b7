"""Which stored records a report counts, written once for the section readers and the time axis:
not deleted, on or before ``today``; session logs also not drafts."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ColumnElement

from rehab_tracker.data.models import OutcomeAssessment, SessionLog, WalkTest

Where = tuple[ColumnElement[bool], ...]


def outcome_records(patient_id: uuid.UUID, today: dt.date) -> Where:
    return (
        OutcomeAssessment.patient_id == patient_id,
        OutcomeAssessment.deleted_at.is_(None),
        OutcomeAssessment.assessed_on <= today,
    )


def walk_records(patient_id: uuid.UUID, today: dt.date) -> Where:
    return (
        WalkTest.patient_id == patient_id,
        WalkTest.deleted_at.is_(None),
        WalkTest.performed_on <= today,
    )


def session_logs(patient_id: uuid.UUID, today: dt.date) -> Where:
    return (
        SessionLog.patient_id == patient_id,
        SessionLog.deleted_at.is_(None),
        SessionLog.status != "draft",
        SessionLog.session_date <= today,
    )
