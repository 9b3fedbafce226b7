"""The Sessions tab's and the overview's reads: slots, history, adherence and the one-read
overview of a patient."""

from __future__ import annotations

import datetime as dt
import uuid

from rehab_tracker.domain.sessions import Adherence
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.outcomes import assessment_schedule
from rehab_tracker.services.sessions._base import SessionServiceBase
from rehab_tracker.services.sessions._queries import next_open, rows_and_alerts, slots_of
from rehab_tracker.services.sessions.types import PatientSessions, SessionRow, SlotInfo


class SessionReads(SessionServiceBase):
    def slots(self, patient_id: uuid.UUID) -> list[SlotInfo]:
        with self.db.reading() as session:
            return slots_of(session, lookup.current_program_id(session, patient_id))

    def next_slot(self, patient_id: uuid.UUID) -> SlotInfo | None:
        """The first scheduled session not logged yet (by number), or None."""
        return next_open(self.slots(patient_id))

    def history(self, patient_id: uuid.UUID, *, include_deleted: bool = False) -> list[SessionRow]:
        with self.db.reading() as session:
            return rows_and_alerts(session.connection(), patient_id, include_deleted)[0]

    def logged_on(
        self, patient_id: uuid.UUID, on: dt.date, *, excluding: uuid.UUID | None = None
    ) -> list[str]:
        """The patient's live session logs dated ``on`` (but ``excluding``, the log being
        corrected), in words ("Session 3 (week 1, 2026-11-09), attended"): a second session
        on one day is asked about first (issue 11 item 3)."""
        with self.db.reading() as session:
            rows = rows_and_alerts(session.connection(), patient_id, False)[0]
        return [
            f"{'Unscheduled session' if r.number is None else _slot_name(r.number)}, "
            f"{'attended' if r.attended else 'missed'}"
            + (" (stopped: red flag)" if r.status == "aborted" else "")
            for r in rows
            if r.session_date == on and r.id != excluding
        ]

    def adherence(self, patient_id: uuid.UUID, *, today: dt.date) -> Adherence:
        """Attended / planned exercise sessions so far, per program week and overall
        (:func:`lookup.program_adherence`, as the overview and the report have it)."""
        with self.db.read_connection() as conn:
            program_id = lookup.current_program_id(conn, patient_id)
            return lookup.program_adherence(conn, program_id, today)

    def overview(self, patient_id: uuid.UUID, *, today: dt.date) -> PatientSessions:
        """Everything the Sessions tab and the overview show, in one read of six statements:
        session rows with their counts and open red flags, slots, adherence, next slot, and the
        assessment schedule (due/overdue)."""
        # a plain read-only connection (no ORM Session): this runs on every patient selection
        with self.db.read_connection() as conn:
            program = lookup.current_program_of(conn, patient_id)
            program_id = program.id if program else None
            slots = slots_of(conn, program_id)
            rows, alerts = rows_and_alerts(conn, patient_id, False)
            assessments = (
                assessment_schedule(conn, patient_id, program.id, program.start_date, today)
                if program is not None
                else []
            )
            return PatientSessions(
                patient_id=patient_id,
                program_id=program_id,
                rows=rows,
                slots=slots,
                adherence=lookup.program_adherence(conn, program_id, today),
                next_slot=next_open(slots),
                red_flags=alerts,
                assessments=assessments,
            )


def _slot_name(number: int) -> str:
    return "Education session" if number == 0 else f"Session {number}"
