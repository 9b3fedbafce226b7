"""The questionnaire section: one series per instrument (ODI, RMDQ, back and leg NPRS)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import OutcomeAssessment
from rehab_tracker.domain.outcomes import measure_label, threshold_key
from rehab_tracker.domain.thresholds import shown_unit
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
    return outcome_series(rows, QUESTIONNAIRES, x)


def outcome_series(
    rows: Iterable[Row[str, dt.date, float, str]], codes: Sequence[str], x: ToAxis
) -> tuple[OutcomeSeries, ...]:
    """One series per code of ``codes``, in that order and empty ones included, from rows of
    (code, date, value, timepoint) in date order; ``measure`` is the threshold the code is
    judged by (:func:`~rehab_tracker.domain.outcomes.threshold_key`)."""
    points: dict[str, list[OutcomePoint]] = defaultdict(list)
    for code, on, value, timepoint in rows:
        points[code].append(OutcomePoint(on, x(on), float(value), timepoint))
    return tuple(
        OutcomeSeries(
            measure=threshold_key(code),
            code=code,
            label=measure_label(code),
            unit=shown_unit(threshold_key(code)),
            points=tuple(points.get(code, ())),
        )
        for code in codes
    )
