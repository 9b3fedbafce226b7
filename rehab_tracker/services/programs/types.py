"""The plain results of the program use cases: frozen dataclasses the UI and reports read.

Nothing here touches the database: the parts of :class:`ProgramService` build these from rows
(:mod:`.reads`, :mod:`.catalogue`, :mod:`.progression`) and the builder hands edited copies back
(:class:`ProgramDraft`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from rehab_tracker.domain.dosage import Dosage, minimal_dosage
from rehab_tracker.domain.phases import PhaseOutline, phase_on, phase_span
from rehab_tracker.domain.program_status import StatusDetails

# ----------------------------------------------------------------------------- plain results


@dataclass(frozen=True)
class TemplateInfo:
    """A program template as the builder's picker shows it."""

    code: str
    name: str
    description: str
    sources: tuple[str, ...]
    dosage_note: str
    weeks: int
    sessions_per_week: int
    start_weeks_min: int
    start_weeks_max: int
    variants: tuple[tuple[str, str], ...]  # (code, name)
    builtin: bool


@dataclass(frozen=True)
class ExerciseInfo:
    """One exercise of the library, for the exercise picker."""

    id: uuid.UUID | None
    code: str
    name: str
    body_region: str
    dosage_type: str
    equipment: tuple[str, ...]
    default_dosage: tuple[tuple[str, Dosage], ...]

    def dosage_for(self, phase_code: str) -> Dosage:
        """The library's default dose for that phase, else its first, else a minimal one."""
        for code, dose in self.default_dosage:
            if code == phase_code:
                return dose
        if self.default_dosage:
            return self.default_dosage[0][1]
        return minimal_dosage(self.dosage_type)


@dataclass(frozen=True)
class PrescribedExercise:
    """One prescription row: an exercise with its dosage in a phase, and when it was valid."""

    id: uuid.UUID
    phase_id: uuid.UUID
    phase_name: str
    exercise_id: uuid.UUID
    exercise_code: str
    exercise_name: str
    position: int
    dosage: Dosage
    notes: str | None
    instructions: tuple[str, ...]
    cautions: tuple[str, ...]
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    #: the exercise's library movements a restriction may rule out
    movements: tuple[str, ...] = ()
    #: why the dose was prescribed although it goes past an active restriction, if it does
    restriction_override: str | None = None


@dataclass(frozen=True)
class PhaseDetail(PhaseOutline):
    id: uuid.UUID
    position: int
    goals: str
    prescriptions: tuple[PrescribedExercise, ...]


@dataclass(frozen=True)
class ScheduleItem:
    id: uuid.UUID
    number: int  # 0 = education, 1..36 exercise
    week: int
    date: dt.date
    kind: str


@dataclass(frozen=True)
class AssessmentDue:
    id: uuid.UUID
    timepoint: str
    label: str
    due_date: dt.date
    instruments: tuple[str, ...]


@dataclass(frozen=True)
class ProgramDetail(StatusDetails):
    """A program with its phases, schedule and assessments; its pause and end are the
    :class:`StatusDetails` fields."""

    id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    record_number: str
    template_code: str | None
    name: str
    intensity: str
    start_date: dt.date
    weeks: int
    sessions_per_week: int
    status: str
    early_start_reason: str | None
    notes: str | None
    version: int
    surgery_date: dt.date | None
    phases: tuple[PhaseDetail, ...]
    sessions: tuple[ScheduleItem, ...]
    assessments: tuple[AssessmentDue, ...]
    warnings: tuple[str, ...]

    def phase_on(self, day: dt.date) -> PhaseDetail | None:
        """The phase ``day`` falls in (:func:`rehab_tracker.domain.phases.phase_on`)."""
        return phase_on(self.phases, day)

    def to_draft(self) -> ProgramDraft:
        return ProgramDraft(
            phases=tuple(
                PhaseDraft(
                    id=p.id,
                    **phase_span(p),
                    items=tuple(
                        PrescriptionDraft(
                            exercise_code=rx.exercise_code,
                            dosage=rx.dosage,
                            notes=rx.notes,
                            prescription_id=rx.id,
                            exercise_name=rx.exercise_name,
                        )
                        for rx in p.prescriptions
                    ),
                )
                for p in self.phases
            )
        )


@dataclass(frozen=True)
class SchedulePreview:
    """What creating a program would give, shown before the user commits to it."""

    exercise_start: dt.date
    end_date: dt.date
    sessions: int
    phases: tuple[tuple[str, dt.date, dt.date], ...]
    warnings: tuple[str, ...]
    early_start: bool  # starts before the template's minimum: a reason is needed


@dataclass(frozen=True)
class ProgressionSuggestion:
    """The progression engine's proposal for one prescription; the therapist accepts or edits."""

    prescription_id: uuid.UUID
    exercise_id: uuid.UUID
    exercise_name: str
    action: str  # progress | hold | step_back | repeat
    reason: str
    current: Dosage
    suggested: Dosage
    based_on: dt.date  # date of the logged session it is based on

    @property
    def changes(self) -> bool:
        return self.current != self.suggested


# ---------------------------------------------------------------------------------- edit drafts


@dataclass(frozen=True)
class PrescriptionDraft:
    """One exercise in an edited phase; ``prescription_id`` None means newly added."""

    exercise_code: str
    dosage: Dosage
    notes: str | None = None
    prescription_id: uuid.UUID | None = None
    exercise_name: str = ""


@dataclass(frozen=True)
class PhaseDraft(PhaseOutline):
    id: uuid.UUID
    items: tuple[PrescriptionDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProgramDraft:
    phases: tuple[PhaseDraft, ...]
