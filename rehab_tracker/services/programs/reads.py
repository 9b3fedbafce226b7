"""Reading a program back: its detail (phases, open prescriptions, schedule, assessments and
warnings), its prescription history, the prescriptions a session shows, the clinic's contact
line for printed sheets.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Prescription, Program, ScheduledSession
from rehab_tracker.domain.phases import phase_on, phase_span
from rehab_tracker.domain.program_status import status_details
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.programs.common import (
    ServicePart,
    get_program,
    open_prescriptions,
    prescribed_all,
    surgery_date,
)
from rehab_tracker.services.programs.types import (
    AssessmentDue,
    PhaseDetail,
    PrescribedExercise,
    ProgramDetail,
    ScheduleItem,
)


def program_detail(session: Session, program: Program) -> ProgramDetail:
    patient = program.patient
    # every phase's open rows, their exercises read at once (a fixed number of statements)
    shown = prescribed_all(
        session, (rx for ph in program.phases for rx in open_prescriptions(program, ph.id))
    )
    phases = [
        PhaseDetail(
            id=ph.id,
            position=ph.position,
            **phase_span(ph),
            goals=ph.goals,
            prescriptions=tuple(rx for rx in shown if rx.phase_id == ph.id),
        )
        for ph in program.phases
    ]
    warnings: list[str] = []
    if program.early_start_reason:
        warnings.append(
            "Started earlier than the usual 4 weeks after surgery. Reason given: "
            f"{program.early_start_reason}"
        )
    for a, b in itertools.pairwise(phases):
        if b.start_date <= a.end_date:
            warnings.append(f"The phases {a.name!r} and {b.name!r} overlap in dates.")
    for p in phases:
        if not p.prescriptions:
            warnings.append(f"The phase {p.name!r} has no exercises.")
    return ProgramDetail(
        id=program.id,
        patient_id=patient.id,
        patient_name=patient.full_name,
        record_number=patient.record_number,
        template_code=program.template_code,
        name=program.name,
        intensity=program.intensity,
        start_date=program.start_date,
        weeks=program.weeks,
        sessions_per_week=program.sessions_per_week,
        status=program.status,
        early_start_reason=program.early_start_reason,
        notes=program.notes,
        version=program.version,
        surgery_date=surgery_date(session, patient),
        phases=tuple(phases),
        sessions=tuple(
            ScheduleItem(s.id, s.number, s.week, s.scheduled_date, s.kind)
            for s in program.scheduled_sessions
        ),
        assessments=tuple(
            AssessmentDue(a.id, a.timepoint, a.label, a.due_date, tuple(a.instruments))
            for a in program.assessments_due
        ),
        warnings=tuple(warnings),
        **status_details(program),
    )


class ProgramReads(ServicePart):
    """The reads of a program and its prescriptions."""

    def _detail(self, session: Session, program: Program) -> ProgramDetail:
        """:func:`program_detail`, built once per read snapshot (``Database.snapshot``: the
        status line and the Program tab of one selection both ask for it)."""
        return self.db.memo(
            ("program_detail", program.id), lambda: program_detail(session, program)
        )

    def program(self, program_id: uuid.UUID) -> ProgramDetail:
        with self.db.reading() as session:
            return self._detail(session, get_program(session, program_id))

    def active_program_for(self, patient_id: uuid.UUID) -> ProgramDetail | None:
        """The patient's open program (planned, active or paused), or None."""
        with self.db.reading() as session:
            program = session.scalar(
                select(Program)
                .where(Program.patient_id == patient_id, Program.status.in_(OPEN_STATUSES))
                .order_by(Program.start_date.desc())
                .limit(1)
            )
            return None if program is None else self._detail(session, program)

    def current_program_for(self, patient_id: uuid.UUID) -> ProgramDetail | None:
        """The patient's current program (:func:`lookup.current_program`: the open one, else the
        latest ended one), or None: what the overview's status line and the Program menu's
        status changes act on."""
        with self.db.reading() as session:
            program = lookup.current_program(lookup.programs_by_start(session, patient_id))
            return None if program is None else self._detail(session, program)

    def prescription_history(self, program_id: uuid.UUID) -> list[PrescribedExercise]:
        """Every prescription row ever written for the program, open and closed, oldest first."""
        with self.db.reading() as session:
            get_program(session, program_id)
            rows = session.scalars(
                select(Prescription)
                .where(Prescription.program_id == program_id)
                .order_by(Prescription.valid_from, Prescription.phase_id, Prescription.position)
            )
            return prescribed_all(session, rows)

    def clinic_contact(self) -> str | None:
        """The clinic's contact line for printed sheets (setting ``clinic``), if set; read
        through SettingsService (the one reader and writer of that setting)."""
        return self.settings.clinic_details().contact_line

    def prescriptions_for_session(
        self, session_ref: uuid.UUID | tuple[uuid.UUID, dt.date]
    ) -> list[PrescribedExercise]:
        """The current prescriptions of the phase a session falls in, in order.

        ``session_ref`` is a ScheduledSession id, or ``(program_id, date)`` for an unscheduled
        session. The education session (number 0) has none.
        """
        with self.db.reading() as session:
            if isinstance(session_ref, tuple):
                program_id, on = session_ref
                program = get_program(session, program_id)
                phase = phase_on(program.phases, on)
            else:
                slot = lookup.by_id(session, ScheduledSession, session_ref, "scheduled session")
                if slot.kind == "education":
                    return []
                program = slot.program
                phase = next(
                    (p for p in program.phases if p.start_week <= slot.week <= p.end_week), None
                ) or phase_on(program.phases, slot.scheduled_date)
            if phase is None:
                return []
            rows = session.scalars(
                select(Prescription)
                .where(Prescription.phase_id == phase.id, Prescription.valid_to.is_(None))
                .order_by(Prescription.position)
            )
            return prescribed_all(session, rows)
