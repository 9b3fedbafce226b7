"""Lookups several services make the same way, written once.

- :func:`by_id`: a row by its id, or :class:`NotFoundError` naming what is missing;
  :func:`patient`: the patient row.
- :func:`latest_surgery_date`: the date of the patient's latest surgery.
- :func:`current_program`: which of a patient's programs is "the current one" (the Sessions tab,
  the patient overview and the report must agree on it); :func:`current_program_of` reads it
  (id, status, start date) in one prepared statement and :func:`current_program_id` its id (the
  Sessions and Outcomes services).
- :func:`check_version`, :func:`editing` (:func:`stale_is_conflict`) and :func:`bump`: the one
  guard against a stale edit (a save from a form loaded before another workstation saved the
  same row), used by every service that edits a versioned row (``data.models.Versioned``,
  patients, programs).
- :func:`check_record_date`: a visit's or an assessment's date against today and the surgery.
- :func:`connection_of`: the Core connection of a Session (or the connection itself).
- :func:`program_adherence`: a program's adherence, read in one statement and computed by the one
  rule (:func:`rehab_tracker.domain.sessions.compute_adherence`); the Sessions tab, the patient
  overview and the report all call it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Date,
    Integer,
    Row,
    Select,
    Uuid,
    and_,
    bindparam,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rehab_tracker.data.database import Database, session_memo
from rehab_tracker.data.models import Patient, Program, ScheduledSession, SessionLog, Surgery
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.program_status import due_until
from rehab_tracker.domain.programs import is_open
from rehab_tracker.domain.roles import Principal
from rehab_tracker.domain.sessions import (
    Adherence,
    SlotStatus,
    check_date,
    compute_adherence,
    log_counts_as_attended,
    log_is_counted,
)
from rehab_tracker.services.errors import ConflictError, NotFoundError


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


_P = TypeVar("_P", bound=_HasStatus)


_M = TypeVar("_M")


def by_id(session: Session, model: type[_M], row_id: uuid.UUID, what: str) -> _M:
    """The ``model`` row with this id; :class:`NotFoundError` ("no <what> with id ...") when
    there is none."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"no {what} with id {row_id}")
    return row


def patient(session: Session, patient_id: uuid.UUID) -> Patient:
    """The patient with this id; :class:`NotFoundError` when there is none."""
    return by_id(session, Patient, patient_id, "patient")


class _Versioned(Protocol):
    version: int


class _Stamped(Protocol):
    updated_at: dt.datetime


def conflict_message(what: str) -> str:
    """What the second writer of a row is told (``what``: "This session", "The clinic
    settings"...); the GUI's action runner adds the Reload / Keep what I typed choice."""
    return (
        f"{what} was changed at another workstation after you opened the form; "
        "open it again to see the latest version."
    )


def check_version(row: _Versioned | None, expected: int, what: str) -> None:
    """Refuse a save from a form loaded at ``expected`` when the row's version has moved since
    (:class:`ConflictError` with :func:`conflict_message`). ``row`` None: a row keyed by name
    (a setting) that is not stored, at version 0 (expected 0 when the form found none)."""
    if (0 if row is None else row.version) != expected:
        raise ConflictError(conflict_message(what))


@contextlib.contextmanager
def stale_is_conflict(what: str) -> Iterator[None]:
    """Around a unit of work: an UPDATE that lost the race with another workstation's save of
    the same row (SQLAlchemy's ``StaleDataError``: the version it expected matched no row, which
    :func:`check_version` cannot see on PostgreSQL when both read before either wrote) becomes the
    same :class:`ConflictError`."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(conflict_message(what)) from exc


@contextlib.contextmanager
def editing(db: Database, actor: Principal, what: str) -> Iterator[Session]:
    """A unit of work that changes a versioned row (:func:`stale_is_conflict` around
    ``db.unit_of_work``)."""
    with stale_is_conflict(what), db.unit_of_work(actor) as session:
        yield session


def bump(row: _Stamped) -> None:
    """Count a change of the row's children (a session's sets, a patient's surgery) as a change
    of the row: its UPDATE moves its version (and is the one checked against a race)."""
    row.updated_at = utcnow()


def latest_surgery_date(session: Session, patient_id: uuid.UUID) -> dt.date | None:
    """The date of the patient's latest recorded surgery, None when there is none."""
    return session.scalar(
        select(func.max(Surgery.surgery_date)).where(Surgery.patient_id == patient_id)
    )


def connection_of(source: Session | Connection) -> Connection:
    """The Core connection behind ``source`` (a read on the hot path skips the ORM)."""
    return source if isinstance(source, Connection) else source.connection()


def check_record_date(
    session: Session,
    patient_id: uuid.UUID,
    date: dt.date | None,
    field: str,
    *,
    today: dt.date,
    what: str,
) -> None:
    """:func:`~rehab_tracker.domain.sessions.check_date` of a record of the patient (a visit, an
    assessment) against today, their latest surgery and their birth; raises the ValidationError
    at ``field``."""
    errors = Collector()
    surgery = latest_surgery_date(session, patient_id)
    born = session.scalar(select(Patient.date_of_birth).where(Patient.id == patient_id))
    check_date(date, field, errors, today=today, surgery_date=surgery, what=what,
               date_of_birth=born)
    errors.raise_if_any()


def current_program(programs: Sequence[_P]) -> _P | None:
    """The current program among a patient's programs ordered by start date: the latest open
    one (:data:`~rehab_tracker.domain.programs.OPEN_STATUSES`), else the latest one; None when
    there are none."""
    running = [p for p in programs if is_open(p.status)]
    if running:
        return running[-1]
    return programs[-1] if programs else None


def programs_by_start(session: Session, patient_id: uuid.UUID) -> list[Program]:
    """The patient's programs, oldest start first (the order :func:`current_program` expects)."""
    return list(
        session.scalars(
            select(Program).where(Program.patient_id == patient_id).order_by(Program.start_date)
        )
    )


@functools.cache
def _programs_of_patient() -> Select[uuid.UUID, str, dt.date]:
    """Built once on first use: a patient's programs, oldest start first."""
    return (
        select(Program.id, Program.status, Program.start_date)
        .where(Program.patient_id == bindparam("patient_id", type_=Uuid()))
        .order_by(Program.start_date)
    )


def current_program_of(
    source: Session | Connection, patient_id: uuid.UUID
) -> Row[uuid.UUID, str, dt.date] | None:
    """(id, status, start_date) of the patient's :func:`current_program`, None without one."""
    rows = connection_of(source).execute(_programs_of_patient(), {"patient_id": patient_id})
    return current_program(rows.all())


def current_program_id(source: Session | Connection, patient_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the patient's :func:`current_program` (what a new record is tied to)."""
    row = current_program_of(source, patient_id)
    return None if row is None else row.id


def live_log_of_slot() -> ColumnElement[bool]:
    """Joins a scheduled session to its live (not deleted) log: deleted logs of a slot are kept
    but do not fill it, and a slot has at most one live log (a partial unique index)."""
    return and_(
        SessionLog.scheduled_session_id == ScheduledSession.id,
        SessionLog.deleted_at.is_(None),
    )


@functools.cache
def _adherence_rows() -> CompoundSelect[int | None, dt.date | None, dt.date, str, bool]:
    """Built once on first use: the exercise slots of a program with their live log, then the
    program's live unscheduled logs (week and scheduled date NULL)."""
    program_id = bindparam("program_id", type_=Uuid())
    slots = (
        select(
            ScheduledSession.week,
            ScheduledSession.scheduled_date,
            SessionLog.session_date,
            SessionLog.status,
            SessionLog.attended,
        )
        .outerjoin(SessionLog, live_log_of_slot())
        .where(ScheduledSession.program_id == program_id, ScheduledSession.kind == "exercise")
    )
    unscheduled = select(
        null().cast(Integer),
        null().cast(Date),
        SessionLog.session_date,
        SessionLog.status,
        SessionLog.attended,
    ).where(
        SessionLog.program_id == program_id,
        SessionLog.scheduled_session_id.is_(None),
        SessionLog.deleted_at.is_(None),
    )
    return union_all(slots, unscheduled)


@functools.cache
def _program_status() -> Select[str, dt.date | None, dt.date | None]:
    """Built once on first use: a program's status with its pause and end days."""
    return select(Program.status, Program.paused_on, Program.ended_on).where(
        Program.id == bindparam("program_id", type_=Uuid())
    )


def program_adherence(
    source: Session | Connection, program_id: uuid.UUID | None, today: dt.date
) -> Adherence:
    """The adherence of one program on ``today`` (no program: nothing planned).

    One statement reads every exercise slot with its live (not deleted) log and every live log
    of the program without a slot; :func:`~rehab_tracker.domain.sessions.log_is_counted` says
    which logs count on ``today`` and :func:`~rehab_tracker.domain.sessions.compute_adherence`
    does the rest, counting sessions as due up to
    :func:`~rehab_tracker.domain.program_status.due_until` (not past a program's end or the
    first day of its pause).

    Read once per read snapshot when ``source`` is its session (the sessions section and the
    overview both ask).
    """
    if program_id is None:
        return compute_adherence((), today)
    return session_memo(
        source,
        ("program_adherence", program_id, today),
        lambda: _program_adherence(source, program_id, today),
    )


def _program_adherence(
    source: Session | Connection, program_id: uuid.UUID, today: dt.date
) -> Adherence:
    conn = connection_of(source)
    program = conn.execute(_program_status(), {"program_id": program_id}).one_or_none()
    due_day = (
        today
        if program is None
        else due_until(
            program.status, paused_on=program.paused_on, ended_on=program.ended_on, today=today
        )
    )
    slots: list[SlotStatus] = []
    extra: list[bool] = []
    for week, scheduled, logged_on, status, attended in conn.execute(
        _adherence_rows(), {"program_id": program_id}
    ):
        counted = logged_on is not None and log_is_counted(status, logged_on, today)
        counts = counted and log_counts_as_attended(status, attended)
        if week is None or scheduled is None:  # a log without a slot
            if counted:
                extra.append(counts)
        else:
            slots.append(SlotStatus(week, scheduled, logged=counted, attended=counts))
    return compute_adherence(slots, due_day, extra_attended=extra)


class OpenRedFlag(NamedTuple):
    """A positive red-flag screen not cleared yet, with what has been recorded after it."""

    session_id: uuid.UUID
    session_date: dt.date
    answers: dict[str, bool]
    advice: str | None
    referred_to: str | None
    referral_details: str | None


#: the columns of an :class:`OpenRedFlag`, in its order (the clinic-wide Today view reads them too)
OPEN_RED_FLAG_COLUMNS = (
    SessionLog.id,
    SessionLog.session_date,
    SessionLog.red_flags,
    SessionLog.red_flag_advice,
    SessionLog.red_flag_referred_to,
    SessionLog.red_flag_referral_details,
)


def is_open_red_flag() -> ColumnElement[bool]:
    """A live log whose screen was positive and has no clearance recorded yet."""
    return and_(
        SessionLog.red_flag_result == "positive",
        SessionLog.red_flag_acknowledged_at.is_(None),
        SessionLog.deleted_at.is_(None),
    )


@functools.cache
def _open_red_flags() -> Select[
    uuid.UUID, dt.date, dict[str, bool] | None, str | None, str | None, str | None
]:
    return (
        select(*OPEN_RED_FLAG_COLUMNS)
        .where(
            SessionLog.patient_id == bindparam("patient_id", type_=Uuid()), is_open_red_flag()
        )
        .order_by(SessionLog.session_date)
    )


def open_red_flags(source: Session | Connection, patient_id: uuid.UUID) -> list[OpenRedFlag]:
    """The patient's positive red-flag screens not cleared yet (no clearance recorded), oldest
    first. The Sessions tab, the overview banner and the progression hold all read them here
    (once per read snapshot when ``source`` is its session)."""
    return list(
        session_memo(
            source, ("open_red_flags", patient_id), lambda: _open_red_flags_of(source, patient_id)
        )
    )


def _open_red_flags_of(source: Session | Connection, patient_id: uuid.UUID) -> list[OpenRedFlag]:
    rows = connection_of(source).execute(_open_red_flags(), {"patient_id": patient_id})
    return [
        OpenRedFlag(log_id, day, dict(answers or {}), advice, referred, details)
        for log_id, day, answers, advice, referred, details in rows
    ]
