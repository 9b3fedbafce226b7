"""Everything a progress report or the chart view shows, gathered in one read (no Qt).

``ReportDataService.gather(patient_id, today=...)`` returns a :class:`ReportData`: plain frozen
dataclasses (patient header, surgery, program with phases, adherence per week, outcome series with
dates and weeks since surgery, session pain, walking tests with the 6-minute walk reference,
training load or volume per exercise per week, red flags and adverse events in the period, and the
outcome table with the clinically-important-change threshold used and its source).

Honest partial data: a series with one point has no change; the outcome table row then says why
(``status``) instead of showing a number. Nothing here computes a trend that is not in the data.

Time axis: weeks since surgery; on the conservative pathway (no surgery) weeks since the program
start, or since the first record when there is no program. ``ReportData.axis_label`` says which.

Clinic settings read (table ``settings``, optional): ``"clinic"`` -> ``{"name", "address",
"phone"}`` for the report header; ``"thresholds"`` -> ``{"overrides": {...}}`` for
:func:`rehab_tracker.domain.thresholds.with_overrides` (as services.settings writes it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    Exercise,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Program,
    ProgramPhase,
    ScheduledSession,
    SessionLog,
    SetLog,
    Surgery,
    WalkTest,
)
from rehab_tracker.domain.outcomes import baseline_and_latest, baseline_of, interpret_change
from rehab_tracker.domain.patients import age_on
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.scoring import describe_threshold, odi_band, six_minute_walk_predicted
from rehab_tracker.domain.thresholds import MEASURES, Threshold
from rehab_tracker.domain.weeks import program_week, session_week
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.settings import SettingsService

DEFAULT_CLINIC_NAME = "Rehab Tracker clinic"

#: instruments charted and tabled, in report order
QUESTIONNAIRES = ("odi", "rmdq", "nprs_back", "nprs_leg")
#: walking tests: stored test code -> (threshold measure, label)
WALK_TESTS: Mapping[str, tuple[str, str]] = {
    "walk_5min": ("walk_5min", "5-minute walk"),
    "walk_6min": ("walk_6min", "6-minute walk"),
    "walk_50ft_preferred": ("walk_50ft", "50-foot walk, preferred speed"),
    "walk_50ft_fastest": ("walk_50ft", "50-foot walk, fastest speed"),
    "tug": ("tug", "Timed Up and Go"),
}
_RED_FLAG_LABELS = {flag.code: flag.label for flag in RED_FLAGS}


# ------------------------------------------------------------------------------ the dataclasses


@dataclass(frozen=True)
class ClinicHeader:
    name: str
    address: str | None
    phone: str | None


@dataclass(frozen=True)
class PatientHeader:
    id: uuid.UUID
    record_number: str
    name: str
    given_name: str
    date_of_birth: dt.date
    age_years: int
    sex: str
    height_m: float | None
    weight_kg: float | None
    pathway: str


@dataclass(frozen=True)
class SurgeryInfo:
    surgery_date: dt.date
    levels: tuple[str, ...]
    side: str | None
    procedure: str
    surgeon: str | None
    hospital: str | None


@dataclass(frozen=True)
class PhaseSpan:
    """A program phase on the time axis: weeks (floats, see ReportData.axis_label) and dates."""

    code: str
    name: str
    start_week: int
    end_week: int
    start_date: dt.date
    end_date: dt.date
    x_start: float
    x_end: float


@dataclass(frozen=True)
class ProgramSummary:
    id: uuid.UUID
    name: str
    intensity: str
    status: str
    start_date: dt.date  # the education day
    exercise_start: dt.date | None  # exercise session 1
    end_date: dt.date | None  # the last scheduled session
    weeks: int
    sessions_per_week: int
    current_week: int | None  # 1..weeks during the program, None before exercise starts
    phases: tuple[PhaseSpan, ...]
    early_start_reason: str | None


@dataclass(frozen=True)
class WeekAdherence:
    week: int
    start_date: dt.date
    planned: int  # exercise sessions due this week: before today, or already logged
    attended: int
    missed: int  # recorded as missed or aborted, or past and never logged

    @property
    def percent(self) -> float | None:
        return None if self.planned == 0 else self.attended / self.planned * 100


@dataclass(frozen=True)
class Adherence:
    weeks: tuple[WeekAdherence, ...]
    planned_total: int  # the whole program
    planned_to_date: int
    attended: int
    missed: int
    extra_sessions: int  # logged without a scheduled slot

    @property
    def percent(self) -> float | None:
        """Attended / planned up to today (None when nothing was due yet)."""
        if self.planned_to_date == 0:
            return None
        return self.attended / self.planned_to_date * 100

    @property
    def weeks_without_attendance(self) -> tuple[int, ...]:
        return tuple(w.week for w in self.weeks if w.planned > 0 and w.attended == 0)


@dataclass(frozen=True)
class OutcomePoint:
    on: dt.date
    x: float  # weeks on the report's time axis
    value: float
    timepoint: str


@dataclass(frozen=True)
class OutcomeSeries:
    measure: str  # threshold key: odi, nprs_back, walk_6min, walk_50ft, ...
    code: str  # stored instrument or test code
    label: str
    unit: str  # "points", "%", "m" or "s"
    points: tuple[OutcomePoint, ...]

    @property
    def xs(self) -> tuple[float, ...]:
        return tuple(p.x for p in self.points)

    @property
    def ys(self) -> tuple[float, ...]:
        return tuple(p.value for p in self.points)


@dataclass(frozen=True)
class SessionPainPoint:
    on: dt.date
    x: float
    back_before: int | None
    back_after: int | None
    leg_before: int | None
    leg_after: int | None


@dataclass(frozen=True)
class SixMinuteReference:
    """Enright-Sherrill predicted distance and lower limit of normal, or why there is none."""

    predicted_m: float | None
    lower_limit_m: float | None
    note: str


@dataclass(frozen=True)
class TrainingSeries:
    """One exercise over the program weeks: heaviest load (kg) or total volume per week."""

    exercise_code: str
    exercise_name: str
    metric: str  # "load" or "volume"
    unit: str  # "kg", "reps", "s" or "m"
    weeks: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class RedFlagEvent:
    on: dt.date
    items: tuple[str, ...]  # plain labels of the positive answers
    acknowledged: bool


@dataclass(frozen=True)
class AdverseEventRow:
    on: dt.date
    severity: str
    description: str
    action_taken: str


@dataclass(frozen=True)
class OutcomeRow:
    """One line of the outcome table. ``change`` etc. are None when it cannot be computed."""

    measure: str
    code: str
    label: str
    unit: str
    direction: str  # "lower_better" or "higher_better"
    baseline: float | None
    baseline_on: dt.date | None
    latest: float | None
    latest_on: dt.date | None
    change: float | None
    percent_change: float | None
    clinically_important: bool | None
    worsened: bool | None
    threshold: str  # "10-point or 30%"
    threshold_source: str
    sentence: str  # plain words, from domain.scoring.change_interpretation
    status: str  # "change", "no_follow_up", "no_data"
    band_baseline: str | None = None  # ODI severity band
    band_latest: str | None = None
    #: the value at which a change from baseline becomes a clinically important improvement
    target: float | None = None


@dataclass(frozen=True)
class ReportData:
    generated_on: dt.date
    period_start: dt.date
    period_end: dt.date
    clinic: ClinicHeader
    patient: PatientHeader
    surgery: SurgeryInfo | None
    program: ProgramSummary | None
    adherence: Adherence
    axis_origin: dt.date
    axis_label: str
    outcomes: tuple[OutcomeSeries, ...]
    session_pain: tuple[SessionPainPoint, ...]
    walks: tuple[OutcomeSeries, ...]
    six_minute_reference: SixMinuteReference
    training: tuple[TrainingSeries, ...]
    red_flags: tuple[RedFlagEvent, ...]
    adverse_events: tuple[AdverseEventRow, ...]
    outcome_rows: tuple[OutcomeRow, ...]
    thresholds: Mapping[str, Threshold]
    #: the clinic's unit system ("metric"/"imperial"): the words of the change sentences
    units: str = "metric"

    def series(self, code: str) -> OutcomeSeries | None:
        """An outcome or walk series by instrument/test code (``"odi"``, ``"walk_6min"``)."""
        for item in (*self.outcomes, *self.walks):
            if item.code == code:
                return item
        return None

    def row(self, code: str) -> OutcomeRow | None:
        for item in self.outcome_rows:
            if item.code == code:
                return item
        return None

    @property
    def x_range(self) -> tuple[float, float]:
        """The time-axis span covering the program and every point (at least 0..1)."""
        xs: list[float] = [0.0]
        if self.program is not None:
            for phase in self.program.phases:
                xs.extend((phase.x_start, phase.x_end))
        for s in (*self.outcomes, *self.walks):
            xs.extend(s.xs)
        xs.extend(p.x for p in self.session_pain)
        low, high = min(xs), max(xs)
        return low, max(high, low + 1.0)

    def x_of(self, day: dt.date) -> float:
        return weeks_between(self.axis_origin, day)


def weeks_between(origin: dt.date, day: dt.date) -> float:
    return (day - origin).days / 7.0


def important_change_target(threshold: Threshold, baseline: float) -> float:
    """The follow-up value that just reaches a clinically important improvement from
    ``baseline`` (the easier of the absolute and relative rules), kept inside the valid range."""
    if threshold.direction == "lower_better":
        target = baseline - threshold.absolute
        if threshold.relative is not None and baseline != 0:
            target = max(target, baseline * (1 - threshold.relative))
    else:
        target = baseline + threshold.absolute
        if threshold.relative is not None and baseline != 0:
            target = min(target, baseline * (1 + threshold.relative))
    low, high = threshold.valid_range
    target = max(target, low)
    return target if high is None else min(target, high)


# ---------------------------------------------------------------------------------- the service


class ReportDataService:
    """Reads what reports and charts need; one read-only session per call."""

    def __init__(self, db: Database, actor: str, settings: SettingsService | None = None) -> None:
        self.db = db
        self.actor = actor
        self.settings = settings or SettingsService(db, actor)

    def gather(
        self,
        patient_id: uuid.UUID,
        *,
        today: dt.date,
        period_start: dt.date | None = None,
    ) -> ReportData:
        """The report data of one patient up to ``today`` (events from ``period_start`` on)."""
        clinic = self.settings.clinic_details()
        header = ClinicHeader(
            name=clinic.name or DEFAULT_CLINIC_NAME,
            address=clinic.address or None,
            phone=clinic.phone or None,
        )
        # the clinic's settings as every service reads them: a damaged value falls back to
        # its default (thresholds: the cited defaults) instead of stopping the report
        loaded = self.settings.load()
        with self.db.reading() as session:
            return _gather(
                session, patient_id, today, period_start, loaded.units, header, loaded.thresholds
            )

    def active_patient_ids(self) -> list[tuple[uuid.UUID, str, str]]:
        """(id, record number, name) of every patient not archived with a planned or active
        program, by family name: who a batch export covers."""
        with self.db.reading() as session:
            rows = session.execute(
                select(Patient.id, Patient.record_number, Patient.given_name, Patient.family_name)
                .where(
                    Patient.archived_at.is_(None),
                    Patient.id.in_(
                        select(Program.patient_id).where(Program.status.in_(OPEN_STATUSES))
                    ),
                )
                .order_by(Patient.family_name, Patient.given_name, Patient.record_number)
            )
            return [(pid, number, f"{given} {family}") for pid, number, given, family in rows]


def _gather(
    session: Session,
    patient_id: uuid.UUID,
    today: dt.date,
    period_start: dt.date | None,
    units: str,
    clinic: ClinicHeader,
    thresholds: Mapping[str, Threshold],
) -> ReportData:
    patient = lookup.patient(session, patient_id)
    header = PatientHeader(
        id=patient.id,
        record_number=patient.record_number,
        name=patient.full_name,
        given_name=patient.given_name,
        date_of_birth=patient.date_of_birth,
        age_years=age_on(patient.date_of_birth, today),
        sex=patient.sex,
        height_m=patient.height_m,
        weight_kg=patient.weight_kg,
        pathway=patient.pathway,
    )
    surgeries = list(
        session.scalars(
            select(Surgery).where(Surgery.patient_id == patient_id).order_by(Surgery.surgery_date)
        )
    )
    surgery_row = surgeries[-1] if surgeries else None
    surgery = (
        None
        if surgery_row is None
        else SurgeryInfo(
            surgery_date=surgery_row.surgery_date,
            levels=tuple(str(x) for x in surgery_row.levels),
            side=surgery_row.side,
            procedure=surgery_row.procedure,
            surgeon=surgery_row.surgeon,
            hospital=surgery_row.hospital,
        )
    )
    program_row = lookup.current_program(lookup.programs_by_start(session, patient_id))
    scheduled: list[ScheduledSession] = []
    phases_rows: list[ProgramPhase] = []
    if program_row is not None:
        scheduled = list(
            session.scalars(
                select(ScheduledSession)
                .where(ScheduledSession.program_id == program_row.id)
                .order_by(ScheduledSession.number)
            )
        )
        phases_rows = list(
            session.scalars(
                select(ProgramPhase)
                .where(ProgramPhase.program_id == program_row.id)
                .order_by(ProgramPhase.position)
            )
        )
    outcomes_rows = list(
        session.scalars(
            select(OutcomeAssessment)
            .where(
                OutcomeAssessment.patient_id == patient_id,
                OutcomeAssessment.deleted_at.is_(None),
                OutcomeAssessment.assessed_on <= today,
            )
            .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
        )
    )
    walk_rows = list(
        session.scalars(
            select(WalkTest)
            .where(
                WalkTest.patient_id == patient_id,
                WalkTest.deleted_at.is_(None),
                WalkTest.performed_on <= today,
            )
            .order_by(WalkTest.performed_on, WalkTest.created_at)
        )
    )
    logs = list(
        session.scalars(
            select(SessionLog)
            .where(
                SessionLog.patient_id == patient_id,
                SessionLog.deleted_at.is_(None),
                SessionLog.status != "draft",
                SessionLog.session_date <= today,
            )
            .order_by(SessionLog.session_date)
        )
    )
    adverse_rows = list(
        session.scalars(
            select(AdverseEvent)
            .where(AdverseEvent.patient_id == patient_id, AdverseEvent.deleted_at.is_(None))
            .order_by(AdverseEvent.occurred_on)
        )
    )

    # --- the time axis
    if surgery is not None:
        origin = surgery.surgery_date
        axis_label = "Weeks since surgery"
    elif program_row is not None:
        origin = program_row.start_date
        axis_label = "Weeks since program start"
    else:
        firsts = [r.assessed_on for r in outcomes_rows] + [w.performed_on for w in walk_rows]
        firsts += [log.session_date for log in logs]
        origin = min(firsts) if firsts else today
        axis_label = "Weeks since first record"

    def x(day: dt.date) -> float:
        return weeks_between(origin, day)

    program = _program_summary(program_row, scheduled, phases_rows, today, x)
    adherence = _adherence(session, program_row, today)
    outcome_series = _outcome_series(outcomes_rows, x)
    walks = _walk_series(walk_rows, x)
    pain = tuple(
        SessionPainPoint(
            on=log.session_date,
            x=x(log.session_date),
            back_before=log.pain_back_before,
            back_after=log.pain_back_after,
            leg_before=log.pain_leg_before,
            leg_after=log.pain_leg_after,
        )
        for log in logs
        if log.attended
        and any(
            v is not None
            for v in (
                log.pain_back_before,
                log.pain_back_after,
                log.pain_leg_before,
                log.pain_leg_after,
            )
        )
    )
    training = _training(session, logs, scheduled, program, program_row)

    start = period_start
    if start is None:
        candidates = [origin]
        if program_row is not None:
            candidates.append(program_row.start_date)
        start = min(candidates)
    red_flags = tuple(
        RedFlagEvent(
            on=log.session_date,
            items=tuple(
                _RED_FLAG_LABELS.get(code, code.replace("_", " "))
                for code, answer in sorted(log.red_flags.items())
                if answer is True
            ),
            acknowledged=log.red_flag_acknowledged_at is not None,
        )
        for log in logs
        if log.red_flag_result == "positive" and start <= log.session_date <= today
    )
    adverse = tuple(
        AdverseEventRow(
            on=a.occurred_on,
            severity=a.severity,
            description=a.description,
            action_taken=a.action_taken or "",
        )
        for a in adverse_rows
        if start <= a.occurred_on <= today
    )
    rows = tuple(
        _outcome_row(s, thresholds, units)
        if s.points
        else _empty_row(s.code, s.measure, s.label, thresholds, units)
        for s in (*outcome_series, *walks)
        if s.points or s.code in ALWAYS_TABLED
    )
    return ReportData(
        generated_on=today,
        period_start=start,
        period_end=today,
        clinic=clinic,
        patient=header,
        surgery=surgery,
        program=program,
        adherence=adherence,
        axis_origin=origin,
        axis_label=axis_label,
        outcomes=outcome_series,
        session_pain=pain,
        walks=walks,
        six_minute_reference=_six_minute_reference(header),
        training=training,
        red_flags=red_flags,
        adverse_events=adverse,
        outcome_rows=rows,
        thresholds=thresholds,
        units=units,
    )


#: rows the outcome table shows even without any record, so a gap is visible
ALWAYS_TABLED = frozenset({"odi", "nprs_back", "nprs_leg"})


def _program_summary(
    program: Program | None,
    scheduled: Sequence[ScheduledSession],
    phases: Sequence[ProgramPhase],
    today: dt.date,
    x: Callable[[dt.date], float],
) -> ProgramSummary | None:
    if program is None:
        return None
    exercise = [s for s in scheduled if s.kind == "exercise"]
    first = min((s.scheduled_date for s in exercise), default=None)
    last = max((s.scheduled_date for s in scheduled), default=None)
    week = program_week(first, today)
    current = None if week is None or week == 0 else min(week, program.weeks)
    spans = tuple(
        PhaseSpan(
            code=ph.code,
            name=ph.name,
            start_week=ph.start_week,
            end_week=ph.end_week,
            start_date=ph.start_date,
            end_date=ph.end_date,
            x_start=x(ph.start_date),
            x_end=x(ph.end_date + dt.timedelta(days=1)),
        )
        for ph in phases
    )
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
        phases=spans,
        early_start_reason=program.early_start_reason,
    )


def _adherence(session: Session, program: Program | None, today: dt.date) -> Adherence:
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


def _outcome_series(
    rows: Iterable[OutcomeAssessment], x: Callable[[dt.date], float]
) -> tuple[OutcomeSeries, ...]:
    grouped: dict[str, list[OutcomeAssessment]] = defaultdict(list)
    for row in rows:
        grouped[row.instrument].append(row)
    result = []
    for code in QUESTIONNAIRES:
        info = MEASURES[code]
        unit = "%" if code == "odi" else "points"
        result.append(
            OutcomeSeries(
                measure=code,
                code=code,
                label=info.label,
                unit=unit,
                points=tuple(
                    OutcomePoint(r.assessed_on, x(r.assessed_on), float(r.score), r.timepoint)
                    for r in grouped.get(code, [])
                ),
            )
        )
    return tuple(result)


def _walk_series(
    rows: Iterable[WalkTest], x: Callable[[dt.date], float]
) -> tuple[OutcomeSeries, ...]:
    grouped: dict[str, list[WalkTest]] = defaultdict(list)
    for row in rows:
        grouped[row.test].append(row)
    result = []
    for code, (measure, label) in WALK_TESTS.items():
        unit = MEASURES[measure].unit
        result.append(
            OutcomeSeries(
                measure=measure,
                code=code,
                label=label,
                unit=unit,
                points=tuple(
                    OutcomePoint(r.performed_on, x(r.performed_on), float(r.value), r.timepoint)
                    for r in grouped.get(code, [])
                ),
            )
        )
    return tuple(result)


def _six_minute_reference(patient: PatientHeader) -> SixMinuteReference:
    missing = []
    if patient.sex not in ("male", "female"):
        missing.append("sex recorded as male or female")
    if patient.height_m is None:
        missing.append("height")
    if patient.weight_kg is None:
        missing.append("weight")
    if missing:
        return SixMinuteReference(
            None, None, "No predicted 6-minute walk distance: needs " + ", ".join(missing) + "."
        )
    assert patient.height_m is not None and patient.weight_kg is not None
    predicted, lln = six_minute_walk_predicted(
        patient.sex, max(patient.age_years, 1), patient.height_m * 100.0, patient.weight_kg
    )
    note = "Predicted distance and lower limit of normal: Enright & Sherrill 1998"
    if not 40 <= patient.age_years <= 80:
        note += " (derived in adults aged 40-80; extrapolated for this age)"
    return SixMinuteReference(round(predicted, 1), round(lln, 1), note + ".")


def _training(
    session: Session,
    logs: Sequence[SessionLog],
    scheduled: Sequence[ScheduledSession],
    program: ProgramSummary | None,
    program_row: Program | None,
) -> tuple[TrainingSeries, ...]:
    """Per exercise and program week (:func:`~rehab_tracker.domain.weeks.session_week`): the
    heaviest load lifted, or else the total volume.

    The sets are read as plain rows in one query (hundreds of them for 12 weeks): loading them
    as ORM objects was most of the time the chart view took to open.
    """
    if program is None or program.exercise_start is None or program_row is None:
        return ()
    start = program.exercise_start
    slot_weeks: dict[uuid.UUID | None, int] = {s.id: s.week for s in scheduled}
    weeks_of: dict[uuid.UUID, int] = {}
    for log in logs:
        if not log.attended or log.program_id != program_row.id:
            continue
        week = session_week(start, log.session_date, slot_weeks.get(log.scheduled_session_id))
        if week:  # None or 0: an unscheduled session before exercise session 1
            weeks_of[log.id] = week
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
        .where(ExerciseLog.session_id.in_(list(weeks_of)))
        .order_by(ExerciseLog.position, SetLog.set_number)
    ).all()
    loads: dict[str, dict[int, float]] = defaultdict(dict)
    volumes: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    names: dict[str, str] = {}
    units: dict[str, str] = {}
    order: dict[str, int] = {}
    for row in rows:
        week = weeks_of[row.session_id]
        code = row.code
        names[code] = row.name
        order.setdefault(code, len(order))
        if row.load_kg is not None and row.load_kg > 0:
            loads[code][week] = max(loads[code].get(week, 0.0), row.load_kg)
        amount, unit = _set_volume(row.dosage_type, row)
        if amount is not None:
            volumes[code][week] += amount
            units.setdefault(code, unit)
    result = []
    for code in sorted(order, key=order.__getitem__):
        if loads.get(code):
            weeks = sorted(loads[code])
            result.append(
                TrainingSeries(
                    code,
                    names[code],
                    "load",
                    "kg",
                    tuple(weeks),
                    tuple(loads[code][w] for w in weeks),
                )
            )
        elif volumes.get(code):
            weeks = sorted(volumes[code])
            result.append(
                TrainingSeries(
                    code,
                    names[code],
                    "volume",
                    units.get(code, "reps"),
                    tuple(weeks),
                    tuple(round(volumes[code][w], 1) for w in weeks),
                )
            )
    return tuple(result)


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


def _empty_row(
    code: str, measure: str, label: str, thresholds: Mapping[str, Threshold], units: str
) -> OutcomeRow:
    t = thresholds[measure]
    return OutcomeRow(
        measure=measure,
        code=code,
        label=label,
        unit="%" if code == "odi" else t.unit,
        direction=t.direction,
        baseline=None,
        baseline_on=None,
        latest=None,
        latest_on=None,
        change=None,
        percent_change=None,
        clinically_important=None,
        worsened=None,
        threshold=describe_threshold(t, units),
        threshold_source=t.source,
        sentence=f"No {label} recorded yet: change cannot be computed.",
        status="no_data",
    )


def _outcome_row(
    series: OutcomeSeries, thresholds: Mapping[str, Threshold], units: str = "metric"
) -> OutcomeRow:
    """Baseline and latest from :func:`rehab_tracker.domain.outcomes.baseline_and_latest` and
    the sentence from :func:`~rehab_tracker.domain.outcomes.interpret_change`, as the Outcomes
    tab (OutcomeService.changes) has them."""
    t = thresholds[series.measure]
    points = series.points
    pair = baseline_and_latest(points)
    if pair is not None:
        baseline, latest = pair
    else:
        only = baseline_of(points)
        assert only is not None  # callers pass a series with points
        baseline, latest = only, None
    odi = series.code == "odi"
    common: dict[str, Any] = {
        "measure": series.measure,
        "code": series.code,
        "label": series.label,
        "unit": series.unit,
        "direction": t.direction,
        "baseline": baseline.value,
        "baseline_on": baseline.on,
        "threshold": describe_threshold(t, units),  # "30 m" or "98 ft"; t stays in SI
        "threshold_source": t.source,
        "band_baseline": odi_band(baseline.value) if odi else None,
        "target": important_change_target(t, baseline.value),
    }
    if latest is None:
        return OutcomeRow(
            **common,
            latest=None,
            latest_on=None,
            change=None,
            percent_change=None,
            clinically_important=None,
            worsened=None,
            sentence="No follow-up yet: change cannot be computed.",
            status="no_follow_up",
        )
    interp = interpret_change(series.code, baseline.value, latest.value, thresholds, units=units)
    return OutcomeRow(
        **common,
        latest=latest.value,
        latest_on=latest.on,
        change=interp.change,
        percent_change=interp.percent_change,
        clinically_important=interp.reached,
        worsened=interp.worsened_by_threshold,
        sentence=interp.sentence,
        status="change",
        band_latest=odi_band(latest.value) if odi else None,
    )
