"""What the Outcomes tab reads: every recorded value (:meth:`OutcomeHistory.history`) and, for
every measure with a baseline and a later value, the change from baseline interpreted in words
with the clinic's thresholds (:meth:`OutcomeHistory.changes`)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import AssessmentSkip, OutcomeAssessment, WalkTest
from rehab_tracker.domain.neuro import abnormal
from rehab_tracker.domain.outcomes import (
    baseline_and_latest,
    interpret_change,
    measure_label,
    threshold_key,
)
from rehab_tracker.domain.performance import performance_detail
from rehab_tracker.domain.review import instrument_name
from rehab_tracker.domain.scoring import Interpretation
from rehab_tracker.domain.sessions import WALK_TESTS
from rehab_tracker.domain.thresholds import shown_unit
from rehab_tracker.services.outcomes.neuro import read_screens, screen_detail
from rehab_tracker.services.outcomes.questionnaires import QUESTIONNAIRES, questionnaire_detail
from rehab_tracker.services.outcomes.records import OutcomeRecords
from rehab_tracker.services.outcomes.walks import walk_detail

MEASURE_LABELS: dict[str, str] = {
    code: measure_label(code) for code in (*QUESTIONNAIRES, "grc", *WALK_TESTS)
}
NEURO_LABEL = "Neurological screen"


@dataclass(frozen=True)
class OutcomeRow:
    """One recorded measure. ``kind`` "questionnaire", "walk", "neuro" or "skip" (an instrument
    skipped at a review: no value, unit "skipped", the reason as the detail); ``value`` in SI or
    points (a neurological screen: how many findings were not normal, unit "findings")."""

    id: uuid.UUID
    kind: str
    measure: str
    label: str
    date: dt.date
    timepoint: str
    value: float
    unit: str
    detail: str
    deleted: bool = False

    @property
    def on(self) -> dt.date:
        """The record's date (what domain.outcomes.baseline_and_latest reads)."""
        return self.date


@dataclass(frozen=True)
class MeasureChange:
    """The change of one measure from baseline to the latest value.

    ``measure`` is the instrument or test code (``odi``, ``walk_6min``, ``walk_50ft_fastest``...),
    ``threshold_key`` the threshold it is judged by; ``interpretation.sentence`` is the plain-words
    summary, e.g. "ODI improved 18 points (from 42 to 24), more than the 10-point threshold.";
    ``threshold_source`` cites where the threshold comes from (or that the clinic changed it).
    """

    measure: str
    label: str
    threshold_key: str
    baseline_date: dt.date
    baseline: float
    latest_date: dt.date
    latest: float
    unit: str
    interpretation: Interpretation
    threshold_source: str

    @property
    def sentence(self) -> str:
        return self.interpretation.sentence


class OutcomeHistory(OutcomeRecords):
    def history(
        self,
        patient_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        include_skips: bool = False,
    ) -> list[OutcomeRow]:
        """Every questionnaire, walking or performance test and neurological screen, oldest
        first; with ``include_skips`` also every instrument skipped at a review (kind "skip",
        its reason as the detail: the Outcomes tab lists them so a wrong skip can be deleted;
        never a value, so no change is computed from one)."""
        with self.db.reading() as session:
            # oldest entry first within a day (as the report reads them): same-day ties stay
            # in entry order through the sort below
            q1 = (
                select(OutcomeAssessment)
                .where(OutcomeAssessment.patient_id == patient_id)
                .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
            )
            q2 = (
                select(WalkTest)
                .where(WalkTest.patient_id == patient_id)
                .order_by(WalkTest.performed_on, WalkTest.created_at)
            )
            if not include_deleted:
                q1 = q1.where(OutcomeAssessment.deleted_at.is_(None))
                q2 = q2.where(WalkTest.deleted_at.is_(None))
            rows = [
                OutcomeRow(
                    id=o.id,
                    kind="questionnaire",
                    measure=o.instrument,
                    label=MEASURE_LABELS[o.instrument],
                    date=o.assessed_on,
                    timepoint=o.timepoint,
                    value=o.score,
                    unit=shown_unit(o.instrument),
                    detail=questionnaire_detail(o),
                    deleted=o.deleted_at is not None,
                )
                for o in session.scalars(q1)
            ]
            rows += [
                OutcomeRow(
                    id=w.id,
                    kind="walk",
                    measure=w.test,
                    label=MEASURE_LABELS[w.test],
                    date=w.performed_on,
                    timepoint=w.timepoint,
                    value=w.value,
                    unit=w.unit,
                    detail=walk_detail(w) or performance_detail(w.test, w.details or {}),
                    deleted=w.deleted_at is not None,
                )
                for w in session.scalars(q2)
            ]
            rows += [
                OutcomeRow(
                    id=s.id,
                    kind="neuro",
                    measure="neuro",
                    label=NEURO_LABEL,
                    date=s.on,
                    timepoint=s.timepoint,
                    value=float(len(abnormal(s.entry))),
                    unit="findings",
                    detail=screen_detail(s.entry),
                    deleted=s.deleted,
                )
                for s in read_screens(session, patient_id, include_deleted=include_deleted)
            ]
            if include_skips:
                rows += _skip_rows(session, patient_id, include_deleted)
        rows.sort(key=lambda r: (r.date, r.label))
        return rows

    def changes(self, patient_id: uuid.UUID) -> list[MeasureChange]:
        """Change from baseline for every measure that has a baseline and a later value.

        Which records are compared: :func:`rehab_tracker.domain.outcomes.baseline_and_latest`
        (the report's outcome table uses it too). Judged with the clinic's thresholds and worded
        in the clinic's units (feet for an imperial clinic; values stay SI).
        """
        settings = self.settings.load()
        thresholds = settings.thresholds
        by_measure: dict[str, list[OutcomeRow]] = {}
        for row in self.history(patient_id):
            by_measure.setdefault(row.measure, []).append(row)
        result = []
        for measure in [*QUESTIONNAIRES, *WALK_TESTS]:
            pair = baseline_and_latest(by_measure.get(measure, ()))
            if pair is None:
                continue
            base, latest = pair
            key = threshold_key(measure)
            result.append(
                MeasureChange(
                    measure=measure,
                    label=MEASURE_LABELS[measure],
                    threshold_key=key,
                    baseline_date=base.date,
                    baseline=base.value,
                    latest_date=latest.date,
                    latest=latest.value,
                    unit=thresholds[key].unit,
                    interpretation=interpret_change(
                        measure, base.value, latest.value, thresholds, units=settings.units
                    ),
                    threshold_source=thresholds[key].source,
                )
            )
        return result


def _skip_rows(session: Session, patient_id: uuid.UUID, include_deleted: bool) -> list[OutcomeRow]:
    """The instruments skipped at a review, as history rows (value 0, unit "skipped")."""
    q = (
        select(AssessmentSkip)
        .where(AssessmentSkip.patient_id == patient_id)
        .order_by(AssessmentSkip.skipped_on, AssessmentSkip.created_at)
    )
    if not include_deleted:
        q = q.where(AssessmentSkip.deleted_at.is_(None))
    return [
        OutcomeRow(
            id=k.id,
            kind="skip",
            measure=k.instrument,
            label=f"{instrument_name(k.instrument)}: skipped",
            date=k.skipped_on,
            timepoint=k.timepoint,
            value=0.0,
            unit="skipped",
            detail=k.reason,
            deleted=k.deleted_at is not None,
        )
        for k in session.scalars(q)
    ]
