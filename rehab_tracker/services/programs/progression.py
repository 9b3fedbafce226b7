"""Progressing a program: the engine's suggestion per prescription from the patient's last
logged session of the exercise, and accepting it (or the therapist's edit of it) as the new
prescription row.

While the patient has a positive red-flag screen not yet cleared (acknowledged), every suggestion
is the engine's hold for it and a progression is refused (rule 0 of
:mod:`rehab_tracker.domain.progression`).

Every suggestion then passes through the patient's active surgeon restrictions
(:func:`rehab_tracker.domain.restrictions.cap_suggestion`), in :func:`_as_suggestion` and
nowhere else: no suggestion goes past one. Accepting a dose that does needs a reason, as the
builder's save does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import (
    AdverseEvent,
    ExerciseLog,
    Prescription,
    Program,
    SessionLog,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import progression
from rehab_tracker.domain import restrictions as restriction_rules
from rehab_tracker.domain.dosage import STEP_FIELDS, Dosage, ProgressionStep
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.numbers import is_number
from rehab_tracker.domain.phases import phase_on
from rehab_tracker.domain.sessions import set_values
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import ConflictError
from rehab_tracker.services.programs.checks import validate_dosage
from rehab_tracker.services.programs.common import (
    ServicePart,
    clean,
    get_program,
    new_prescription,
    stale_is_conflict,
)
from rehab_tracker.services.programs.restricted import active_for, checked_reason, facts_of
from rehab_tracker.services.programs.types import ProgressionSuggestion


class ProgramProgression(ServicePart):
    """Suggestions of the next dose, and accepting one."""

    def suggestion_for(
        self, program_id: uuid.UUID, exercise_id: uuid.UUID, *, today: dt.date
    ) -> ProgressionSuggestion | None:
        """Suggest the next dosage of one exercise from the patient's last logged session of it.

        None when the exercise is not currently prescribed or has never been logged.
        """
        with self.db.reading() as session:
            program = get_program(session, program_id)
            phase = phase_on(program.phases, today)
            open_rx = [
                rx
                for rx in program.prescriptions
                if rx.valid_to is None and rx.exercise_id == exercise_id
            ]
            if not open_rx:
                return None
            rx = next((r for r in open_rx if phase is not None and r.phase_id == phase.id), None)
            rx = rx or open_rx[0]
            return self._suggest(
                session, program, rx, today, _open_flag(session, program),
                active_for(session, program, today),
            )

    def suggestions(
        self, program_id: uuid.UUID, *, today: dt.date
    ) -> dict[uuid.UUID, ProgressionSuggestion]:
        """Suggestions for every open prescription that has a logged session (by prescription)."""
        with self.db.reading() as session:
            program = get_program(session, program_id)
            out: dict[uuid.UUID, ProgressionSuggestion] = {}
            flagged_on = _open_flag(session, program)
            active = active_for(session, program, today)
            for rx in program.prescriptions:
                if rx.valid_to is None:
                    found = self._suggest(session, program, rx, today, flagged_on, active)
                    if found is not None:
                        out[rx.id] = found
            return out

    def _suggest(
        self,
        session: Session,
        program: Program,
        rx: Prescription,
        today: dt.date,
        flagged_on: dt.date | None,
        active: Sequence[restriction_rules.Restriction],
    ) -> ProgressionSuggestion | None:
        """The suggestion for ``rx``; with ``flagged_on`` (the open red flag's date) the hold;
        either one capped by the ``active`` restrictions."""
        last = _last_logged(session, program, rx, today)
        if last is None:
            return None
        log, slog = last
        if flagged_on is not None:
            hold = progression.hold_for_red_flag(rx.dosage, flagged_on)
            return _as_suggestion(rx, hold, slog, active)
        performance = _performance(session, log, slog)
        steps = rx.exercise.progression or {}
        given: dict[str, Any] = {n: steps[n] for n in STEP_FIELDS if is_number(steps.get(n))}
        current = rx.dosage
        try:
            domain_rx = progression.Prescription(
                current,
                ProgressionStep(**given),
                reps_cap=max(20, current.reps_max or 0),
                hold_cap_s=max(60.0, current.hold_seconds or 0.0),
                sets_cap=max(4, current.sets),
            )
            result = progression.suggest(domain_rx, performance)
        except ValidationError:
            return None
        return _as_suggestion(rx, result, slog, active)

    def accept_suggestion(
        self,
        prescription_id: uuid.UUID,
        dosage: Dosage,
        *,
        notes: str | None = None,
        restriction_reason: str | None = None,
        today: dt.date | None = None,
    ) -> uuid.UUID:
        """Prescribe ``dosage`` (the suggestion, or the therapist's edit of it) from now on.

        Closes the prescription row and opens a new one for the same exercise and phase; returns
        the new row's id. Refuses a row that is already closed (it was changed meanwhile), and a
        dose past a restriction active on ``today`` (default: the date today) unless
        ``restriction_reason`` says why (stored on the new row).
        """
        validate_dosage(dosage)
        with stale_is_conflict(), self.db.unit_of_work(self.actor) as session:
            old = lookup.by_id(session, Prescription, prescription_id, "prescription")
            if old.valid_to is not None:
                raise ConflictError(
                    f"The prescription of {old.exercise.name} was changed since it was "
                    "shown; reopen the program to see the current one."
                )
            if dosage.dosage_type != old.dosage_type:
                raise ValidationError.single(
                    "dosage_type", f"{old.exercise.name} is dosed by {old.dosage_type}."
                )
            flagged_on = _open_flag(session, old.program)
            if flagged_on is not None and progression.raises_dose(old.dosage, dosage):
                raise ValidationError.single(
                    "dosage",
                    f"{old.exercise.name} cannot progress: red flag on "
                    f"{flagged_on.isoformat()} not yet cleared. Record the clearance "
                    "(Session > Record Red-Flag Outcome) once the patient has been assessed.",
                )
            active = active_for(session, old.program, today or dt.date.today())
            breaches = restriction_rules.check_dose(facts_of(old.exercise), dosage, active)
            reason = checked_reason(
                restriction_reason, {"dosage": " ".join(b.message for b in breaches)}
                if breaches else {},
            )
            now = utcnow()
            old.valid_to = now
            rx = new_prescription(
                self.actor,
                old.program,
                old.phase_id,
                old.exercise_id,
                old.position,
                dosage,
                clean(notes) if notes is not None else old.notes,
                now,
            )
            rx.restriction_override = reason
            session.add(rx)
            old.program.updated_at = now  # bump the program's version
            session.flush()
            return rx.id


def _as_suggestion(
    rx: Prescription,
    result: progression.Suggestion,
    slog: SessionLog,
    active: Sequence[restriction_rules.Restriction],
) -> ProgressionSuggestion:
    """The engine's ``result`` for ``rx``, based on the session ``slog``, capped by the
    ``active`` restrictions (the one place every suggestion passes through)."""
    current = rx.dosage
    result = restriction_rules.cap_suggestion(facts_of(rx.exercise), current, result, active)
    # the suggested amounts; the dosage type and effort target stay as prescribed
    suggested = replace(
        result.dosage,
        dosage_type=current.dosage_type,
        effort_target=current.effort_target,
    )
    return ProgressionSuggestion(
        prescription_id=rx.id,
        exercise_id=rx.exercise_id,
        exercise_name=rx.exercise.name,
        action=result.action,
        reason=result.reason,
        current=current,
        suggested=suggested,
        based_on=slog.session_date,
    )


def _open_flag(session: Session, program: Program) -> dt.date | None:
    """The date of the patient's oldest positive red-flag screen not yet cleared (the one the
    Sessions tab shows and a recorded clearance clears first), or None."""
    flags = lookup.open_red_flags(session, program.patient_id)
    if not flags:
        return None
    return flags[0].session_date


def _last_logged(
    session: Session, program: Program, rx: Prescription, today: dt.date
) -> tuple[ExerciseLog, SessionLog] | None:
    """The patient's last attended, finished session up to ``today`` that logged the exercise,
    and its log of the exercise."""
    last = session.execute(
        select(ExerciseLog, SessionLog)
        .join(SessionLog, ExerciseLog.session_id == SessionLog.id)
        .where(
            SessionLog.patient_id == program.patient_id,
            ExerciseLog.exercise_id == rx.exercise_id,
            SessionLog.deleted_at.is_(None),
            SessionLog.status != "draft",
            SessionLog.attended.is_(True),
            SessionLog.session_date <= today,
        )
        .order_by(SessionLog.session_date.desc(), SessionLog.created_at.desc())
        .limit(1)
    ).first()
    return None if last is None else (last[0], last[1])


def _performance(session: Session, log: ExerciseLog, slog: SessionLog) -> progression.Performance:
    """What the engine judges: the logged sets, the pain before and after, and whether the
    session had an adverse event or was stopped."""
    adverse = session.scalar(
        select(AdverseEvent.id).where(
            AdverseEvent.session_id == slog.id, AdverseEvent.deleted_at.is_(None)
        )
    )
    return progression.Performance(
        sets=tuple(progression.LoggedSet(**set_values(s)) for s in log.sets),
        back_pain_before=slog.pain_back_before,
        back_pain_after=slog.pain_back_after,
        leg_pain_before=slog.pain_leg_before,
        leg_pain_after=slog.pain_leg_after,
        adverse_event=adverse is not None or slog.status == "aborted",
    )
