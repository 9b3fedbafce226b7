"""Progressing a program: the engine's suggestion per prescription from the patient's last
logged sessions of the exercise (as many as the program's intensity needs), the numbness or
weakness the red-flag screens reported and the baseline leg pain, under the clinic's pain ceiling;
and accepting a suggestion (or the therapist's edit of it) as the new prescription row.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from rehab_tracker.data.models import (
    AdverseEvent,
    Exercise,
    ExerciseLog,
    OutcomeAssessment,
    Prescription,
    Program,
    SessionLog,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import progression
from rehab_tracker.domain import restrictions as restriction_rules
from rehab_tracker.domain.bounds import LONG_TEXT, text_problem
from rehab_tracker.domain.dosage import STEP_FIELDS, Dosage, ProgressionStep
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.numbers import is_number
from rehab_tracker.domain.outcomes import baseline_of
from rehab_tracker.domain.phases import phase_on
from rehab_tracker.domain.program_status import refuse_dose_edit
from rehab_tracker.domain.redflags import KNOWN_FLAGS_BY_CODE
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.sessions import PERFORMED, set_values
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
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
        """Suggest the next dosage of one exercise from the patient's last logged sessions of it.

        None when the exercise is not currently prescribed or has never been logged.
        """
        rules_ceiling = self.settings.load().progression_pain_ceiling
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
            evidence = _gather(session, program, [rx], today, rules_ceiling)
            return _suggest(rx, evidence, active_for(session, program, today))

    def suggestions(
        self, program_id: uuid.UUID, *, today: dt.date
    ) -> dict[uuid.UUID, ProgressionSuggestion]:
        """Suggestions for every open prescription that has a logged session (by prescription).

        The evidence for all of them is read in a fixed number of statements (:func:`_gather`),
        however many exercises the program has."""
        rules_ceiling = self.settings.load().progression_pain_ceiling
        with self.db.reading() as session:
            program = get_program(session, program_id)
            open_rx = [rx for rx in program.prescriptions if rx.valid_to is None]
            evidence = _gather(session, program, open_rx, today, rules_ceiling)
            out: dict[uuid.UUID, ProgressionSuggestion] = {}
            active = active_for(session, program, today)
            for rx in open_rx:
                found = _suggest(rx, evidence, active)
                if found is not None:
                    out[rx.id] = found
            return out

    @requires(Permission.PROGRAMS)
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
        problem = None if notes is None else text_problem(notes, limit=LONG_TEXT, multiline=True)
        if problem is not None:
            raise ValidationError.single("notes", problem)
        with stale_is_conflict(), self.db.unit_of_work(self.principal) as session:
            old = lookup.by_id(session, Prescription, prescription_id, "prescription")
            if old.valid_to is not None:
                raise ConflictError(
                    f"The prescription of {old.exercise.name} was changed since it was "
                    "shown; reopen the program to see the current one."
                )
            refuse_dose_edit(old.program.status)
            if dosage.dosage_type != old.dosage_type:
                raise ValidationError.single(
                    "dosage_type", f"{old.exercise.name} is dosed by {old.dosage_type}."
                )
            flagged_on = open_flag(session, old.program)
            if flagged_on is not None and progression.raises_dose(old.dosage, dosage):
                raise ValidationError.single(
                    "dosage", flag_refusal(old.exercise.name, flagged_on)
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


@dataclass(frozen=True)
class _Evidence:
    """What the engine judges, read for all the prescriptions at once: each exercise's last
    logged sessions (newest first, with the session's row), the numbness or weakness reported,
    the baseline leg pain, the program's rules, and the open red flag's date (None: none)."""

    sessions: Mapping[uuid.UUID, Sequence[tuple[SessionLog, progression.Performance]]]
    exercises: Mapping[uuid.UUID, Exercise]
    neuro_signs: tuple[progression.NeuroSign, ...]
    leg_pain_baseline: int | None
    rules: progression.Rules
    flagged_on: dt.date | None


def _suggest(
    rx: Prescription, evidence: _Evidence, active: Sequence[restriction_rules.Restriction]
) -> ProgressionSuggestion | None:
    """The suggestion for ``rx`` (None: the exercise was never logged); while a red flag is
    open, the engine's hold for it; either capped by the ``active`` restrictions."""
    logged = evidence.sessions.get(rx.exercise_id)
    if not logged:
        return None
    last_row, exercise = logged[0][0], evidence.exercises[rx.exercise_id]
    if evidence.flagged_on is not None:
        hold = progression.hold_for_red_flag(rx.dosage, evidence.flagged_on)
        return _as_suggestion(rx, exercise, hold, last_row, active)
    steps = exercise.progression or {}
    given: dict[str, Any] = {n: steps[n] for n in STEP_FIELDS if is_number(steps.get(n))}
    current = rx.dosage
    history = progression.History(
        [perf for _row, perf in logged],
        leg_pain_baseline=evidence.leg_pain_baseline,
        neuro_signs=evidence.neuro_signs,
    )
    try:
        domain_rx = progression.Prescription(
            current,
            ProgressionStep(**given),
            reps_cap=max(20, current.reps_max or 0),
            hold_cap_s=max(60.0, current.hold_seconds or 0.0),
            sets_cap=max(4, current.sets),
        )
        result = progression.suggest(domain_rx, history, evidence.rules)
    except ValidationError:
        return None
    return _as_suggestion(rx, exercise, result, last_row, active)


def _as_suggestion(
    rx: Prescription,
    exercise: Exercise,
    result: progression.Suggestion,
    slog: SessionLog,
    active: Sequence[restriction_rules.Restriction],
) -> ProgressionSuggestion:
    """The engine's ``result`` for ``rx`` (of ``exercise``), based on the session ``slog``,
    capped by the ``active`` restrictions (the one place every suggestion passes through)."""
    current = rx.dosage
    result = restriction_rules.cap_suggestion(facts_of(exercise), current, result, active)
    # the suggested amounts; the dosage type and effort target stay as prescribed
    suggested = replace(
        result.dosage,
        dosage_type=current.dosage_type,
        effort_target=current.effort_target,
    )
    return ProgressionSuggestion(
        prescription_id=rx.id,
        exercise_id=rx.exercise_id,
        exercise_name=exercise.name,
        action=result.action,
        reason=result.reason,
        current=current,
        suggested=suggested,
        based_on=slog.session_date,
    )


def flag_refusal(exercise_name: str, flagged_on: dt.date) -> str:
    """Why a raised dose is refused while a positive screen is open (accepting a suggestion,
    and the builder)."""
    return (
        f"{exercise_name} cannot progress: red flag on {flagged_on.isoformat()} not yet "
        "cleared. Record the clearance (Session > Record Red-Flag Outcome) once the patient "
        "has been assessed."
    )


def open_flag(session: Session, program: Program) -> dt.date | None:
    """The date of the patient's oldest positive red-flag screen not yet cleared (the one the
    Sessions tab shows and a recorded clearance clears first), or None."""
    flags = lookup.open_red_flags(session, program.patient_id)
    if not flags:
        return None
    return flags[0].session_date


def _gather(
    session: Session,
    program: Program,
    prescriptions: Sequence[Prescription],
    today: dt.date,
    pain_ceiling: int,
) -> _Evidence:
    """The evidence for ``prescriptions`` in a fixed number of statements: the open red flag;
    the last logged sessions of every exercise (one ranked statement, their sets in one more,
    their adverse events in one); the red-flag screens reporting numbness or weakness; the
    baseline leg pain; the exercises (their names and progression steps)."""
    rules = progression.Rules(
        "low" if program.intensity == "low" else "high", pain_ceiling=pain_ceiling
    )
    flagged_on = open_flag(session, program)
    exercise_ids = {rx.exercise_id for rx in prescriptions}
    rows = _last_logged(session, program.patient_id, exercise_ids, today, rules.sessions_needed)
    adverse = _adverse_sessions(session, {slog.id for _log, slog in rows})
    sessions: dict[uuid.UUID, list[tuple[SessionLog, progression.Performance]]] = {}
    for log, slog in rows:
        mine = sessions.setdefault(log.exercise_id, [])
        if all(row.id != slog.id for row, _perf in mine):  # one log of it per session
            mine.append((slog, _performance(log, slog, slog.id in adverse)))
    exercises = session.scalars(select(Exercise).where(Exercise.id.in_(exercise_ids)))
    return _Evidence(
        sessions=sessions,
        exercises={e.id: e for e in exercises},
        neuro_signs=_neuro_signs(session, program.patient_id, today),
        leg_pain_baseline=_leg_pain_baseline(session, program.patient_id, today),
        rules=rules,
        flagged_on=flagged_on,
    )


def _last_logged(
    session: Session,
    patient_id: uuid.UUID,
    exercise_ids: set[uuid.UUID],
    today: dt.date,
    per_exercise: int,
) -> list[tuple[ExerciseLog, SessionLog]]:
    """The patient's last ``per_exercise`` attended, finished sessions up to ``today`` in which
    each exercise was done (as prescribed or changed; not done is no performance), newest
    first, with their log of it (sets loaded alongside)."""
    if not exercise_ids:
        return []
    rank = (
        func.dense_rank()
        .over(
            partition_by=ExerciseLog.exercise_id,
            order_by=(
                SessionLog.session_date.desc(),
                SessionLog.created_at.desc(),
                SessionLog.id.desc(),
            ),
        )
        .label("rank")
    )
    ranked = (
        select(ExerciseLog.id.label("log_id"), rank)
        .join(SessionLog, ExerciseLog.session_id == SessionLog.id)
        .where(
            SessionLog.patient_id == patient_id,
            ExerciseLog.exercise_id.in_(exercise_ids),
            # only exercises actually done (as prescribed or changed): never one not done
            ExerciseLog.status.in_(PERFORMED),
            SessionLog.deleted_at.is_(None),
            SessionLog.status != "draft",
            SessionLog.attended.is_(True),
            SessionLog.session_date <= today,
        )
        .subquery()
    )
    result = session.execute(
        select(ExerciseLog, SessionLog)
        .join(ranked, ranked.c.log_id == ExerciseLog.id)
        .join(SessionLog, ExerciseLog.session_id == SessionLog.id)
        .where(ranked.c.rank <= per_exercise)
        .options(selectinload(ExerciseLog.sets))
        .order_by(
            ExerciseLog.exercise_id,
            SessionLog.session_date.desc(),
            SessionLog.created_at.desc(),
            SessionLog.id.desc(),
            ExerciseLog.position,
        )
    )
    return [(log, slog) for log, slog in result.all()]


def _adverse_sessions(session: Session, session_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The sessions among ``session_ids`` with an adverse event logged."""
    if not session_ids:
        return set()
    found = session.scalars(
        select(AdverseEvent.session_id).where(
            AdverseEvent.session_id.in_(session_ids), AdverseEvent.deleted_at.is_(None)
        )
    )
    return {sid for sid in found if sid is not None}


def _neuro_signs(
    session: Session, patient_id: uuid.UUID, today: dt.date
) -> tuple[progression.NeuroSign, ...]:
    """New or worse numbness or weakness: the "yes" answers of the patient's positive red-flag
    screens up to ``today`` to the questions :data:`~rehab_tracker.domain.progression.
    NEURO_SIGN_FLAGS` names, cleared or not."""
    screens = session.execute(
        select(SessionLog.session_date, SessionLog.red_flags).where(
            SessionLog.patient_id == patient_id,
            SessionLog.red_flag_result == "positive",
            SessionLog.deleted_at.is_(None),
            SessionLog.session_date <= today,
        )
    )
    return tuple(
        progression.NeuroSign(on, KNOWN_FLAGS_BY_CODE[code].label)
        for on, answers in screens.all()
        for code in progression.NEURO_SIGN_FLAGS
        if code in KNOWN_FLAGS_BY_CODE and (answers or {}).get(code) is True
    )


def _leg_pain_baseline(session: Session, patient_id: uuid.UUID, today: dt.date) -> int | None:
    """The patient's baseline leg pain (NPRS 0-10): the baseline record of the leg-pain
    measure (:func:`~rehab_tracker.domain.outcomes.baseline_of`), None when none is recorded."""
    records = session.execute(
        select(OutcomeAssessment.assessed_on, OutcomeAssessment.timepoint, OutcomeAssessment.score)
        .where(
            OutcomeAssessment.patient_id == patient_id,
            OutcomeAssessment.instrument == "nprs_leg",
            OutcomeAssessment.deleted_at.is_(None),
            OutcomeAssessment.assessed_on <= today,
        )
        .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
    )
    baseline = baseline_of([_Recorded(*row) for row in records.all()])
    return None if baseline is None else round(baseline.score)


@dataclass(frozen=True)
class _Recorded:
    """One recorded leg-pain value, as :func:`~rehab_tracker.domain.outcomes.baseline_of`
    reads it."""

    on: dt.date
    timepoint: str
    score: float


def _performance(
    log: ExerciseLog, slog: SessionLog, adverse: bool
) -> progression.Performance:
    """What the engine judges of one session: the logged sets, the pain before and after, and
    whether the session had an adverse event or was stopped."""
    return progression.Performance(
        sets=tuple(progression.LoggedSet(**set_values(s)) for s in log.sets),
        back_pain_before=slog.pain_back_before,
        back_pain_after=slog.pain_back_after,
        leg_pain_before=slog.pain_leg_before,
        leg_pain_after=slog.pain_leg_after,
        adverse_event=adverse or slog.status == "aborted",
        on=slog.session_date,
    )
