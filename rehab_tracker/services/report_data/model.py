"""The report model: what a progress report or the chart view shows, as frozen dataclasses.

:class:`ReportData` holds the patient header, surgery, program with phases, adherence per week,
outcome and walking-test series on the report's time axis, session pain, the 6-minute walk
reference, training series, red flags and adverse events, and the outcome table. The readers of
this package (one per section) build it; ``charts/`` and ``reports/`` draw and print it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rehab_tracker.domain.phases import PhaseOutline
from rehab_tracker.domain.program_status import StatusDetails
from rehab_tracker.domain.thresholds import Threshold
from rehab_tracker.services.outcomes.summary import MeasureNotes


@dataclass(frozen=True)
class ClinicHeader:
    name: str
    address: str | None
    phone: str | None
    #: the clinic's logo (PNG or JPEG bytes) for the report header
    logo: bytes | None = None
    #: the clinician who signs the report and their registration number (clinic settings)
    signer: str | None = None
    signer_registration: str | None = None


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
class PhaseSpan(PhaseOutline):
    """A program phase on the time axis: its outline, and where it starts and ends on the axis
    (``x_start``, ``x_end``; see ReportData.axis_label)."""

    x_start: float
    x_end: float


@dataclass(frozen=True)
class ProgramSummary(StatusDetails):
    """The report's program: its outline, and its pause and end (:class:`StatusDetails`)."""

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
    #: the patient's age lies outside the ages the equations were derived at (40-80)
    extrapolated: bool = False


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
    """A positive screen in the period, what followed it and whether it is cleared."""

    on: dt.date
    items: tuple[str, ...]  # plain labels of the positive answers (earlier questions say so)
    acknowledged: bool  # cleared: a clearance is recorded
    action: str | None = None  # "emergency" / "urgent" (domain.redflags.ACTIONS)
    advice: str | None = None
    referred_to: str | None = None  # domain.redflags.REFERRALS code
    referral_details: str | None = None
    cleared_by: str | None = None
    cleared_on: dt.date | None = None
    clearance_note: str | None = None


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
    #: the change and its percentage as the sentence shows them ("-12", "-30"; feet when
    #: imperial), and the rule the change met ("absolute", "relative"; None: below)
    shown_change: str | None = None
    shown_percent: str | None = None
    rule: str | None = None
    #: the name ``sentence`` opens with when it is a change sentence ("Back pain", "TUG time")
    noun: str | None = None


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
    #: each PSFS activity's change, the Global Rating of Change, the neurological screen
    measure_notes: MeasureNotes = field(default_factory=MeasureNotes)

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


#: a date -> its place on the report's time axis (weeks from ``ReportData.axis_origin``)
ToAxis = Callable[[dt.date], float]
