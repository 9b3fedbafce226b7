"""Writing a visit, each one unit of work: a red-flag stop, a finished session, its correction,
its soft delete and the undo of that delete.

A slot is unique among undeleted logs only (migration 0002's partial index), so a deleted log
frees its slot and is kept when the slot is logged again (nothing is destroyed); restoring it
while its slot holds a live log is refused with the date of that log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rehab_tracker.data.models import AdverseEvent, ExerciseLog, Program, SessionLog, SetLog
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.program_status import logging_refusal
from rehab_tracker.domain.redflags import screen
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.sessions import (
    LOCATION_MESSAGE,
    LOCATIONS,
    STORED,
    SessionEntry,
    set_values,
    validate_session,
)
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ConflictError, ServiceError
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import open_slot, session_log, slot_of

#: what the second writer of a session log is told it was (``lookup.conflict_message``)
STALE = "This session"


class SessionRecording(SessionServiceBase):
    @requires(Permission.SESSIONS)
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
        if location not in LOCATIONS:
            raise ValidationError.single("location", LOCATION_MESSAGE)
        with self.db.unit_of_work(self.principal) as session:
            lookup.patient(session, patient_id)
            lookup.check_record_date(
                session,
                patient_id,
                session_date,
                "session_date",
                today=today,
                what="The session date",
            )
            log = self._new_log(session, patient_id, scheduled_session_id)
            _refuse_for_program_status(session, log.program_id)
            log.session_date = session_date
            log.location = location
            log.attended = True
            log.status = "aborted"
            log.red_flag_result = "positive"
            log.red_flags = {k: v for k, v in answers.items() if v is not None}
            log.notes = result.message
            self._add_new(session, log)
            return log.id

    @requires(Permission.SESSIONS)
    def save(
        self,
        patient_id: uuid.UUID,
        scheduled_session_id: uuid.UUID | None,
        entry: SessionEntry,
        *,
        today: dt.date,
    ) -> uuid.UUID:
        """Record a finished session (attended or missed); returns the new log's id."""
        with self.db.unit_of_work(self.principal) as session:
            patient = lookup.patient(session, patient_id)
            validate_session(
                entry, today=today, surgery_date=lookup.latest_surgery_date(session, patient_id),
                date_of_birth=patient.date_of_birth,
            )
            flag_result = _screen(entry)
            if entry.attended and entry.session_date is not None:  # a date: validated above
                _refuse_while_flag_open(session, patient_id, entry.session_date)
            log = self._new_log(session, patient_id, scheduled_session_id)
            _refuse_for_program_status(session, log.program_id)
            log.status = "final"
            log.red_flag_result = flag_result
            self._apply(session, log, entry)
            self._add_new(session, log)
            return log.id

    @requires(Permission.SESSIONS)
    def update(
        self, session_id: uuid.UUID, entry: SessionEntry, *, expected_version: int, today: dt.date
    ) -> int:
        """Correct a finished session in place (the audit trail keeps before and after); returns
        the log's new version. Refused (ConflictError) when the log was saved elsewhere since the
        form read ``expected_version``: the correction (its exercise rows and sets too) is one
        new version of the log."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            log = session_log(session, session_id, live=True)
            lookup.check_version(log, expected_version, STALE)
            patient = lookup.patient(session, log.patient_id)
            validate_session(
                entry, today=today, surgery_date=lookup.latest_surgery_date(session, patient.id),
                date_of_birth=patient.date_of_birth,
            )
            with session.no_autoflush:  # one flush: one new version
                if log.status != "aborted":
                    log.red_flag_result = _corrected_screen(log, entry)
                self._apply(session, log, replace(entry, red_flags=entry.red_flags or {}))
                lookup.bump(log)
            session.flush()
            return log.version

    @requires(Permission.SESSIONS)
    def delete(self, session_id: uuid.UUID) -> None:
        """Soft delete; :meth:`restore` undoes it."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            session_log(session, session_id).deleted_at = utcnow()

    @requires(Permission.SESSIONS)
    def restore(self, session_id: uuid.UUID) -> None:
        """Undo a delete. Refused (ConflictError) when the slot was logged again meanwhile:
        two live logs of one slot would be two records of one visit."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            log = session_log(session, session_id)
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
                    _, info = slot_of(session, log.scheduled_session_id)
                    raise ConflictError(
                        f"This session cannot be restored: {info.label} was logged again on "
                        f"{live[0].isoformat()}. Delete that log first if this one is the "
                        "right record."
                    )
            log.deleted_at = None

    # --- steps -----------------------------------------------------------------------------

    def _new_log(
        self, session: Session, patient_id: uuid.UUID, slot_id: uuid.UUID | None
    ) -> SessionLog:
        """A new log of the patient, for an open slot (refused when logged already) or for no
        slot (then tied to the current program); :meth:`_add_new` adds it once filled in."""
        if slot_id is None:
            program_id = lookup.current_program_id(session, patient_id)
        else:
            program_id, _ = open_slot(session, slot_id)
        return SessionLog(
            created_by=self.actor,
            patient_id=patient_id,
            program_id=program_id,
            scheduled_session_id=slot_id,
        )

    @staticmethod
    def _add_new(session: Session, log: SessionLog) -> None:
        """Add and flush a new log; another workstation logging the same slot at the same moment
        (PostgreSQL) trips the partial unique index: say so at the field, not as a crash."""
        session.add(log)
        try:
            session.flush()
        except IntegrityError as exc:
            text = str(exc.orig)
            if log.scheduled_session_id is None or not (
                "uq_session_logs_live_slot" in text  # PostgreSQL names the index
                or "session_logs.scheduled_session_id" in text  # SQLite names the column
            ):
                raise
            raise ValidationError.single(
                "slot",
                "This slot was just logged on another workstation; a slot can be logged only "
                "once. Open it from the Sessions tab to correct it.",
            ) from exc

    def _apply(self, session: Session, log: SessionLog, entry: SessionEntry) -> None:
        """Write the entry onto the log: its fields, its sets (exercise logs replaced) and its
        adverse events (the old ones removed)."""
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
        # only what was recorded: an exercise left "not recorded" is not stored (issue 11 item
        # 2); one not done is stored without sets
        log.exercises = [
            ExerciseLog(
                created_by=self.actor,
                exercise_id=e.exercise_id,
                prescription_id=e.prescription_id,
                position=i,
                status=e.status,
                notes=e.notes.strip() or None,
                sets=[
                    SetLog(created_by=self.actor, set_number=j + 1, **set_values(s))
                    for j, s in enumerate(e.sets if e.performed else ())
                    if not s.empty
                ],
            )
            for i, e in enumerate(entry.exercises if entry.attended else ())
            if e.status in STORED
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


def _screen(entry: SessionEntry) -> str:
    """The stored screen result of a new entry. A missed session has no screen; an attended one
    needs every current question answered (refused at ``red_flags`` otherwise, issue 9 item 4),
    and a positive screen is refused too (it goes through
    :meth:`SessionRecording.record_red_flag_stop`)."""
    if not entry.attended:
        return "not_screened"
    try:
        result = screen(entry.red_flags)
    except ValueError as exc:  # e.g. a draft answered with an earlier question set
        raise ValidationError.single(
            "red_flags",
            f"The red-flag screen does not match the current questions ({exc}): ask the "
            "questions again before the session is saved.",
        ) from exc
    if result.outcome == "positive":
        raise ValidationError.single("red_flags", result.message)
    if result.outcome == "incomplete":
        raise ValidationError.single(
            "red_flags",
            "An attended session is saved only with a complete red-flag screen. "
            + result.message,
        )
    return "clear"


def _refuse_while_flag_open(session: Session, patient_id: uuid.UUID, on: dt.date) -> None:
    """No attended session on or after a positive screen that is not cleared (issue 9 item 1):
    the clearance (who cleared exercise to resume) is recorded first. A missed session may be."""
    for flag in lookup.open_red_flags(session, patient_id):
        if flag.session_date <= on:
            raise ValidationError.single(
                "red_flags",
                f"Red flag on {flag.session_date.isoformat()} not yet cleared: record who "
                "cleared exercise to resume (Session > Record Red-Flag Outcome) before logging an "
                "attended session.",
            )


def _refuse_for_program_status(session: Session, program_id: uuid.UUID | None) -> None:
    """No new log against a paused, completed or stopped program
    (:func:`~rehab_tracker.domain.program_status.logging_refusal`); refused at ``slot``, the
    form's session choice."""
    if program_id is None:
        return
    program = lookup.by_id(session, Program, program_id, "program")
    refusal = logging_refusal(
        program.status, paused_on=program.paused_on, ended_on=program.ended_on
    )
    if refusal is not None:
        raise ValidationError.single("slot", refusal)


def _corrected_screen(log: SessionLog, entry: SessionEntry) -> str:
    """The screen result of a corrected log: the stored one while the answers are unchanged
    (a log screened with an earlier question set, or saved before the screen was required,
    stays as it was); a missed session has none; changed answers, or a missed session corrected
    to attended, need a complete screen (:func:`_screen`)."""
    if not entry.attended:
        return "not_screened"
    if log.attended and dict(entry.red_flags) == dict(log.red_flags):
        return log.red_flag_result
    if not entry.red_flags:
        raise ValidationError.single(
            "red_flags",
            "This log has no red-flag screen, and an attended session needs one: delete this "
            "log and log the session again from the Sessions tab (the screen comes first).",
        )
    return _screen(entry)
