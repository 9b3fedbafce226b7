"""Laying a program out in dates: the start suggested after surgery, and the concrete calendar.

:func:`plan_schedule` turns a parsed template (:mod:`rehab_tracker.domain.template`), an
intensity and dates into the education session, the numbered exercise sessions, the phases'
dates and the assessment dates. Pure: no clock (``today`` is passed in), no I/O.

Program weeks count from the first exercise session: week 1 is the seven days starting that day.
With three distinct training weekdays every such week holds exactly three sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Final

from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_int
from rehab_tracker.domain.template import ProgramTemplate, phase_for_week
from rehab_tracker.domain.weeks import program_week

DEFAULT_WEEKDAYS: Final = (0, 2, 4)  # Monday, Wednesday, Friday
WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
#: the Today view lists the sessions missed or never logged of this many days before today (a
#: clinic default: two weeks are six visits of a three-a-week program, enough to catch up on
#: without swamping a clinic's day; older ones stay on each patient's Sessions tab and in the
#: adherence)
MISSED_WINDOW_DAYS: Final = 14


def short_day(day: date) -> str:
    """A day as a session is named on screen, e.g. "Thu 3 Dec" (English whatever the
    workstation's locale, as the rest of the app)."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def suggest_start_date(surgery_date: date | None, today: date, *, weeks_after: int = 4) -> date:
    """Suggested program start (the education day): the first Monday at or after
    ``surgery_date + weeks_after`` weeks, and not before ``today``.

    Without a surgery date (conservative pathway) it is the first Monday at or after today.
    """
    earliest = (
        today if surgery_date is None else max(surgery_date + timedelta(weeks=weeks_after), today)
    )
    return earliest + timedelta(days=(7 - earliest.weekday()) % 7)


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One planned visit: the education session (number 0, week 0) or exercise session 1..N."""

    number: int
    date: date
    week: int
    kind: str  # "education" or "exercise"
    phase_code: str | None


@dataclass(frozen=True, slots=True)
class PlannedPhase:
    code: str
    name: str
    first_week: int
    last_week: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class PlannedAssessment:
    """An assessment with the date it is due and the window in which it counts as on time."""

    code: str
    name: str
    week: int
    due: date
    window_start: date
    window_end: date


@dataclass(frozen=True, slots=True)
class PlannedProgram:
    template_code: str
    template_version: int
    intensity: str
    surgery_date: date | None
    start_date: date
    weekdays: tuple[int, ...]
    education: PlannedSession | None
    sessions: tuple[PlannedSession, ...]
    phases: tuple[PlannedPhase, ...]
    assessments: tuple[PlannedAssessment, ...]
    warnings: tuple[str, ...]
    early_start_reason: str | None

    @property
    def exercise_start(self) -> date:
        return self.sessions[0].date

    @property
    def end_date(self) -> date:
        return self.sessions[-1].date

    def week_on(self, day: date) -> int:
        """Program week of ``day``: 0 before the first exercise session, then 1, 2, ..."""
        week = program_week(self.exercise_start, day)
        assert week is not None
        return week


def _weekday_text(weekdays: Sequence[int]) -> str:
    return "/".join(WEEKDAY_NAMES[d] for d in sorted(weekdays))


def plan_schedule(
    template: ProgramTemplate,
    intensity: str,
    surgery_date: date | None,
    start_date: date,
    *,
    today: date,
    early_start_reason: str | None = None,
    weekdays: Sequence[int] = DEFAULT_WEEKDAYS,
) -> PlannedProgram:
    """Lay the program out in dates.

    ``start_date`` is the program start: the education session's day (when the template has
    one). Exercise session 1 is the first training weekday at least
    ``exercise_start_days_min`` days later (a warning says so when the weekdays push it past
    ``exercise_start_days_max``). Then ``sessions_per_week`` sessions a week on ``weekdays`` for
    ``weeks`` weeks.

    Rules (after surgery): ``start_date`` must not be before the surgery; starting earlier than
    ``start_weeks_min`` weeks after surgery is refused (field ``start_date``) unless
    ``early_start_reason`` gives a reason, which the plan then records; starting later than
    ``start_weeks_max`` weeks is allowed with a warning. The conservative pathway
    (``surgery_date`` None) has no such rule.
    """
    col = Collector()
    days = tuple(weekdays)
    _check_intensity_and_days(template, intensity, days, col)
    warnings: list[str] = []
    recorded_reason = _check_start(
        template, surgery_date, start_date, today, early_start_reason, col, warnings
    )
    col.raise_if_any()

    education, first = _first_visits(template, start_date, days, warnings)
    sessions = _exercise_sessions(template, first, days)
    if start_date < today:
        warnings.append(
            f"The program start {start_date.isoformat()} is in the past; earlier sessions are "
            "planned as if they had been scheduled then."
        )
    return PlannedProgram(
        template_code=template.code,
        template_version=template.version,
        intensity=intensity,
        surgery_date=surgery_date,
        start_date=start_date,
        weekdays=tuple(sorted(days)),
        education=education,
        sessions=sessions,
        phases=_planned_phases(template, sessions),
        assessments=_planned_assessments(template, start_date, first, sessions),
        warnings=tuple(warnings),
        early_start_reason=recorded_reason,
    )


def _check_intensity_and_days(
    template: ProgramTemplate, intensity: str, days: tuple[int, ...], col: Collector
) -> None:
    """The intensity must be one of the template's variants, the weekdays distinct and as many
    as the template's sessions a week."""
    if intensity not in template.variant_codes:
        col.add(
            "intensity",
            f"Intensity must be one of {', '.join(template.variant_codes)} (got {intensity!r}).",
        )
    if (
        len(set(days)) != len(days)
        or len(days) != template.sessions_per_week
        or not all(is_int(d) and 0 <= d <= 6 for d in days)
    ):
        col.add(
            "weekdays",
            f"Choose {template.sessions_per_week} different training weekdays "
            "(0 = Monday ... 6 = Sunday).",
        )


def _check_start(
    template: ProgramTemplate,
    surgery_date: date | None,
    start_date: date,
    today: date,
    early_start_reason: str | None,
    col: Collector,
    warnings: list[str],
) -> str | None:
    """The start's rules after surgery (see :func:`plan_schedule`); returns the early-start
    reason to record, None when the start is not early (or there is no surgery)."""
    if surgery_date is None:
        return None
    reason = early_start_reason.strip() if early_start_reason else ""
    earliest = surgery_date + timedelta(weeks=template.start_weeks_min)
    latest = surgery_date + timedelta(weeks=template.start_weeks_max)
    if surgery_date > today:
        warnings.append(
            f"The surgery date {surgery_date.isoformat()} is after today; the plan assumes "
            "the surgery goes ahead on that day."
        )
    if start_date < surgery_date:
        col.add("start_date", "The program cannot start before the surgery date.")
    elif start_date < earliest:
        if reason:
            return reason
        col.add(
            "start_date",
            f"The program starts {(start_date - surgery_date).days} days after surgery, "
            f"before the usual {template.start_weeks_min} weeks "
            f"(earliest {earliest.isoformat()}). Give a reason to start early.",
        )
    elif start_date > latest:
        warnings.append(
            f"The program starts {(start_date - surgery_date).days} days after surgery, later "
            f"than the usual {template.start_weeks_min}-{template.start_weeks_max} weeks."
        )
    return None


def _first_visits(
    template: ProgramTemplate, start_date: date, days: tuple[int, ...], warnings: list[str]
) -> tuple[PlannedSession | None, date]:
    """The education session (when the template has one) and the first exercise day: the
    first training weekday at least ``exercise_start_days_min`` days after the start."""
    education: PlannedSession | None = None
    if template.education_session:
        education = PlannedSession(0, start_date, 0, "education", None)
        first = start_date + timedelta(days=template.exercise_start_days_min)
    else:
        first = start_date
    while first.weekday() not in days:
        first += timedelta(days=1)
    gap = (first - start_date).days
    if education is not None and gap > template.exercise_start_days_max:
        warnings.append(
            f"With training on {_weekday_text(days)} the first exercise session is {gap} days "
            f"after the education session (usual: {template.exercise_start_days_min}-"
            f"{template.exercise_start_days_max} days)."
        )
    return education, first


def _exercise_sessions(
    template: ProgramTemplate, first: date, days: tuple[int, ...]
) -> tuple[PlannedSession, ...]:
    """The numbered exercise sessions: the training weekdays of each program week."""
    sessions: list[PlannedSession] = []
    for week in range(1, template.weeks + 1):
        week_start = first + timedelta(weeks=week - 1)
        phase_code = phase_for_week(template, week).code
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            if day.weekday() in days:
                sessions.append(
                    PlannedSession(len(sessions) + 1, day, week, "exercise", phase_code)
                )
    return tuple(sessions)


def _planned_phases(
    template: ProgramTemplate, sessions: Sequence[PlannedSession]
) -> tuple[PlannedPhase, ...]:
    """Each phase from its first week's first session to its last week's last session."""
    return tuple(
        PlannedPhase(
            code=p.code,
            name=p.name,
            first_week=p.first_week,
            last_week=p.last_week,
            start=min(s.date for s in sessions if s.week == p.first_week),
            end=max(s.date for s in sessions if s.week == p.last_week),
        )
        for p in template.phases
    )


def _planned_assessments(
    template: ProgramTemplate, start_date: date, first: date, sessions: Sequence[PlannedSession]
) -> tuple[PlannedAssessment, ...]:
    """Each assessment due on the last session of its week (the baseline on the start day),
    with the window in which it counts as on time."""
    assessments: list[PlannedAssessment] = []
    for a in template.assessments:
        if a.week == 0:
            due, window_start, window_end = start_date, start_date, first
        else:
            in_week = [s.date for s in sessions if s.week == a.week]
            due = max(in_week)
            window_start = first + timedelta(weeks=a.week - 1)
            window_end = window_start + timedelta(days=6)
            if a.week == template.weeks:
                window_end += timedelta(days=7)  # an end-of-program test may follow the last visit
        assessments.append(PlannedAssessment(a.code, a.name, a.week, due, window_start, window_end))
    return tuple(assessments)


def pause_shift_days(first_remaining: date | None, resume_on: date) -> int:
    """How many days a pause moves the program's remaining schedule.

    ``first_remaining`` is the first session not logged yet on or after the pause's first day
    (None: nothing is left to move). The remaining sessions, phases and assessments move by the
    pause's length rounded up to whole weeks (clinic default): every session keeps its training
    weekday, and the first remaining one falls on or after ``resume_on``. Nothing moves when it
    already does (a pause between two sessions).
    """
    if first_remaining is None or first_remaining >= resume_on:
        return 0
    weeks = -(-(resume_on - first_remaining).days // 7)  # ceiling division
    return weeks * 7


def moved_by_pause(day: date, paused_on: date, shift_days: int) -> date:
    """``day`` after a pause from ``paused_on`` that moved the schedule ``shift_days`` days:
    dates from the pause's first day on move, earlier ones stay."""
    return day + timedelta(days=shift_days) if day >= paused_on else day


def missed_window(today: date) -> tuple[date, date]:
    """The first and the last day whose sessions not logged the Today view lists as missed:
    the :data:`MISSED_WINDOW_DAYS` days before ``today`` (today's sessions are not missed until
    the day is over). Near the first representable day the window is cut short (empty on that
    day itself: its first day after its last), never an OverflowError."""
    if today == date.min:
        return date.min + timedelta(days=1), date.min
    first = max(date.min, today - timedelta(days=min(MISSED_WINDOW_DAYS, (today - date.min).days)))
    return first, today - timedelta(days=1)


def check_appointment(
    day: date | None,
    at: time | None,
    *,
    today: date,
    surgery_date: date | None,
    same_day: str | None = None,
    same_day_logged: bool = False,
) -> dict[str, str]:
    """What is wrong with booking a scheduled session on ``day`` at ``at`` (field -> message;
    empty: nothing). Clinic default rules: a date and a time are given, the day is today or
    later and not before the patient's surgery, and no other session of the same program is on
    that day (``same_day``: that session's name, when there is one; ``same_day_logged``: it is
    on that day because it was logged then). A session is on the day it was logged, whatever
    its planned date: a session logged ahead or late leaves its own day free."""
    col = Collector()
    if day is None:
        col.add("date", "Give the date of the session.")
    elif day < today:
        col.add("date", f"A session is booked for today ({today.isoformat()}) or later.")
    elif surgery_date is not None and day < surgery_date:
        col.add("date", f"The date is before the surgery ({surgery_date.isoformat()}).")
    elif same_day is not None:
        col.add(
            "date",
            f"{same_day} of this program was logged on {day.isoformat()}."
            if same_day_logged
            else f"{same_day} of this program is already on {day.isoformat()}.",
        )
    if at is None:
        col.add("time", "Give the time of the session (hh:mm).")
    return col.errors
