"""Recording and removing one outcome record (a questionnaire, a walking test or a
neurological screen): the part of
:class:`~rehab_tracker.services.outcomes.OutcomeService` every kind of record shares.

A record belongs to the patient's current program (:func:`rehab_tracker.services._lookup.
current_program`, the one the Sessions overview shows). Deletes are soft and can be undone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AssessmentSkip, NeuroScreen, OutcomeAssessment, WalkTest
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import NotFoundError
from rehab_tracker.services.settings import SettingsService

TIMEPOINTS: dict[str, str] = {
    "baseline": "Baseline",
    "mid": "Mid-program (week 6)",
    "end": "End of program (week 12)",
    "follow_up": "Follow-up",
    "other": "Other",
}

#: builds one row of a record from (program id, date)
RowMaker = Callable[
    [uuid.UUID | None, dt.date], OutcomeAssessment | WalkTest | NeuroScreen | AssessmentSkip
]


#: what the second writer of an assessment is told it was (``lookup.conflict_message``)
STALE = "This assessment"


def check_record_texts(
    rows: Sequence[OutcomeAssessment | WalkTest | NeuroScreen | AssessmentSkip],
) -> None:
    """The free texts of records about to be stored hold what their columns hold: the notes
    (multi-line), a skip's reason (multi-line) and any text among a walk test's details (a stop
    reason: one line); ValidationError at ``notes`` / ``reason`` / ``stop_reason``."""
    errors = Collector()
    for row in rows:
        if isinstance(row, AssessmentSkip):
            bounds.check_notes(errors, "reason", row.reason)
            continue
        bounds.check_notes(errors, "notes", row.notes)
        details = row.details if isinstance(row, WalkTest) else {}
        for key, value in details.items():
            if isinstance(value, str):
                bounds.check_text(errors, key, value, limit=bounds.LABEL)
    errors.raise_if_any()


class OutcomeRecords:
    def __init__(
        self, db: Database, principal: Principal, settings: SettingsService | None = None
    ) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username
        self.settings = settings or SettingsService(db, principal)

    def _add_record(
        self,
        patient_id: uuid.UUID,
        on: dt.date | None,
        today: dt.date,
        date_field: str,
        timepoint: str,
        make: RowMaker,
    ) -> uuid.UUID:
        """Record one questionnaire or walk test (see :meth:`_add_records`)."""
        return self._add_records(patient_id, on, today, date_field, timepoint, [make])[0]

    def _add_records(
        self,
        patient_id: uuid.UUID,
        on: dt.date | None,
        today: dt.date,
        date_field: str,
        timepoint: str,
        makes: Sequence[RowMaker] | Callable[[Session], Sequence[RowMaker]],
    ) -> list[uuid.UUID]:
        """Record the rows of one user action (a questionnaire, a walk test, the back and leg
        pain pair, a review of the assessment screen) in one unit of work: all of them or none.
        Timepoint and date checked, tied to the patient's current program; ``make(program_id,
        date)`` builds each row. ``makes`` may be a function of the open session: rows that
        depend on what is stored are then checked against it in the same unit of work, so
        nothing another desk saves in between is missed (the PSFS checks its baseline's
        activities this way)."""
        if timepoint not in TIMEPOINTS:
            raise ValidationError.single("timepoint", "Choose a timepoint from the list.")
        with self.db.unit_of_work(self.principal) as session:
            lookup.patient(session, patient_id)
            lookup.check_record_date(
                session, patient_id, on, date_field, today=today, what="The date"
            )
            assert on is not None
            built = makes(session) if callable(makes) else makes
            program_id = lookup.current_program_id(session, patient_id)
            rows = [make(program_id, on) for make in built]
            check_record_texts(rows)
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    # --- delete / undo -------------------------------------------------------------------------

    def _row(
        self, session: Session, kind: str, row_id: uuid.UUID
    ) -> OutcomeAssessment | WalkTest | NeuroScreen | AssessmentSkip:
        row: OutcomeAssessment | WalkTest | NeuroScreen | AssessmentSkip | None
        if kind == "questionnaire":
            row = session.get(OutcomeAssessment, row_id)
        elif kind == "neuro":
            row = session.get(NeuroScreen, row_id)
        elif kind == "skip":
            row = session.get(AssessmentSkip, row_id)
        else:
            row = session.get(WalkTest, row_id)
        if row is None:
            raise NotFoundError("that assessment no longer exists")
        return row

    @requires(Permission.OUTCOMES)
    def delete(self, kind: str, row_id: uuid.UUID) -> None:
        """Soft delete of an assessment (``kind`` from :class:`OutcomeRow`); undo: restore."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            self._row(session, kind, row_id).deleted_at = utcnow()

    @requires(Permission.OUTCOMES)
    def restore(self, kind: str, row_id: uuid.UUID) -> None:
        with lookup.editing(self.db, self.principal, STALE) as session:
            self._row(session, kind, row_id).deleted_at = None
