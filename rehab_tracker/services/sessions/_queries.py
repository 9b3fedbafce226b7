"""The Sessions service's read statements and the rows they map to, shared by its reads, forms
and writes.

The statements are built once with bind parameters (:func:`_q`): the "open patient" path runs
them on every selection, and building a ``select()`` costs more than running it on a patient's
36 sessions.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Uuid, bindparam, case, func, null, select
from sqlalchemy.orm import Session, aliased

from rehab_tracker.data.models import (
    AdverseEvent,
    ExerciseLog,
    ScheduledSession,
    SessionLog,
    SetLog,
)
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import follow_up_text, stored_screen
from rehab_tracker.domain.sessions import PERFORMED
from rehab_tracker.domain.weeks import session_week
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import NotFoundError
from rehab_tracker.services.sessions.types import RedFlagAlert, SessionRow, SlotInfo


@functools.cache
def _q() -> SimpleNamespace:
    """The read statements, built once on first use (not at import: start-up time)."""
    _P = bindparam("patient_id", type_=Uuid())
    _G = bindparam("program_id", type_=Uuid())
    _FIRST = aliased(ScheduledSession)
    _SLOT_COLUMNS = (
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
    _SLOTS = (
        select(*_SLOT_COLUMNS)
        .outerjoin(SessionLog, lookup.live_log_of_slot())
        .where(ScheduledSession.program_id == _G)
        .order_by(ScheduledSession.number)
    )
    # one slot with its live log, the program it belongs to and how many exercise sessions
    # that program has (last columns)
    _ALL = aliased(ScheduledSession)
    _SLOT = (
        select(
            *_SLOT_COLUMNS,
            ScheduledSession.program_id,
            select(func.count(_ALL.id))
            .where(_ALL.program_id == ScheduledSession.program_id, _ALL.kind == "exercise")
            .correlate(ScheduledSession)
            .scalar_subquery(),
        )
        .outerjoin(SessionLog, lookup.live_log_of_slot())
        .where(ScheduledSession.id == bindparam("slot_id", type_=Uuid()))
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
            .where(ExerciseLog.session_id == SessionLog.id, ExerciseLog.status.in_(PERFORMED))
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
            # the screen's answers only where the screen was positive
            case((SessionLog.red_flag_result == "positive", SessionLog.red_flags), else_=null()),
            # the date of the log's program's exercise session 1: the week of a log without a
            # slot (domain.weeks.session_week)
            select(func.min(_FIRST.scheduled_date))
            .where(_FIRST.program_id == SessionLog.program_id, _FIRST.kind == "exercise")
            .correlate(SessionLog)
            .scalar_subquery(),
            # what followed a positive screen (19-24); no clearance recorded: still open
            SessionLog.red_flag_acknowledged_at,
            SessionLog.red_flag_referred_to,
            SessionLog.red_flag_cleared_by,
            SessionLog.red_flag_cleared_on,
            SessionLog.red_flag_advice,
            SessionLog.red_flag_referral_details,
        )
        .outerjoin(ScheduledSession, ScheduledSession.id == SessionLog.scheduled_session_id)
        .where(SessionLog.patient_id == _P)
        .order_by(SessionLog.session_date, ScheduledSession.number)
    )
    _LOGS = _LOGS_ALL.where(SessionLog.deleted_at.is_(None))
    return SimpleNamespace(
        slots=_SLOTS,
        slot=_SLOT,
        logs_all=_LOGS_ALL,
        logs=_LOGS,
    )


def _slot_info(r: Sequence[Any]) -> SlotInfo:
    """A row of the slot statements (their first ten columns) as a :class:`SlotInfo`."""
    return SlotInfo(
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


def slots_of(source: Session | Connection, program_id: uuid.UUID | None) -> list[SlotInfo]:
    """Every scheduled session of the program, by number, with its live log (none: [])."""
    if program_id is None:
        return []
    rows = lookup.connection_of(source).execute(_q().slots, {"program_id": program_id})
    return [_slot_info(r) for r in rows]


def slot_of(session: Session, slot_id: uuid.UUID) -> tuple[uuid.UUID, SlotInfo]:
    """(program id, slot) of one scheduled session, the slot with its program's number of
    exercise sessions (``SlotInfo.of``); :class:`NotFoundError` when it is gone."""
    row = session.execute(_q().slot, {"slot_id": slot_id}).first()
    if row is None:
        raise NotFoundError("that scheduled session no longer exists")
    info = _slot_info(row)
    info.of = row[11]
    return row[10], info


def open_slot(session: Session, slot_id: uuid.UUID) -> tuple[uuid.UUID, SlotInfo]:
    """:func:`slot_of`, refused at the field ``slot`` when the slot already has a live log (a
    clear message before the partial unique index fires). Deleted logs of the slot are left
    alone: their undo stays possible until the slot is logged again (then ``restore`` explains
    why not)."""
    program_id, info = slot_of(session, slot_id)
    if not info.open:
        raise ValidationError.single(
            "slot",
            f"{info.label} is already logged. Open it from the Sessions tab to correct "
            "it; a slot can be logged only once.",
        )
    return program_id, info


def next_open(slots: Sequence[SlotInfo]) -> SlotInfo | None:
    """The first open slot after the last logged one (an old slot left unlogged, e.g. an
    education session nobody recorded, does not block "log next"); else the first open one."""
    logged = [s.number for s in slots if not s.open]
    last = max(logged) if logged else -1
    after = next((s for s in slots if s.open and s.number > last), None)
    return after or next((s for s in slots if s.open), None)


def session_log(session: Session, session_id: uuid.UUID, *, live: bool = False) -> SessionLog:
    """The session log with this id (with ``live``: only if not deleted), else
    :class:`NotFoundError`."""
    log = session.get(SessionLog, session_id)
    if log is None or (live and log.deleted_at is not None):
        raise NotFoundError("that session log no longer exists")
    return log


def alert(flag: lookup.OpenRedFlag) -> RedFlagAlert:
    """The banner of an open positive screen from its stored answers (current and earlier
    questions: ``domain.redflags.stored_screen``) and its recorded outcome."""
    result = stored_screen(flag.answers)
    return RedFlagAlert(
        flag.session_id,
        flag.session_date,
        result.positives,
        result.message,
        result.action,
        flag.advice,
        flag.referred_to,
        flag.referral_details,
    )


def red_flag_alerts(source: Session | Connection, patient_id: uuid.UUID) -> list[RedFlagAlert]:
    """The patient's positive screens not cleared yet, oldest first."""
    return [alert(flag) for flag in lookup.open_red_flags(source, patient_id)]


def rows_and_alerts(
    conn: Connection, patient_id: uuid.UUID, include_deleted: bool
) -> tuple[list[SessionRow], list[RedFlagAlert]]:
    """The Sessions tab's rows and the open red-flag alerts, from one statement."""
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
            red_flag_action=stored_screen(r[17]).action if r[17] is not None else None,
            red_flag_follow_up=follow_up_text(r[20], r[21], r[22]) if r[17] is not None else "",
            red_flag_open=r[17] is not None and r[19] is None,
        )
        for r in logs
    ]
    alerts = [
        alert(lookup.OpenRedFlag(r[0], r[1], dict(r[17]), r[23], r[20], r[24]))
        for r, row in zip(logs, rows, strict=True)
        if row.red_flag_open and not row.deleted
    ]
    return rows, alerts
