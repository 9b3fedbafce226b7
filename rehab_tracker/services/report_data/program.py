"""The program section: the current program with its phases on the time axis, and adherence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Program, ProgramPhase, ScheduledSession
from rehab_tracker.domain.phases import phase_span
from rehab_tracker.domain.program_status import status_details
from rehab_tracker.domain.weeks import program_week
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.report_data.model import (
    Adherence,
    PhaseSpan,
    ProgramSummary,
    ToAxis,
    WeekAdherence,
)


def read_program(
    session: Session, program: Program | None, today: dt.date, x: ToAxis
) -> ProgramSummary | None:
    """The summary of ``program`` (the patient's current one, see :func:`lookup.current_program`):
    exercise start and end from its schedule, the week of ``today``, its phases."""
    if program is None:
        return None
    slots = session.execute(
        select(ScheduledSession.kind, ScheduledSession.scheduled_date).where(
            ScheduledSession.program_id == program.id
        )
    ).all()
    first = min((s.scheduled_date for s in slots if s.kind == "exercise"), default=None)
    last = max((s.scheduled_date for s in slots), default=None)
    week = program_week(first, today)
    current = None if week is None or week == 0 else min(week, program.weeks)
    return ProgramSummary(
        id=program.id,
        name=program.name,
        intensity=program.intensity,
        status=program.status,
        start_date=program.start_date,
        exercise_start=first,
        end_date=last,
        weeks=program.weeks,
        sessions_per_week=program.sessions_per_week,
        current_week=current,
        phases=_phases(session, program, x),
        early_start_reason=program.early_start_reason,
        **status_details(program),
    )


def _phases(session: Session, program: Program, x: ToAxis) -> tuple[PhaseSpan, ...]:
    rows = session.scalars(
        select(ProgramPhase)
        .where(ProgramPhase.program_id == program.id)
        .order_by(ProgramPhase.position)
    )
    return tuple(
        PhaseSpan(
            **phase_span(ph),
            x_start=x(ph.start_date),
            x_end=x(ph.end_date + dt.timedelta(days=1)),
        )
        for ph in rows
    )


def read_adherence(session: Session, program: ProgramSummary | None, today: dt.date) -> Adherence:
    """The report's view of :func:`lookup.program_adherence` (the one read and rule the
    Sessions tab and the overview use too)."""
    result = lookup.program_adherence(session, program.id if program is not None else None, today)
    return Adherence(
        weeks=tuple(
            WeekAdherence(
                week=w.week,
                start_date=w.start_date or today,
                planned=w.planned,
                attended=w.attended,
                missed=w.missed,
            )
            for w in result.weeks
        ),
        planned_total=result.scheduled,
        planned_to_date=result.planned,
        attended=result.attended,
        missed=result.missed,
        extra_sessions=result.extra_sessions,
    )
