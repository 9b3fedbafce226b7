"""The walking-test section: one series per test, and the 6-minute walk reference."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import WalkTest
from rehab_tracker.domain.scoring import six_minute_walk_predicted
from rehab_tracker.domain.sessions import WALK_TEST_LABELS, WALK_TESTS, WALK_THRESHOLD_KEY
from rehab_tracker.domain.thresholds import MEASURES
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import (
    OutcomePoint,
    OutcomeSeries,
    PatientHeader,
    SixMinuteReference,
    ToAxis,
)


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
    points: dict[str, list[OutcomePoint]] = defaultdict(list)
    for row in rows:
        points[row.test].append(
            OutcomePoint(row.performed_on, x(row.performed_on), float(row.value), row.timepoint)
        )
    return tuple(
        OutcomeSeries(
            measure=WALK_THRESHOLD_KEY[code],
            code=code,
            label=WALK_TEST_LABELS[code],
            unit=MEASURES[WALK_THRESHOLD_KEY[code]].unit,
            points=tuple(points.get(code, ())),
        )
        for code in WALK_TESTS
    )


def six_minute_reference(patient: PatientHeader) -> SixMinuteReference:
    """Enright-Sherrill predicted distance and lower limit of normal, or what is missing."""
    missing = []
    if patient.sex not in ("male", "female"):
        missing.append("sex recorded as male or female")
    if patient.height_m is None:
        missing.append("height")
    if patient.weight_kg is None:
        missing.append("weight")
    if missing:
        return SixMinuteReference(
            None, None, "No predicted 6-minute walk distance: needs " + ", ".join(missing) + "."
        )
    assert patient.height_m is not None and patient.weight_kg is not None
    predicted, lln = six_minute_walk_predicted(
        patient.sex, max(patient.age_years, 1), patient.height_m * 100.0, patient.weight_kg
    )
    note = "Predicted distance and lower limit of normal: Enright & Sherrill 1998"
    if not 40 <= patient.age_years <= 80:
        note += " (derived in adults aged 40-80; extrapolated for this age)"
    return SixMinuteReference(round(predicted, 1), round(lln, 1), note + ".")
