"""Use cases of a visit: red-flag screen, session log, corrections, adherence, red-flag alerts.

Every public method is one unit of work and returns plain dataclasses. Rules live in
:mod:`rehab_tracker.domain.sessions`; this module adds what needs the database: the slot may be
logged only once, dates are checked against the patient's surgery, prescriptions prefill the form.

Soft delete: :meth:`SessionService.delete` sets ``deleted_at``; :meth:`SessionService.restore`
undoes it. A slot is unique among undeleted logs only (migration 0002's partial index), so a
deleted log frees its slot and is kept when the slot is logged again (nothing is destroyed);
restoring it while its slot holds a live log is refused with the date of that log.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from sqlalchemy import Connection, Uuid, and_, bindparam, case, func, null, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    Exercise,
    ExerciseLog,
    Program,
    ScheduledSession,
    SessionLog,
    SetLog,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS_BY_CODE, screen
from rehab_tracker.domain.sessions import (
    Adherence,
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    check_date,
    validate_session,
)
from rehab_tracker.domain.weeks import session_week
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import ConflictError, NotFoundError, ServiceError
from rehab_tracker.services.outcomes import AssessmentDue, assessment_schedule
from rehab_tracker.services.programs import ProgramService


@dataclass(slots=True)  # built per row on every selection: no frozen overhead
class SlotInfo:
    """One scheduled session of the patient's program and what was logged for it."""

    id: uuid.UUID
    number: int
    week: int
    scheduled_date: dt.date
    kind: str
    location: str
    session_id: uuid.UUID | None = None
    status: str | None = None
    attended: bool | None = None
    deleted: bool = False

    @property
    def label(self) -> str:
        name = "Education session" if self.kind == "education" else f"Session {self.number}"
        return f"{name} (week {self.week}, {self.scheduled_date.isoformat()})"

    @property
    def open(self) -> bool:
        """Not logged yet (or its log was deleted)."""
        return self.session_id is None or self.deleted


@dataclass(frozen=True)
class SessionForm:
    """What the session form opens with: the slot, the patient, and a prefilled entry."""

    patient_id: uuid.UUID
    patient_name: str
    program_id: uuid.UUID | None
    slot: SlotInfo | None
    session_id: uuid.UUID | None  # None for a new log
    entry: SessionEntry
    surgery_date: dt.date | None
    status: str = "final"
    red_flag_result: str = "not_screened"

    @property
    def title(self) -> str:
        return self.slot.label if self.slot is not None else "Unscheduled session"


@dataclass(slots=True)  # built per row on every selection: no frozen overhead
class SessionRow:
    """One line of the Sessions tab; ``week`` is :func:`rehab_tracker.domain.weeks.session_week`
    (None for a log outside any program)."""

    id: uuid.UUID
    session_date: dt.date
    number: int | None
    week: int | None
    location: str
    attended: bool
    missed_reason: str | None
    status: str
    red_flag_result: str
    pain_back_before: int | None
    pain_back_after: int | None
    pain_leg_before: int | None
    pain_leg_after: int | None
    exercises: int
    sets: int
    adverse_events: int
    deleted: bool = False


@dataclass(frozen=True)
class RedFlagAlert:
    """A positive red-flag screen no clinician has acknowledged yet."""

    session_id: uuid.UUID
    session_date: dt.date
    positives: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class PatientSessions:
    """Everything the Sessions tab and the overview show, read in one go."""

    patient_id: uuid.UUID
    program_id: uuid.UUID | None
    rows: list[SessionRow]
    slots: list[SlotInfo]
    adherence: Adherence
    next_slot: SlotInfo | None
    red_flags: list[RedFlagAlert]
    #: the assessment schedule (OutcomeService.schedule), read in the same transaction
    assessments: list[AssessmentDue] = field(default_factory=list)


def _alert(session_id: uuid.UUID, date: dt.date, answers: Mapping[str, object]) -> RedFlagAlert:
    clean = {k: v for k, v in answers.items() if k in RED_FLAGS_BY_CODE and isinstance(v, bool)}
    result = screen(clean)
    return RedFlagAlert(session_id, date, result.positives, result.message)


@functools.cache
def _q() -> SimpleNamespace:
    """The read statements, built once on first use (not at import: start-up time)."""
    # Read statements built once with bind parameters: the "open patient" path runs them on every
    # selection, and building a select() costs more than running it on a patient's 36 sessions.
    _P = bindparam("patient_id", type_=Uuid())
    _G = bindparam("program_id", type_=Uuid())
    _FIRST = aliased(ScheduledSession)
    _PROGRAMS = (
        select(Program.id, Program.status, Program.start_date)
        .where(Program.patient_id == _P)
        .order_by(Program.start_date)
    )
    _SLOTS = (
        select(
            ScheduledSession.id,
            ScheduledSession.number,
            ScheduledSession.week,
            ScheduledSession.scheduled_date,
            ScheduledSession.kind,
            ScheduledSession.location,
            SessionLog.id,
            SessionLog.status,
            SessionLog.attended,
            SessionLog.deleted_at,
        )
        .outerjoin(SessionLog, lookup.live_log_of_slot())
        .where(ScheduledSession.program_id == _G)
        .order_by(ScheduledSession.number)
    )
    _LOGS_ALL = (
        select(
            SessionLog.id,
            SessionLog.session_date,
            ScheduledSession.number,
            ScheduledSession.week,
            SessionLog.location,
            SessionLog.attended,
            SessionLog.missed_reason,
            SessionLog.status,
            SessionLog.red_flag_result,
            SessionLog.pain_back_before,
            SessionLog.pain_back_after,
            SessionLog.pain_leg_before,
            SessionLog.pain_leg_after,
            SessionLog.deleted_at,
            # per-session counts as correlated subqueries: one statement for the whole table
            select(func.count(ExerciseLog.id))
            .where(ExerciseLog.session_id == SessionLog.id)
            .correlate(SessionLog)
            .scalar_subquery(),
            select(func.count(SetLog.id))
            .join(ExerciseLog, ExerciseLog.id == SetLog.exercise_log_id)
            .where(ExerciseLog.session_id == SessionLog.id)
            .correlate(SessionLog)
            .scalar_subquery(),
            select(func.count(AdverseEvent.id))
            .where(
                AdverseEvent.patient_id == SessionLog.patient_id,  # uses the patient index
                AdverseEvent.session_id == SessionLog.id,
                AdverseEvent.deleted_at.is_(None),
            )
            .correlate(SessionLog)
            .scalar_subquery(),
            # the screen's answers only where a positive screen is still unacknowledged
            case(
                (
                    and_(
                        SessionLog.red_flag_result == "positive",
                        SessionLog.red_flag_acknowledged_at.is_(None),
                    ),
                    SessionLog.red_flags,
                ),
                else_=null(),
            ),
            # the date of the log's program's exercise session 1: the week of a log without a
            # slot (domain.weeks.session_week)
            select(func.min(_FIRST.scheduled_date))
            .where(_FIRST.program_id == SessionLog.program_id, _FIRST.kind == "exercise")
            .correlate(SessionLog)
            .scalar_subquery(),
        )
        .outerjoin(ScheduledSession, ScheduledSession.id == SessionLog.scheduled_session_id)
        .where(SessionLog.patient_id == _P)
        .order_by(SessionLog.session_date, ScheduledSession.number)
    )
    _LOGS = _LOGS_ALL.where(SessionLog.deleted_at.is_(None))
    _RED_FLAGS = (
        select(SessionLog.id, SessionLog.session_date, SessionLog.red_flags)
        .where(
            SessionLog.patient_id == _P,
            SessionLog.red_flag_result == "positive",
            SessionLog.red_flag_acknowledged_at.is_(None),
            SessionLog.deleted_at.is_(None),
        )
        .order_by(SessionLog.session_date)
    )
    return SimpleNamespace(
        programs=_PROGRAMS,
        slots=_SLOTS,
        logs_all=_LOGS_ALL,
        logs=_LOGS,
        red_flags=_RED_FLAGS,
    )


def _next_open(slots: Sequence[SlotInfo]) -> SlotInfo | None:
    """The first open slot after the last logged one (an old slot left unlogged, e.g. an
    education session nobody recorded, does not block "log next"); else the first open one."""
    logged = [s.number for s in slots if not s.open]
    last = max(logged) if logged else -1
    after = next((s for s in slots if s.open and s.number > last), None)
    return after or next((s for s in slots if s.open), None)


def _conn(source: Session | Connection) -> Connection:
    return source if isinstance(source, Connection) else source.connection()


class SessionService:
    def __init__(self, db: Database, actor: str, programs: ProgramService | None = None) -> None:
        self.db = db
        self.actor = actor
        self.programs = programs or ProgramService(db, actor)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _current_program(
        session: Session | Connection, patient_id: uuid.UUID
    ) -> tuple[uuid.UUID, dt.date] | None:
        """(id, start date) of the patient's current program (:func:`lookup.current_program`)."""
        rows = _conn(session).execute(_q().programs, {"patient_id": patient_id}).all()
        chosen = lookup.current_program(rows)
        return None if chosen is None else (chosen.id, chosen.start_date)

    @staticmethod
    def _program_id(session: Session | Connection, patient_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the patient's current program."""
        current = SessionService._current_program(session, patient_id)
        return None if current is None else current[0]

    @staticmethod
    def _slots(session: Session | Connection, program_id: uuid.UUID | None) -> list[SlotInfo]:
        if program_id is None:
            return []
        return [
            SlotInfo(
                id=r[0],
                number=r[1],
                week=r[2],
                scheduled_date=r[3],
                kind=r[4],
                location=r[5],
                session_id=r[6],
                status=r[7],
                attended=r[8],
                deleted=r[9] is not None,
            )
            for r in _conn(session).execute(_q().slots, {"program_id": program_id}).all()
        ]

    @staticmethod
    def _slot(session: Session, slot_id: uuid.UUID) -> tuple[ScheduledSession, SlotInfo]:
        slot = session.get(ScheduledSession, slot_id)
        if slot is None:
            raise NotFoundError("that scheduled session no longer exists")
        log = session.execute(
            select(
                SessionLog.id, SessionLog.status, SessionLog.attended, SessionLog.deleted_at
            ).where(
                SessionLog.scheduled_session_id == slot_id, SessionLog.deleted_at.is_(None)
            )
        ).first()
        info = SlotInfo(
            id=slot.id,
            number=slot.number,
            week=slot.week,
            scheduled_date=slot.scheduled_date,
            kind=slot.kind,
            location=slot.location,
            session_id=log[0] if log else None,
            status=log[1] if log else None,
            attended=log[2] if log else None,
            deleted=bool(log and log[3] is not None),
        )
        return slot, info

    def _claim_slot(
        self, session: Session, slot_id: uuid.UUID | None, keep: uuid.UUID | None = None
    ) -> ScheduledSession | None:
        """Refuse a slot that already has a live log (a clear message at the field before the
        partial unique index fires). Deleted logs of the slot are left alone: their undo stays
        possible until the slot is logged again (then :meth:`restore` explains why not)."""
        if slot_id is None:
            return None
        slot, info = self._slot(session, slot_id)
        if info.session_id is not None and info.session_id != keep:
            raise ValidationError.single(
                "slot",
                f"{info.label} is already logged. Open it from the Sessions tab to correct "
                "it; a slot can be logged only once.",
            )
        return slot

    @staticmethod
    def _flush_new(session: Session, slot: ScheduledSession | None) -> None:
        """Flush a new log; another workstation logging the same slot at the same moment
        (PostgreSQL) trips the partial unique index: say so at the field, not as a crash."""
        try:
            session.flush()
        except IntegrityError as exc:
            text = str(exc.orig)
            if slot is None or not (
                "uq_session_logs_live_slot" in text  # PostgreSQL names the index
                or "session_logs.scheduled_session_id" in text  # SQLite names the column
            ):
                raise
            raise ValidationError.single(
                "slot",
                "This slot was just logged on another workstation; a slot can be logged only "
                "once. Open it from the Sessions tab to correct it.",
            ) from exc

    # --- reading ---------------------------------------------------------------------------

    def slots(self, patient_id: uuid.UUID) -> list[SlotInfo]:
        with self.db.reading() as session:
            return self._slots(session, self._program_id(session, patient_id))

    def next_slot(self, patient_id: uuid.UUID) -> SlotInfo | None:
        """The first scheduled session not logged yet (by number), or None."""
        return _next_open(self.slots(patient_id))

    def new_form(
        self, patient_id: uuid.UUID, scheduled_session_id: uuid.UUID | None, *, today: dt.date
    ) -> SessionForm:
        """A new log for a slot (None = unscheduled), prefilled from the prescription and the
        progression suggestion. Refuses a slot already logged."""
        with self.db.reading() as session:
            patient = lookup.patient(session, patient_id)
            program_id = self._program_id(session, patient_id)
            info = None
            if scheduled_session_id is not None:
                slot, info = self._slot(session, scheduled_session_id)
                if not info.open:
                    raise ValidationError.single(
                        "slot",
                        f"{info.label} is already logged. Open it from the Sessions tab to "
                        "correct it; a slot can be logged only once.",
                    )
                program_id = slot.program_id
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
            log = session.get(SessionLog, session_id)
            if log is None:
                raise NotFoundError("that session log no longer exists")
            patient = lookup.patient(session, log.patient_id)
            info = None
            if log.scheduled_session_id is not None:
                _, info = self._slot(session, log.scheduled_session_id)
            names: dict[uuid.UUID, str] = {}
            dosage: dict[uuid.UUID, str] = {}
            for ex_id, ex_name, ex_type in session.execute(
                select(Exercise.id, Exercise.name, Exercise.dosage_type).where(
                    Exercise.id.in_([e.exercise_id for e in log.exercises])
                )
            ):
                names[ex_id] = ex_name
                dosage[ex_id] = ex_type
            entry = SessionEntry(
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
                        sets=tuple(
                            SetEntry(
                                s.reps,
                                s.hold_seconds,
                                s.load_kg,
                                s.distance_m,
                                s.duration_s,
                                s.effort,
                            )
                            for s in e.sets
                        ),
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
            return SessionForm(
                patient_id=log.patient_id,
                patient_name=patient.full_name,
                program_id=log.program_id,
                slot=info,
                session_id=log.id,
                entry=entry,
                surgery_date=lookup.latest_surgery_date(session, log.patient_id),
                status=log.status,
                red_flag_result=log.red_flag_result,
            )

    def history(self, patient_id: uuid.UUID, *, include_deleted: bool = False) -> list[SessionRow]:
        with self.db.reading() as session:
            return self._rows(session, patient_id, include_deleted)

    @classmethod
    def _rows(
        cls, session: Session | Connection, patient_id: uuid.UUID, include_deleted: bool
    ) -> list[SessionRow]:
        return cls._rows_and_alerts(_conn(session), patient_id, include_deleted)[0]

    @staticmethod
    def _rows_and_alerts(
        conn: Connection, patient_id: uuid.UUID, include_deleted: bool
    ) -> tuple[list[SessionRow], list[RedFlagAlert]]:
        params = {"patient_id": patient_id}
        logs = conn.execute(_q().logs_all if include_deleted else _q().logs, params).all()
        rows = [
            SessionRow(
                id=r[0],
                session_date=r[1],
                number=r[2],
                week=session_week(r[18], r[1], r[3]),
                location=r[4],
                attended=r[5],
                missed_reason=r[6],
                status=r[7],
                red_flag_result=r[8],
                pain_back_before=r[9],
                pain_back_after=r[10],
                pain_leg_before=r[11],
                pain_leg_after=r[12],
                exercises=r[14],
                sets=r[15],
                adverse_events=r[16],
                deleted=r[13] is not None,
            )
            for r in logs
        ]
        alerts = [
            _alert(r[0], r[1], r[17] or {}) for r in logs if r[17] is not None and r[13] is None
        ]
        return rows, alerts

    def adherence(self, patient_id: uuid.UUID, *, today: dt.date) -> Adherence:
        """Attended / planned exercise sessions so far, per program week and overall
        (:func:`lookup.program_adherence`, as the overview and the report have it)."""
        with self.db.read_connection() as conn:
            return lookup.program_adherence(conn, self._program_id(conn, patient_id), today)

    @staticmethod
    def _red_flags(session: Session | Connection, patient_id: uuid.UUID) -> list[RedFlagAlert]:
        rows = _conn(session).execute(_q().red_flags, {"patient_id": patient_id}).all()
        return [_alert(sid, date, answers or {}) for sid, date, answers in rows]

    def open_red_flags(self, patient_id: uuid.UUID) -> list[RedFlagAlert]:
        """Positive screens not yet acknowledged (the overview shows them as a banner)."""
        with self.db.reading() as session:
            return self._red_flags(session, patient_id)

    def overview(self, patient_id: uuid.UUID, *, today: dt.date) -> PatientSessions:
        """Everything the Sessions tab and the overview show, in one read of six statements:
        session rows with their counts and open red flags, slots, adherence, next slot, and the
        assessment schedule (due/overdue)."""
        # a plain read-only connection (no ORM Session): this runs on every patient selection
        with self.db.read_connection() as conn:
            program = self._current_program(conn, patient_id)
            program_id = program[0] if program else None
            slots = self._slots(conn, program_id)
            rows, alerts = self._rows_and_alerts(conn, patient_id, False)
            assessments = (
                assessment_schedule(conn, patient_id, program[0], program[1], today)
                if program is not None
                else []
            )
            return PatientSessions(
                patient_id=patient_id,
                program_id=program_id,
                rows=rows,
                slots=slots,
                adherence=lookup.program_adherence(conn, program_id, today),
                next_slot=_next_open(slots),
                red_flags=alerts,
                assessments=assessments,
            )

    # --- writing ---------------------------------------------------------------------------

    def record_red_flag_stop(
        self,
        patient_id: uuid.UUID,
        scheduled_session_id: uuid.UUID | None,
        answers: Mapping[str, bool | None],
        *,
        session_date: dt.date,
        today: dt.date,
        location: str = "clinic",
    ) -> uuid.UUID:
        """A positive screen: store an aborted session with the answers; returns its id."""
        result = screen(answers)
        if result.outcome != "positive":
            raise ServiceError("the red-flag screen is not positive; nothing to stop")
        with self.db.unit_of_work(self.actor) as session:
            lookup.patient(session, patient_id)
            errors = Collector()
            check_date(
                session_date,
                "session_date",
                errors,
                today=today,
                surgery_date=lookup.latest_surgery_date(session, patient_id),
                what="The session date",
            )
            errors.raise_if_any()
            slot = self._claim_slot(session, scheduled_session_id)
            log = SessionLog(
                created_by=self.actor,
                patient_id=patient_id,
                program_id=slot.program_id if slot else self._program_id(session, patient_id),
                scheduled_session_id=scheduled_session_id,
                session_date=session_date,
                location=location,
                attended=True,
                status="aborted",
                red_flag_result="positive",
                red_flags={k: v for k, v in answers.items() if v is not None},
                notes=result.message,
            )
            session.add(log)
            self._flush_new(session, slot)
            return log.id

    def save(
        self,
        patient_id: uuid.UUID,
        scheduled_session_id: uuid.UUID | None,
        entry: SessionEntry,
        *,
        today: dt.date,
    ) -> uuid.UUID:
        """Record a finished session (attended or missed); returns the new log's id."""
        with self.db.unit_of_work(self.actor) as session:
            lookup.patient(session, patient_id)
            validate_session(
                entry, today=today, surgery_date=lookup.latest_surgery_date(session, patient_id)
            )
            flag_result = self._screen(entry)
            slot = self._claim_slot(session, scheduled_session_id)
            log = SessionLog(
                created_by=self.actor,
                patient_id=patient_id,
                program_id=slot.program_id if slot else self._program_id(session, patient_id),
                scheduled_session_id=scheduled_session_id,
                status="final",
                red_flag_result=flag_result,
            )
            self._apply(session, log, entry)
            session.add(log)
            self._flush_new(session, slot)
            return log.id

    @staticmethod
    def _screen(entry: SessionEntry) -> str:
        if not entry.attended or not entry.red_flags:
            return "not_screened"
        result = screen(entry.red_flags)
        if result.outcome == "positive":
            raise ValidationError.single("red_flags", result.message)
        return "clear" if result.outcome == "clear" else "not_screened"

    def _apply(self, session: Session, log: SessionLog, entry: SessionEntry) -> None:
        assert entry.session_date is not None
        log.session_date = entry.session_date
        log.location = entry.location
        log.attended = entry.attended
        log.missed_reason = entry.missed_reason.strip() or None if not entry.attended else None
        log.pain_back_before = entry.pain_back_before
        log.pain_back_after = entry.pain_back_after
        log.pain_leg_before = entry.pain_leg_before
        log.pain_leg_after = entry.pain_leg_after
        log.notes = entry.notes.strip() or None
        if entry.red_flags:
            log.red_flags = dict(entry.red_flags)
        log.exercises = [
            ExerciseLog(
                created_by=self.actor,
                exercise_id=e.exercise_id,
                prescription_id=e.prescription_id,
                position=i,
                notes=e.notes.strip() or None,
                sets=[
                    SetLog(
                        created_by=self.actor,
                        set_number=j + 1,
                        reps=s.reps,
                        hold_seconds=s.hold_seconds,
                        load_kg=s.load_kg,
                        distance_m=s.distance_m,
                        duration_s=s.duration_s,
                        effort=s.effort,
                    )
                    for j, s in enumerate(e.sets)
                    if not s.empty
                ],
            )
            for i, e in enumerate(entry.exercises if entry.attended else ())
        ]
        for old in list(log.adverse_events):
            session.delete(old)
        for a in entry.adverse_events:
            log.adverse_events.append(
                AdverseEvent(
                    created_by=self.actor,
                    patient_id=log.patient_id,
                    occurred_on=entry.session_date,
                    description=a.description.strip(),
                    severity=a.severity,
                    action_taken=a.action_taken.strip(),
                )
            )

    def update(self, session_id: uuid.UUID, entry: SessionEntry, *, today: dt.date) -> None:
        """Correct a finished session in place (the audit trail keeps before and after)."""
        with self.db.unit_of_work(self.actor) as session:
            log = session.get(SessionLog, session_id)
            if log is None or log.deleted_at is not None:
                raise NotFoundError("that session log no longer exists")
            validate_session(
                entry, today=today, surgery_date=lookup.latest_surgery_date(session, log.patient_id)
            )
            if log.status != "aborted":
                log.red_flag_result = (
                    self._screen(entry) if entry.red_flags else log.red_flag_result
                )
            self._apply(session, log, replace(entry, red_flags=entry.red_flags or {}))

    def delete(self, session_id: uuid.UUID) -> None:
        """Soft delete; :meth:`restore` undoes it."""
        with self.db.unit_of_work(self.actor) as session:
            log = session.get(SessionLog, session_id)
            if log is None:
                raise NotFoundError("that session log no longer exists")
            log.deleted_at = utcnow()

    def restore(self, session_id: uuid.UUID) -> None:
        """Undo a delete. Refused (ConflictError) when the slot was logged again meanwhile:
        two live logs of one slot would be two records of one visit."""
        with self.db.unit_of_work(self.actor) as session:
            log = session.get(SessionLog, session_id)
            if log is None:
                raise NotFoundError("that session log no longer exists")
            if log.deleted_at is None:
                return
            if log.scheduled_session_id is not None:
                live = session.execute(
                    select(SessionLog.session_date).where(
                        SessionLog.scheduled_session_id == log.scheduled_session_id,
                        SessionLog.deleted_at.is_(None),
                    )
                ).first()
                if live is not None:
                    _, info = self._slot(session, log.scheduled_session_id)
                    raise ConflictError(
                        f"This session cannot be restored: {info.label} was logged again on "
                        f"{live[0].isoformat()}. Delete that log first if this one is the "
                        "right record."
                    )
            log.deleted_at = None

    def acknowledge_red_flag(self, session_id: uuid.UUID) -> None:
        """A clinician has seen the positive screen (it leaves the overview banner)."""
        with self.db.unit_of_work(self.actor) as session:
            log = session.get(SessionLog, session_id)
            if log is None:
                raise NotFoundError("that session log no longer exists")
            log.red_flag_acknowledged_at = utcnow()
            log.red_flag_acknowledged_by = self.actor
