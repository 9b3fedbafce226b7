"""The clinic's day and week: booked sessions, red flags to review, assessments due, and booking
or moving a session.

A program's visits are its scheduled sessions (``data.models.ScheduledSession``), laid out by the
program builder on dates (:func:`rehab_tracker.domain.schedule.plan_schedule`). A booking is
that same row with a time of day (``appointment_time``): booking or moving a session sets its
date and time (one audited, versioned update), so every reader of the schedule (the patient
list's next session, adherence, the Sessions tab) sees the moved date. A session already logged
is not moved: its date is the log's. The day's and the week's lists show a session on the day it
is on: the date of its log once logged (ahead of its planned date or late), else its planned
date; so a session logged ahead or late leaves its planned day free to book. The sessions of
the :data:`~rehab_tracker.domain.schedule.MISSED_WINDOW_DAYS` days before today that are not
logged are listed as missed (with how many older ones are left out).

Every read here is clinic-wide and set-based: one statement for the day's or the week's
sessions of every patient, one for the open red flags, two for the assessments due (the
scheduled ones, and the records that may count for them, read for those patients only), so the
cost does not grow with a query per patient. Which assessments are due is the one rule of
:mod:`rehab_tracker.domain.assessments` (the patient list and the Outcomes tab use it too).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    Uuid,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Patient,
    Program,
    ScheduledAssessment,
    ScheduledSession,
    SessionLog,
)
from rehab_tracker.domain.assessments import Record, due_by, needs_doing, schedule_progress
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.programs import OPEN_STATUSES, is_open
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.domain.schedule import check_appointment, missed_window, short_day
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.schedule import records_that_count
from rehab_tracker.services.sessions._queries import alert
from rehab_tracker.services.sessions.types import RedFlagAlert

__all__ = [
    "Appointment",
    "AssessmentToDo",
    "FlagToReview",
    "ScheduleService",
    "TodayItems",
    "week_of",
]

#: what a stale move is told it lost to (lookup.conflict_message)
WHAT = "This session's booking"


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of ``day``'s calendar week (the last date there is for the
    week of 31 December 9999, a Friday)."""
    monday = day - dt.timedelta(days=day.weekday())
    last_week = monday > dt.date.max - dt.timedelta(days=6)
    return monday, dt.date.max if last_week else monday + dt.timedelta(days=6)


def session_name(kind: str, number: int) -> str:
    return "Education session" if kind == "education" else f"Session {number}"


@dataclass(frozen=True, slots=True)
class Appointment:
    """One scheduled session of a patient's open program, on its day (and booked time): the
    date of its log once logged, else its planned date (``scheduled_on``)."""

    slot_id: uuid.UUID
    #: the slot's version when read (a move from it is refused once it moved)
    version: int
    patient_id: uuid.UUID
    record_number: str
    patient_name: str
    program_id: uuid.UUID
    number: int
    week: int
    kind: str
    day: dt.date
    time: dt.time | None
    #: the date it is planned on (booked or moved to); ``day`` differs once logged on another
    scheduled_on: dt.date
    #: the live log of the slot, if it is logged
    session_id: uuid.UUID | None = None
    status: str | None = None
    attended: bool | None = None
    #: planned before today and not logged (the Today view's missed sessions, the Week
    #: page's past ones): "not logged"
    missed: bool = False

    @property
    def name(self) -> str:
        """The session's name: "Session 7" or "Education session"."""
        return session_name(self.kind, self.number)

    @property
    def logged(self) -> bool:
        return self.session_id is not None

    @property
    def time_text(self) -> str:
        """The booked time ("09:30"), or "no time set" when only the date is planned."""
        return self.time.strftime("%H:%M") if self.time is not None else "no time set"

    @property
    def state_text(self) -> str:
        """What has happened to the session, in plain words; a session logged on another day
        than planned says which ("attended (planned Wed 25 Nov)")."""
        if self.session_id is None:
            return "not logged" if self.missed else "to log"
        if self.status == "draft":
            state = "draft saved"
        elif self.status == "aborted":
            state = "stopped: red flag"
        else:
            state = "attended" if self.attended else "missed"
        if self.day != self.scheduled_on:
            return f"{state} (planned {short_day(self.scheduled_on)})"
        return state


@dataclass(frozen=True, slots=True)
class FlagToReview:
    """A positive red-flag screen with no clearance recorded, and whose it is."""

    patient_id: uuid.UUID
    record_number: str
    patient_name: str
    alert: RedFlagAlert


@dataclass(frozen=True, slots=True)
class AssessmentToDo:
    """A scheduled assessment of a patient's current program that is due or overdue."""

    patient_id: uuid.UUID
    record_number: str
    patient_name: str
    program_id: uuid.UUID
    timepoint: str
    label: str
    due_date: dt.date
    instruments: tuple[str, ...]
    #: "due" (within a week) or "overdue"
    state: str
    #: its instruments neither recorded nor skipped yet
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class TodayItems:
    """The Today view's lists, read in one transaction."""

    day: dt.date
    booked: list[Appointment]
    red_flags: list[FlagToReview]
    assessments: list[AssessmentToDo]
    #: the sessions of the missed window (domain.schedule.missed_window) not logged, oldest
    #: first, and how many earlier ones are not logged either (not listed)
    missed: list[Appointment]
    missed_older: int


#: whose a row is (id, record number, given and family name), and the list's order by name
_WHO = (Patient.id, Patient.record_number, Patient.given_name, Patient.family_name)
_BY_NAME = (Patient.family_name, Patient.given_name)


def _open_program() -> Any:
    return and_(Program.status.in_(OPEN_STATUSES), Patient.archived_at.is_(None))


def _day() -> Any:
    """The day a scheduled session is on: its live log's date once logged, else its planned
    date."""
    return func.coalesce(SessionLog.session_date, ScheduledSession.scheduled_date)


def _slots() -> Select[*tuple[Any, ...]]:
    """The scheduled sessions of open programs of current patients, outer-joined to their live
    log (the columns are the caller's). The open programs are also named as a list of ids, so
    the slots are read through their program's index, in proportion to the open programs, not
    to the clinic's history (SQLite scanned the date index over every closed program's slots:
    with 476 programs, 115 open, the count of earlier missed sessions took about a quarter of
    the time; a machine shared by other runs, so read it as a rough figure)."""
    open_ids = (
        select(Program.id).join(Patient, Patient.id == Program.patient_id).where(_open_program())
    )
    statement: Select[*tuple[Any, ...]] = (
        select(ScheduledSession.id)
        .join(Program, Program.id == ScheduledSession.program_id)
        .join(Patient, Patient.id == Program.patient_id)
        .outerjoin(SessionLog, lookup.live_log_of_slot())
        .where(ScheduledSession.program_id.in_(open_ids), _open_program())
    )
    return statement


def _appointments() -> Select[*tuple[Any, ...]]:
    """The scheduled sessions of open programs of current patients with their live log, as
    :func:`_appointment` reads them."""
    return _slots().with_only_columns(
        ScheduledSession.id,
        ScheduledSession.version,
        *_WHO,
        Program.id,
        ScheduledSession.number,
        ScheduledSession.week,
        ScheduledSession.kind,
        _day(),
        ScheduledSession.appointment_time,
        SessionLog.id,
        SessionLog.status,
        SessionLog.attended,
        ScheduledSession.scheduled_date,
        maintain_column_froms=True,
    )


@functools.cache
def _q() -> SimpleNamespace:
    """The statements, built once on first use (not at import: start-up time)."""
    first = bindparam("first", type_=Date())
    last = bindparam("last", type_=Date())
    by_time = (
        ScheduledSession.appointment_time.is_(None),
        ScheduledSession.appointment_time,
        *_BY_NAME,
        ScheduledSession.number,
    )
    in_days = _appointments().where(_day().between(first, last)).order_by(_day(), *by_time)
    # not logged, planned in the missed window; and how many before it
    not_logged = SessionLog.id.is_(None)
    missed = (
        _appointments()
        .where(not_logged, ScheduledSession.scheduled_date.between(first, last))
        .order_by(ScheduledSession.scheduled_date, *by_time)
    )
    missed_before = (
        _slots()
        .with_only_columns(func.count(), maintain_column_froms=True)
        .where(not_logged, ScheduledSession.scheduled_date < first)
    )
    bookable = (
        _appointments()
        .where(Patient.id == bindparam("patient_id", type_=Uuid()), SessionLog.id.is_(None))
        .order_by(Program.start_date, ScheduledSession.number)
    )
    flags = (
        select(*lookup.OPEN_RED_FLAG_COLUMNS, *_WHO)
        .join(Patient, Patient.id == SessionLog.patient_id)
        .where(lookup.is_open_red_flag(), Patient.archived_at.is_(None))
        .order_by(SessionLog.session_date, *_BY_NAME)
    )
    # the patient's current program is the latest open one (lookup.current_program): no open
    # program of the same patient starts later
    later = aliased(Program)
    no_later_open = ~exists().where(
        later.patient_id == Program.patient_id,
        later.status.in_(OPEN_STATUSES),
        or_(
            later.start_date > Program.start_date,
            and_(later.start_date == Program.start_date, later.created_at > Program.created_at),
        ),
    )
    due_until = bindparam("due_until", type_=Date())
    scheduled = (
        select(
            ScheduledAssessment.program_id,
            ScheduledAssessment.timepoint,
            ScheduledAssessment.label,
            ScheduledAssessment.due_date,
            ScheduledAssessment.instruments,
            *_WHO,
        )
        .join(Program, Program.id == ScheduledAssessment.program_id)
        .join(Patient, Patient.id == Program.patient_id)
        .where(_open_program(), ScheduledAssessment.due_date <= due_until, no_later_open)
        .order_by(ScheduledAssessment.due_date, *_BY_NAME)
    )
    # the records that count (domain.assessments), of the patients above only
    candidates = (
        select(Program.patient_id)
        .join(ScheduledAssessment, ScheduledAssessment.program_id == Program.id)
        .where(Program.status.in_(OPEN_STATUSES), ScheduledAssessment.due_date <= due_until)
    )
    # (patient, date, timepoint, instrument), as the Outcomes tab reads them per patient
    records = records_that_count(lambda patient_id: patient_id.in_(candidates), with_patient=True)
    # another session of the program on the day (logged then, or planned then and not logged)
    slot_on_day = (
        select(ScheduledSession.kind, ScheduledSession.number, SessionLog.id)
        .outerjoin(SessionLog, lookup.live_log_of_slot())
        .where(
            ScheduledSession.program_id == bindparam("program_id", type_=Uuid()),
            _day() == bindparam("day", type_=Date()),
            ScheduledSession.id != bindparam("slot_id", type_=Uuid()),
        )
        .order_by(SessionLog.id.is_(None))
        .limit(1)
    )
    return SimpleNamespace(
        in_days=in_days,
        missed=missed,
        missed_before=missed_before,
        bookable=bookable,
        flags=flags,
        scheduled=scheduled,
        records=records,
        slot_on_day=slot_on_day,
    )


def _appointment(r: Any, *, missed: bool = False) -> Appointment:
    return Appointment(
        slot_id=r[0],
        version=r[1],
        patient_id=r[2],
        record_number=r[3],
        patient_name=f"{r[4]} {r[5]}",
        program_id=r[6],
        number=r[7],
        week=r[8],
        kind=r[9],
        day=r[10],
        time=r[11],
        scheduled_on=r[15],
        session_id=r[12],
        status=r[13],
        attended=r[14],
        missed=missed,
    )


class ScheduleService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    # --- reads ---------------------------------------------------------------------------------

    def today(self, *, today: dt.date) -> TodayItems:
        """Today's sessions (booked time first, then by name), the open red flags (oldest
        first), the assessments due or overdue (earliest first) and the sessions missed in the
        missed window (oldest first), in one read."""
        with self.db.reading() as session:
            conn = session.connection()
            booked = [
                _appointment(r) for r in conn.execute(_q().in_days, {"first": today, "last": today})
            ]
            first, last = missed_window(today)
            window = {"first": first, "last": last}
            missed = [_appointment(r, missed=True) for r in conn.execute(_q().missed, window)]
            older = conn.execute(_q().missed_before, window).scalar_one()
            flags = [
                FlagToReview(
                    r[6],
                    r[7],
                    f"{r[8]} {r[9]}",
                    alert(lookup.OpenRedFlag(r[0], r[1], dict(r[2] or {}), r[3], r[4], r[5])),
                )
                for r in conn.execute(_q().flags)
            ]
            due_until = {"due_until": due_by(today)}
            scheduled = conn.execute(_q().scheduled, due_until).all()
            records: Sequence[Any] = (
                conn.execute(_q().records, due_until).all() if scheduled else []
            )
        return TodayItems(today, booked, flags, _due(scheduled, records, today), missed, older)

    def week(self, day: dt.date, *, today: dt.date | None = None) -> list[Appointment]:
        """The scheduled sessions of ``day``'s calendar week (Monday to Sunday), by day and
        time; one planned before ``today`` (default: the clock's) and not logged is missed
        ("not logged")."""
        first, last = week_of(day)
        today = today or dt.date.today()
        with self.db.reading() as session:
            rows = session.connection().execute(_q().in_days, {"first": first, "last": last})
            return [_appointment(r, missed=r[12] is None and r[15] < today) for r in rows]

    def bookable(self, patient_id: uuid.UUID) -> list[Appointment]:
        """The patient's scheduled sessions not logged yet, by number (what can be booked or
        moved)."""
        with self.db.reading() as session:
            rows = session.connection().execute(_q().bookable, {"patient_id": patient_id})
            return [_appointment(r) for r in rows]

    # --- booking -------------------------------------------------------------------------------

    @requires(Permission.SCHEDULE)
    def book(
        self,
        slot_id: uuid.UUID,
        day: dt.date | None,
        at: dt.time | None,
        *,
        expected_version: int,
        today: dt.date,
    ) -> None:
        """Book (or move) a scheduled session to ``day`` at ``at``: one unit of work, in the
        audit trail. Refused: a slot already logged or of a closed program (field ``slot``), a
        stale form (ConflictError), and what
        :func:`~rehab_tracker.domain.schedule.check_appointment` refuses (``date``, ``time``)."""
        with lookup.editing(self.db, self.principal, WHAT) as session:
            slot = lookup.by_id(session, ScheduledSession, slot_id, "scheduled session")
            lookup.check_version(slot, expected_version, WHAT)
            name = session_name(slot.kind, slot.number)
            program = slot.program
            if not is_open(program.status):
                raise ValidationError.single(
                    "slot", f"The program is {program.status}: its sessions are not booked."
                )
            logged = session.scalar(
                select(SessionLog.id).where(
                    SessionLog.scheduled_session_id == slot.id, SessionLog.deleted_at.is_(None)
                )
            )
            if logged is not None:
                raise ValidationError.single(
                    "slot", f"{name} is already logged; a logged session keeps its date."
                )
            other = None
            if day is not None:
                other = session.execute(
                    _q().slot_on_day, {"program_id": program.id, "day": day, "slot_id": slot.id}
                ).first()
            errors = check_appointment(
                day,
                at,
                today=today,
                surgery_date=lookup.latest_surgery_date(session, program.patient_id),
                same_day=None if other is None else session_name(other[0], other[1]),
                same_day_logged=other is not None and other[2] is not None,
            )
            if errors:
                raise ValidationError(errors)
            assert day is not None and at is not None
            slot.scheduled_date = day
            slot.appointment_time = at.replace(second=0, microsecond=0)


def _due(scheduled: Sequence[Any], records: Sequence[Any], today: dt.date) -> list[AssessmentToDo]:
    """The scheduled assessments (rows of ``_q().scheduled``) that are due or overdue, with the
    records of their patients (``_q().records``), by the one rule."""
    records_of: dict[uuid.UUID, list[Record]] = defaultdict(list)
    for patient_id, day, timepoint, instrument in records:
        records_of[patient_id].append((day, timepoint, instrument))
    progress = [
        schedule_progress([(r[1], r[3], tuple(r[4] or ()))], records_of[r[5]], today)[0]
        for r in scheduled
    ]
    return [
        AssessmentToDo(
            patient_id=r[5],
            record_number=r[6],
            patient_name=f"{r[7]} {r[8]}",
            program_id=r[0],
            timepoint=r[1],
            label=r[2],
            due_date=r[3],
            instruments=tuple(r[4] or ()),
            state=state,
            missing=missing,
        )
        for r, (state, missing) in zip(scheduled, progress, strict=True)
        if needs_doing(state)
    ]
