"""What the session form opens with: a new log prefilled from the prescription and the
progression suggestion, or a finished log to correct."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Exercise, Prescription, SessionLog
from rehab_tracker.domain.sessions import (
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    planned_sets,
    set_values,
)
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.programs.types import PrescribedExercise
from rehab_tracker.services.restrictions import active_restrictions
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import (
    open_slot,
    red_flag_alerts,
    session_log,
    slot_of,
)
from rehab_tracker.services.sessions.types import SessionForm, SlotInfo


class SessionForms(SessionServiceBase):
    def new_form(
        self, patient_id: uuid.UUID, scheduled_session_id: uuid.UUID | None, *, today: dt.date
    ) -> SessionForm:
        """A new log for a slot (None = unscheduled), prefilled from the prescription and the
        progression suggestion. Refuses a slot already logged."""
        with self.db.reading() as session:
            patient = lookup.patient(session, patient_id)
            program_id = lookup.current_program_id(session, patient_id)
            info = None
            if scheduled_session_id is not None:
                program_id, info = open_slot(session, scheduled_session_id)
            date = today
            exercises: tuple[ExerciseEntry, ...] = ()
            if program_id is not None and (info is None or info.kind == "exercise"):
                exercises = self._prefill(program_id, scheduled_session_id, date, today)
            entry = SessionEntry(
                session_date=date,
                location=info.location if info is not None else "clinic",
                exercises=exercises,
            )
            return SessionForm(
                patient_id=patient_id,
                patient_name=patient.full_name,
                program_id=program_id,
                slot=info,
                session_id=None,
                entry=entry,
                surgery_date=lookup.latest_surgery_date(session, patient_id),
                restrictions=active_restrictions(session, patient_id, date),
                open_red_flags=tuple(red_flag_alerts(session, patient_id)),
            )

    def _prefill(
        self,
        program_id: uuid.UUID,
        slot_id: uuid.UUID | None,
        on: dt.date,
        today: dt.date,
    ) -> tuple[ExerciseEntry, ...]:
        """Exercises of the slot's phase (ProgramService), each set prefilled with the dosage the
        progression engine suggests from the last logged session (else the prescription)."""
        ref: uuid.UUID | tuple[uuid.UUID, dt.date] = slot_id if slot_id else (program_id, on)
        prescribed = self.programs.prescriptions_for_session(ref)
        suggestions = self.programs.suggestions(program_id, today=today) if prescribed else {}
        result = []
        for rx in prescribed:
            hint = suggestions.get(rx.id)
            sets = planned_sets(hint.suggested if hint is not None else rx.dosage)
            reason = hint.reason if hint is not None else "Prescribed dosage."
            result.append(_not_recorded(rx, sets, reason))
        return tuple(result)

    def edit_form(self, session_id: uuid.UUID) -> SessionForm:
        """A finished (or aborted) log, to correct it."""
        with self.db.reading() as session:
            log = session_log(session, session_id)
            patient = lookup.patient(session, log.patient_id)
            info: SlotInfo | None = None
            if log.scheduled_session_id is not None:
                _, info = slot_of(session, log.scheduled_session_id)
            return SessionForm(
                patient_id=log.patient_id,
                patient_name=patient.full_name,
                program_id=log.program_id,
                slot=info,
                session_id=log.id,
                entry=self._with_unrecorded(session, log, _entry_of(session, log)),
                surgery_date=lookup.latest_surgery_date(session, log.patient_id),
                status=log.status,
                red_flag_result=log.red_flag_result,
                restrictions=active_restrictions(session, log.patient_id, log.session_date),
                version=log.version,
            )

    def _with_unrecorded(
        self, session: Session, log: SessionLog, entry: SessionEntry
    ) -> SessionEntry:
        """``entry`` of an attended exercise session, with the exercises prescribed for it that
        were not recorded (status "not recorded", prefilled with the prescription): a correction
        can still record them."""
        if not log.attended or log.status != "final" or log.program_id is None:
            return entry
        ref: uuid.UUID | tuple[uuid.UUID, dt.date] = (
            log.scheduled_session_id or (log.program_id, log.session_date)
        )
        stored = {e.exercise_id for e in entry.exercises}
        missing = tuple(
            _not_recorded(
                rx, planned_sets(rx.dosage), "Not recorded when the session was logged."
            )
            for rx in self.programs.prescriptions_for_session(ref)
            if rx.exercise_id not in stored
        )
        return replace(entry, exercises=entry.exercises + missing) if missing else entry


def _not_recorded(
    rx: PrescribedExercise, sets: tuple[SetEntry, ...], suggestion: str
) -> ExerciseEntry:
    """A prescribed exercise nobody recorded yet, prefilled with ``sets`` (what "done as
    prescribed" stands for)."""
    return ExerciseEntry(
        exercise_id=rx.exercise_id,
        name=rx.exercise_name,
        dosage_type=rx.dosage.dosage_type,
        prescription_id=rx.id,
        prescribed=rx.dosage.describe(),
        suggestion=suggestion,
        sets=sets,
        planned=sets,
    )


def _entry_of(session: Session, log: SessionLog) -> SessionEntry:
    """The form's entry for a stored log: its exercises with their status (done as prescribed
    meaning their prescription's sets), live adverse events and screen answers."""
    names: dict[uuid.UUID, str] = {}
    dosage: dict[uuid.UUID, str] = {}
    for ex_id, ex_name, ex_type in session.execute(
        select(Exercise.id, Exercise.name, Exercise.dosage_type).where(
            Exercise.id.in_([e.exercise_id for e in log.exercises])
        )
    ):
        names[ex_id] = ex_name
        dosage[ex_id] = ex_type
    prescriptions = {
        rx.id: rx
        for rx in session.scalars(
            select(Prescription).where(
                Prescription.id.in_([e.prescription_id for e in log.exercises if e.prescription_id])
            )
        )
    }
    return SessionEntry(
        session_date=log.session_date,
        location=log.location,
        attended=log.attended,
        missed_reason=log.missed_reason or "",
        pain_back_before=log.pain_back_before,
        pain_back_after=log.pain_back_after,
        pain_leg_before=log.pain_leg_before,
        pain_leg_after=log.pain_leg_after,
        exercises=tuple(
            ExerciseEntry(
                exercise_id=e.exercise_id,
                name=names.get(e.exercise_id, "?"),
                dosage_type=dosage.get(e.exercise_id, "reps"),
                prescription_id=e.prescription_id,
                prescribed=rx.dosage.describe() if rx is not None else "",
                sets=tuple(SetEntry(**set_values(s)) for s in e.sets),
                notes=e.notes or "",
                status=e.status,
                planned=planned_sets(rx.dosage) if rx is not None else (),
            )
            for e in log.exercises
            for rx in [prescriptions.get(e.prescription_id) if e.prescription_id else None]
        ),
        adverse_events=tuple(
            AdverseEventEntry(a.description, a.severity, a.action_taken)
            for a in log.adverse_events
            if a.deleted_at is None
        ),
        notes=log.notes or "",
        red_flags={k: bool(v) for k, v in log.red_flags.items()},
    )
