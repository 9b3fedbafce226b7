"""The questionnaire section: one series per instrument (ODI, RMDQ, back and leg NPRS)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import OutcomeAssessment
from rehab_tracker.domain.thresholds import MEASURES
from rehab_tracker.services.outcomes.questionnaires import QUESTIONNAIRES
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import OutcomePoint, OutcomeSeries, ToAxis


def read_questionnaires(
    session: Session, patient_id: uuid.UUID, today: dt.date, x: ToAxis
) -> tuple[OutcomeSeries, ...]:
    """Every questionnaire in report order (:data:`QUESTIONNAIRES`), empty ones included."""
    rows = session.execute(
        select(
            OutcomeAssessment.instrument,
            OutcomeAssessment.assessed_on,
            OutcomeAssessment.score,
            OutcomeAssessment.timepoint,
        )
        .where(*records.outcome_records(patient_id, today))
        .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
    )
    points: dict[str, list[OutcomePoint]] = defaultdict(list)
    for row in rows:
        points[row.instrument].append(
            OutcomePoint(row.assessed_on, x(row.assessed_on), float(row.score), row.timepoint)
        )
    return tuple(
        OutcomeSeries(
            measure=code,
            code=code,
            label=MEASURES[code].label,
            unit="%" if code == "odi" else "points",
            points=tuple(points.get(code, ())),
        )
        for code in QUESTIONNAIRES
    )
