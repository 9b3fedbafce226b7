"""Patient-rated measures beyond the questionnaires: the Patient-Specific Functional Scale
(the patient's own activities, rated 0-10; score = mean) and the Global Rating of Change
(-5..+5, follow-ups only). Rules: :mod:`rehab_tracker.domain.psfs`, :mod:`rehab_tracker.domain.grc`.

Both are stored as questionnaires (``outcome_assessments``), with their raw answers and the
rule's version; the PSFS is compared with its baseline like every questionnaire, the GRC never.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import OutcomeAssessment
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.grc import (
    GRC_BASELINE_MESSAGE,
    GRC_RULE_VERSION,
    grc_error,
    grc_text,
)
from rehab_tracker.domain.outcomes import BASELINE, baseline_and_latest, baseline_of
from rehab_tracker.domain.psfs import (
    PSFS_RULE_VERSION,
    PsfsActivity,
    activities_of,
    activity_changes,
    answers_doc,
    psfs_score,
    validate_psfs,
)
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.questionnaires import Questionnaires
from rehab_tracker.services.outcomes.records import RowMaker


@dataclass(frozen=True)
class RatedRecord:
    """One stored PSFS or GRC: its date, timepoint, score and raw answers."""

    on: dt.date
    timepoint: str
    score: float
    answers: dict[str, object]


def read_ratings(
    session: Session, patient_id: uuid.UUID, instrument: str, today: dt.date | None = None
) -> list[RatedRecord]:
    """The patient's live records of ``instrument`` ("psfs" or "grc"), oldest entry first
    (up to ``today`` when given: what a report dated that day counts)."""
    return read_ratings_of(session, patient_id, (instrument,), today)[instrument]


def read_ratings_of(
    session: Session,
    patient_id: uuid.UUID,
    instruments: tuple[str, ...],
    today: dt.date | None = None,
) -> dict[str, list[RatedRecord]]:
    """:func:`read_ratings` of each of ``instruments``, read in one statement."""
    q = (
        select(OutcomeAssessment)
        .where(
            OutcomeAssessment.patient_id == patient_id,
            OutcomeAssessment.instrument.in_(instruments),
            OutcomeAssessment.deleted_at.is_(None),
        )
        .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
    )
    if today is not None:
        q = q.where(OutcomeAssessment.assessed_on <= today)
    found: dict[str, list[RatedRecord]] = {i: [] for i in instruments}
    for o in session.scalars(q):
        record = RatedRecord(o.assessed_on, o.timepoint, o.score, dict(o.answers))
        found[o.instrument].append(record)
    return found


def psfs_activity_lines(records: Sequence[RatedRecord]) -> list[str]:
    """Each activity's change from the baseline PSFS to the latest (none without a follow-up)."""
    pair = baseline_and_latest(records)
    if pair is None:
        return []
    baseline, latest = pair
    return activity_changes(activities_of(baseline.answers), activities_of(latest.answers))


def grc_lines(records: Sequence[RatedRecord]) -> list[str]:
    """The GRC ratings, newest first: ``"Global rating of change on 2026-03-01: +3 (moderately
    better)"``."""
    return [
        f"Global rating of change on {r.on.isoformat()}: {grc_text(int(r.score))}"
        for r in reversed(records)
    ]


class PatientRatings(Questionnaires):
    def psfs_baseline(self, patient_id: uuid.UUID) -> tuple[PsfsActivity, ...] | None:
        """The activities of the patient's baseline PSFS (what a follow-up rates), or None."""
        with self.db.reading() as session:
            baseline = baseline_of(read_ratings(session, patient_id, "psfs"))
        return None if baseline is None else activities_of(baseline.answers)

    @requires(Permission.OUTCOMES)
    def record_psfs(
        self,
        patient_id: uuid.UUID,
        activities: Sequence[PsfsActivity],
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        """Store a PSFS; fields ``activity_N``/``rating_N`` (rows from 1) and ``activities``.
        Once a baseline PSFS exists, the same activities must be rated: the baseline is read in
        the unit of work that writes the record."""

        def build(session: Session) -> list[RowMaker]:
            baseline = baseline_of(read_ratings(session, patient_id, "psfs"))
            names = None if baseline is None else [a.name for a in activities_of(baseline.answers)]
            kept = validate_psfs(activities, names)
            ratings = [a.rating for a in kept if a.rating is not None]
            return [
                self._row_maker(
                    patient_id, "psfs", answers_doc(kept), psfs_score(ratings),
                    PSFS_RULE_VERSION, timepoint, notes,
                )
            ]

        return self._add_records(patient_id, assessed_on, today, "assessed_on", timepoint, build)[0]

    @requires(Permission.OUTCOMES)
    def record_grc(
        self,
        patient_id: uuid.UUID,
        rating: int | None,
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "follow_up",
        notes: str = "",
    ) -> uuid.UUID:
        """Store a Global Rating of Change (-5..+5); fields ``rating`` and ``timepoint`` (a GRC
        is not recorded at baseline)."""
        problem = grc_error(rating)
        if problem is not None:
            raise ValidationError.single("rating", problem)
        if timepoint == BASELINE:
            raise ValidationError.single("timepoint", GRC_BASELINE_MESSAGE)
        assert rating is not None
        return self._questionnaire(
            patient_id,
            "grc",
            assessed_on,
            {"rating": rating},
            float(rating),
            GRC_RULE_VERSION,
            timepoint,
            notes,
            today,
        )
