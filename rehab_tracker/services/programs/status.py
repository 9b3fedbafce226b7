"""A program's status changes: pause, resume (the remaining schedule moved), complete, stop early.

Each is one unit of work on the program row, refused when the row moved since the form read
``expected_version`` (the program's version; ConflictError) and written to the audit trail like
every write. The rules are :mod:`rehab_tracker.domain.program_status`'s; moving the schedule is
:func:`rehab_tracker.domain.schedule.pause_shift_days`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import (
    OutcomeAssessment,
    Program,
    ScheduledSession,
    SessionLog,
    WalkTest,
)
from rehab_tracker.domain import program_status as rules
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.schedule import moved_by_pause, pause_shift_days
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.programs.common import STALE, ServicePart, clean, get_program


@dataclass(frozen=True)
class Resumed:
    """What a resume did: the program's new version and how far its remaining schedule moved."""

    version: int
    shift_days: int
    sessions_moved: int


def last_logged(session: Session, program_id: uuid.UUID) -> dt.date | None:
    """The date of the program's latest session log (attended, missed or stopped; not deleted)."""
    return session.scalar(
        select(func.max(SessionLog.session_date)).where(
            SessionLog.program_id == program_id,
            SessionLog.deleted_at.is_(None),
            SessionLog.status != "draft",
        )
    )


def end_assessment_done(session: Session, program_id: uuid.UUID, on: dt.date) -> bool:
    """:func:`rules.end_assessment_recorded` from the program's questionnaires and walking
    tests (their dates and timepoints), not deleted."""
    questionnaires = session.execute(
        select(OutcomeAssessment.assessed_on, OutcomeAssessment.timepoint).where(
            OutcomeAssessment.program_id == program_id, OutcomeAssessment.deleted_at.is_(None)
        )
    ).all()
    walks = session.execute(
        select(WalkTest.performed_on, WalkTest.timepoint).where(
            WalkTest.program_id == program_id, WalkTest.deleted_at.is_(None)
        )
    ).all()
    records = [(day, mark) for day, mark in (*questionnaires, *walks)]
    return rules.end_assessment_recorded(records, on)


class ProgramStatusChanges(ServicePart):
    """Pause, resume, complete and stop a program."""

    def end_assessment_recorded(self, program_id: uuid.UUID, on: dt.date) -> bool:
        """Whether the program's end-of-program assessment counts as recorded for an end on
        ``on`` (the Complete Program dialog asks for a reason to skip it otherwise)."""
        with self.db.reading() as session:
            get_program(session, program_id)
            return end_assessment_done(session, program_id, on)

    def logging_refusal(self, patient_id: uuid.UUID) -> str | None:
        """Why no new session can be logged for the patient now (their current program is
        paused or has ended; :func:`rules.logging_refusal`), None when one can: the Sessions tab
        says so before the red-flag screen, the session service refuses the save too."""
        with self.db.reading() as session:
            program = lookup.current_program(lookup.programs_by_start(session, patient_id))
            if program is None:
                return None
            return rules.logging_refusal(
                program.status, paused_on=program.paused_on, ended_on=program.ended_on
            )

    def resume_preview(self, program_id: uuid.UUID, resume_on: dt.date) -> Resumed:
        """What :meth:`resume` on ``resume_on`` would move (nothing is written; ``version`` is
        the program's current one), for the confirmation the user answers first."""
        with self.db.reading() as session:
            program = get_program(session, program_id)
            rules.check_resume(
                rules.ProgramFacts(program.status, program.start_date, program.paused_on),
                resume_on=resume_on,
            )
            assert program.paused_on is not None  # checked above
            remaining, shift = _remaining(program, program.paused_on, resume_on)
            return Resumed(program.version, shift, len(remaining))

    @contextlib.contextmanager
    def _changing(
        self, program_id: uuid.UUID, expected_version: int
    ) -> Iterator[tuple[Session, Program, rules.ProgramFacts]]:
        """One status change: the program row (refused when it moved since
        ``expected_version``) and the facts its rules read; flushed at the end, so the
        program's version afterwards is the new one."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            program = get_program(session, program_id)
            lookup.check_version(program, expected_version, STALE)
            facts = rules.ProgramFacts(
                program.status,
                program.start_date,
                program.paused_on,
                last_logged(session, program.id),
            )
            yield session, program, facts
            session.flush()

    @requires(Permission.PROGRAMS)
    def pause(
        self,
        program_id: uuid.UUID,
        *,
        paused_on: dt.date | None,
        reason: str | None,
        expected_version: int,
        today: dt.date,
    ) -> int:
        """Pause the program from ``paused_on`` for ``reason``; returns its new version."""
        with self._changing(program_id, expected_version) as (_session, program, facts):
            program.pause_reason = rules.check_pause(
                facts, paused_on=paused_on, reason=reason, today=today
            )
            program.status = "paused"
            program.paused_on = paused_on
        return program.version

    @requires(Permission.PROGRAMS)
    def resume(
        self, program_id: uuid.UUID, *, resume_on: dt.date | None, expected_version: int
    ) -> Resumed:
        """Resume a paused program on ``resume_on``: the sessions not logged yet from the pause's
        first day on, the phase dates and the assessments due from then on move by
        :func:`pause_shift_days`; the pause's days are added to ``paused_days``."""
        with self._changing(program_id, expected_version) as (_session, program, facts):
            rules.check_resume(facts, resume_on=resume_on)
            assert program.paused_on is not None and resume_on is not None  # checked above
            moved = _move_remaining(program, program.paused_on, resume_on)
            program.paused_days = (program.paused_days or 0) + (resume_on - program.paused_on).days
            program.status = "active"
            program.paused_on = None
            program.pause_reason = None
            lookup.bump(program)
        return Resumed(program.version, *moved)

    @requires(Permission.PROGRAMS)
    def complete(
        self,
        program_id: uuid.UUID,
        *,
        ended_on: dt.date | None,
        note: str | None = None,
        skip_reason: str | None = None,
        expected_version: int,
        today: dt.date,
    ) -> int:
        """Complete the program on ``ended_on``: the end-of-program assessment recorded, or
        ``skip_reason`` says why not; ``note`` is kept as the end reason (e.g. "goals met")."""
        with self._changing(program_id, expected_version) as (session, program, facts):
            recorded = ended_on is not None and end_assessment_done(session, program.id, ended_on)
            skip = rules.check_complete(
                facts,
                ended_on=ended_on,
                today=today,
                assessment_recorded=recorded,
                skip_reason=skip_reason,
                note=note,
            )
            _end(program, "completed", ended_on, clean(note))
            program.end_assessment_skip_reason = skip
        return program.version

    @requires(Permission.PROGRAMS)
    def stop(
        self,
        program_id: uuid.UUID,
        *,
        ended_on: dt.date | None,
        reason: str | None,
        expected_version: int,
        today: dt.date,
    ) -> int:
        """Stop the program early on ``ended_on`` for ``reason``; returns its new version."""
        with self._changing(program_id, expected_version) as (_session, program, facts):
            text = rules.check_stop(facts, ended_on=ended_on, reason=reason, today=today)
            _end(program, "stopped", ended_on, text)
        return program.version


def _remaining(
    program: Program, paused_on: dt.date, resume_on: dt.date
) -> tuple[list[ScheduledSession], int]:
    """The sessions a resume on ``resume_on`` moves (not logged, from the pause's first day on)
    and by how many days (:func:`pause_shift_days`; no session when that is 0)."""
    remaining = [
        slot
        for slot in program.scheduled_sessions
        if slot.scheduled_date >= paused_on
        and not any(log.deleted_at is None for log in slot.session_logs)
    ]
    shift = pause_shift_days(min((s.scheduled_date for s in remaining), default=None), resume_on)
    return (remaining if shift else []), shift


def _move_remaining(program: Program, paused_on: dt.date, resume_on: dt.date) -> tuple[int, int]:
    """Move what remains of the schedule after a pause (:func:`_remaining`); returns the days
    moved and the number of sessions moved."""
    remaining, shift = _remaining(program, paused_on, resume_on)
    if not shift:
        return 0, 0
    for slot in remaining:
        slot.scheduled_date = moved_by_pause(slot.scheduled_date, paused_on, shift)
    for phase in program.phases:
        phase.start_date = moved_by_pause(phase.start_date, paused_on, shift)
        phase.end_date = moved_by_pause(phase.end_date, paused_on, shift)
    for due in program.assessments_due:
        due.due_date = moved_by_pause(due.due_date, paused_on, shift)
    return shift, len(remaining)


def _end(program: Program, status: str, ended_on: dt.date | None, reason: str | None) -> None:
    """Close the program; a pause under way ends with it (its days counted)."""
    assert ended_on is not None  # checked by the rules
    if program.paused_on is not None:
        program.paused_days = (program.paused_days or 0) + (ended_on - program.paused_on).days
        program.paused_on = None
        program.pause_reason = None
    program.status = status
    program.ended_on = ended_on
    program.end_reason = reason
