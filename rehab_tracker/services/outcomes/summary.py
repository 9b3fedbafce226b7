"""What the patient overview and the report show of the outcomes beyond the change sentences:
each PSFS activity's change, the Global Rating of Change and what changed in the neurological
screen (:class:`MeasureNotes`, read by :func:`read_measure_notes` for both), and the overview's
summary (:meth:`MeasureSummaries.overview_summary`): every change from baseline in words plus
those notes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from rehab_tracker.services.outcomes.changes import OutcomeHistory
from rehab_tracker.services.outcomes.neuro import (
    NeuroChange,
    NeuroScreens,
    neuro_change,
    read_screens,
)
from rehab_tracker.services.outcomes.performance import PerformanceTests
from rehab_tracker.services.outcomes.ratings import (
    PatientRatings,
    grc_lines,
    psfs_activity_lines,
    read_ratings_of,
)
from rehab_tracker.services.outcomes.review import AssessmentReviews


@dataclass(frozen=True)
class MeasureNotes:
    """``psfs_activities``: each PSFS activity, baseline -> latest; ``grc``: the global ratings,
    newest first; ``neuro``: the neurological screen's change (None: never screened)."""

    psfs_activities: tuple[str, ...] = ()
    grc: tuple[str, ...] = ()
    neuro: NeuroChange | None = None

    @property
    def empty(self) -> bool:
        return not (self.psfs_activities or self.grc or self.neuro)


def read_measure_notes(
    session: Session, patient_id: uuid.UUID, today: dt.date | None = None
) -> MeasureNotes:
    """The notes of one patient's records (up to ``today`` when given: a report's date)."""
    rated = read_ratings_of(session, patient_id, ("psfs", "grc"), today)
    return MeasureNotes(
        psfs_activities=tuple(psfs_activity_lines(rated["psfs"])),
        grc=tuple(grc_lines(rated["grc"])),
        neuro=neuro_change(read_screens(session, patient_id, today=today)),
    )


@dataclass(frozen=True)
class OverviewSummary:
    """``changes``: one sentence per measure with a baseline and a later value; ``notes``: the
    PSFS activities, GRC and neurological screen."""

    changes: tuple[str, ...]
    notes: MeasureNotes = field(default_factory=MeasureNotes)

    @property
    def empty(self) -> bool:
        return not self.changes and self.notes.empty


class MeasureSummaries(
    PatientRatings, PerformanceTests, NeuroScreens, AssessmentReviews, OutcomeHistory
):
    def overview_summary(self, patient_id: uuid.UUID) -> OverviewSummary:
        changes = tuple(c.sentence for c in self.changes(patient_id))
        with self.db.reading() as session:
            notes = read_measure_notes(session, patient_id)
        return OverviewSummary(changes, notes)
