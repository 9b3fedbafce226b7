"""What the session form opens with: a new log prefilled from the prescription and the
progression suggestion, or a finished log to correct."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Exercise, SessionLog
from rehab_tracker.domain.sessions import (
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    set_values,
)
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.restrictions import active_restrictions
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import open_slot, session_log, slot_of
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
            dosage = hint.suggested if hint is not None else rx.dosage
            reps = dosage.reps_max if dosage.reps_max is not None else dosage.reps_min
            sets = tuple(
                SetEntry(
                    reps=reps if dosage.dosage_type in ("reps", "hold") else None,
                    hold_seconds=dosage.hold_seconds,
                    load_kg=dosage.load_kg or None,
                    distance_m=dosage.distance_m,
                    duration_s=dosage.duration_s,
                )
                for _ in range(dosage.sets)
            )
            result.append(
                ExerciseEntry(
                    exercise_id=rx.exercise_id,
                    name=rx.exercise_name,
                    dosage_type=rx.dosage.dosage_type,
                    prescription_id=rx.id,
                    prescribed=rx.dosage.describe(),
                    suggestion=hint.reason if hint is not None else "Prescribed dosage.",
                    sets=sets,
                )
            )
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
                entry=_entry_of(session, log),
                surgery_date=lookup.latest_surgery_date(session, log.patient_id),
                status=log.status,
                red_flag_result=log.red_flag_result,
                restrictions=active_restrictions(session, log.patient_id, log.session_date),
                version=log.version,
            )


def _entry_of(session: Session, log: SessionLog) -> SessionEntry:
    """The form's entry for a stored log: its sets, live adverse events and screen answers."""
    names: dict[uuid.UUID, str] = {}
    dosage: dict[uuid.UUID, str] = {}
    for ex_id, ex_name, ex_type in session.execute(
        select(Exercise.id, Exercise.name, Exercise.dosage_type).where(
            Exercise.id.in_([e.exercise_id for e in log.exercises])
        )
    ):
        names[ex_id] = ex_name
        dosage[ex_id] = ex_type
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
                sets=tuple(SetEntry(**set_values(s)) for s in e.sets),
                notes=e.notes or "",
            )
            for e in log.exercises
        ),
        adverse_events=tuple(
            AdverseEventEntry(a.description, a.severity, a.action_taken)
            for a in log.adverse_events
            if a.deleted_at is None
        ),
        notes=log.notes or "",
        red_flags={k: bool(v) for k, v in log.red_flags.items()},
    )
