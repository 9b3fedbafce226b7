"""The training section: per exercise and program week
(:func:`~rehab_tracker.domain.weeks.session_week`), the heaviest load lifted, or else the total
volume.

The sets are read as plain rows in one query (hundreds of them for 12 weeks): loading them as ORM
objects was most of the time the chart view took to open.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Exercise, ExerciseLog, ScheduledSession, SessionLog, SetLog
from rehab_tracker.domain.weeks import session_week
from rehab_tracker.services.report_data import records
from rehab_tracker.services.report_data.model import ProgramSummary, TrainingSeries


def read_training(
    session: Session, patient_id: uuid.UUID, program: ProgramSummary | None, today: dt.date
) -> tuple[TrainingSeries, ...]:
    """The series of every exercise logged in ``program``'s attended sessions, in the order the
    patient met them: by the first session each was logged in, then its position there, then
    its code (so the same records always give the same order)."""
    if program is None or program.exercise_start is None:
        return ()
    weeks_of = _session_weeks(session, patient_id, program, program.exercise_start, today)
    if not weeks_of:
        return ()
    rows = session.execute(
        select(
            ExerciseLog.session_id,
            Exercise.code,
            Exercise.name,
            Exercise.dosage_type,
            SetLog.reps,
            SetLog.hold_seconds,
            SetLog.load_kg,
            SetLog.distance_m,
            SetLog.duration_s,
        )
        .join(Exercise, Exercise.id == ExerciseLog.exercise_id)
        .join(SetLog, SetLog.exercise_log_id == ExerciseLog.id)
        .join(SessionLog, SessionLog.id == ExerciseLog.session_id)
        .where(ExerciseLog.session_id.in_(list(weeks_of)))
        .order_by(SessionLog.session_date, ExerciseLog.position, Exercise.code, SetLog.set_number)
    ).all()
    totals = _tally(rows, weeks_of)
    return tuple(
        series for code in totals.order if (series := totals.series(code)) is not None
    )


def _session_weeks(
    session: Session,
    patient_id: uuid.UUID,
    program: ProgramSummary,
    exercise_start: dt.date,
    today: dt.date,
) -> dict[uuid.UUID, int]:
    """The program week of each attended session of ``program`` (those before exercise
    session 1, unscheduled, have none and are left out)."""
    rows = session.execute(
        select(SessionLog.id, SessionLog.session_date, ScheduledSession.week)
        .outerjoin(
            ScheduledSession,
            and_(
                ScheduledSession.id == SessionLog.scheduled_session_id,
                ScheduledSession.program_id == program.id,
            ),
        )
        .where(
            *records.session_logs(patient_id, today),
            SessionLog.attended.is_(True),
            SessionLog.program_id == program.id,
        )
        .order_by(SessionLog.session_date)
    )
    weeks_of: dict[uuid.UUID, int] = {}
    for log_id, day, slot_week in rows:
        week = session_week(exercise_start, day, slot_week)
        if week:  # None or 0: an unscheduled session before exercise session 1
            weeks_of[log_id] = week
    return weeks_of


@dataclass
class _Totals:
    """Per exercise code: heaviest load and summed volume per week, name, volume unit, and the
    order in which the codes first appeared."""

    loads: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    volumes: dict[str, dict[int, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    names: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def series(self, code: str) -> TrainingSeries | None:
        """The load series when any load was lifted, else the volume series, else None."""
        if self.loads.get(code):
            by_week = self.loads[code]
            metric, unit, rounding = "load", "kg", None
        elif self.volumes.get(code):
            by_week = self.volumes[code]
            metric, unit, rounding = "volume", self.units.get(code, "reps"), 1
        else:
            return None
        weeks = sorted(by_week)
        return TrainingSeries(
            code,
            self.names[code],
            metric,
            unit,
            tuple(weeks),
            tuple(by_week[w] if rounding is None else round(by_week[w], rounding) for w in weeks),
        )


def _tally(rows: Iterable[Any], weeks_of: dict[uuid.UUID, int]) -> _Totals:
    totals = _Totals()
    for row in rows:
        week = weeks_of[row.session_id]
        code = row.code
        totals.names[code] = row.name
        totals.order.setdefault(code, len(totals.order))
        if row.load_kg is not None and row.load_kg > 0:
            loads = totals.loads[code]
            loads[week] = max(loads.get(week, 0.0), row.load_kg)
        amount, unit = _set_volume(row.dosage_type, row)
        if amount is not None:
            totals.volumes[code][week] += amount
            totals.units.setdefault(code, unit)
    return totals


def _set_volume(dosage_type: str, s: Any) -> tuple[float | None, str]:
    if dosage_type == "hold" and s.hold_seconds is not None:
        return float(s.hold_seconds) * max(int(s.reps or 1), 1), "s"
    if dosage_type == "distance" and s.distance_m is not None:
        return float(s.distance_m), "m"
    if dosage_type == "time" and s.duration_s is not None:
        return float(s.duration_s), "s"
    if s.reps is not None:
        return float(s.reps), "reps"
    return None, "reps"
