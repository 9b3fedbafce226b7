"""The walking-test section: one series per test, and the 6-minute walk reference."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import WalkTest
from rehab_tracker.domain.scoring import predict_six_minute_walk, six_minute_age_caveat
from rehab_tracker.domain.sessions import WALK_TESTS
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import (
    OutcomeSeries,
    PatientHeader,
    SixMinuteReference,
    ToAxis,
)
from rehab_tracker.services.report_data.outcomes import outcome_series


def read_walks(
    session: Session, patient_id: uuid.UUID, today: dt.date, x: ToAxis
) -> tuple[OutcomeSeries, ...]:
    """Every walking test (:data:`~rehab_tracker.domain.sessions.WALK_TESTS` order), empty ones
    included; ``measure`` is the threshold the test is judged against."""
    rows = session.execute(
        select(WalkTest.test, WalkTest.performed_on, WalkTest.value, WalkTest.timepoint)
        .where(*records.walk_records(patient_id, today))
        .order_by(WalkTest.performed_on, WalkTest.created_at)
    )
    return outcome_series(rows, WALK_TESTS, x)


def six_minute_reference(patient: PatientHeader) -> SixMinuteReference:
    """Enright-Sherrill predicted distance and lower limit of normal, or what is missing."""
    p = predict_six_minute_walk(
        patient.sex, patient.age_years, patient.height_m, patient.weight_kg
    )
    if p.predicted_m is None or p.lower_limit_m is None:
        words = {"sex": "sex recorded as male or female", "height": "height", "weight": "weight"}
        return SixMinuteReference(
            None,
            None,
            "No predicted 6-minute walk distance: needs "
            + ", ".join(words[m] for m in p.missing)
            + ".",
        )
    note = "Predicted distance and lower limit of normal: Enright & Sherrill 1998."
    caveat = six_minute_age_caveat(patient.age_years)
    if caveat is not None:
        note += " " + caveat
    return SixMinuteReference(
        round(p.predicted_m, 1), round(p.lower_limit_m, 1), note, extrapolated=p.extrapolated
    )
