"""Rules for session logs and walking tests (pure: no clock, no I/O; pass ``today`` in).

* A session entry is checked field by field (:func:`validate_session`); every problem comes back at
  once as a :class:`~rehab_tracker.domain.errors.ValidationError` keyed by the form's field names
  (``pain_back_before``, ``exercises.2.sets.1.reps``, ``adverse_events.0.description``...).
* Adherence = attended / planned, per program week and overall (:func:`compute_adherence`).
  A slot is planned (due) once its date has passed, or once it was logged (early logging is
  allowed): a session scheduled for today is not missed until it is over. Only a live (not
  deleted), finished log dated up to today counts (:func:`log_is_counted`). It is attended when
  that log is final and says the patient attended. Aborted (red-flag) and missed
  sessions count as planned, not attended. The rate is therefore always between 0 and 1.
  Screens, the patient overview and reports all call this one function.
* Each exercise of a session is explicitly one of :data:`EXERCISE_STATUSES` (issue 11 item 2):
  "not recorded" (the default: nothing was said about it, so it is not stored and never counts
  as done), "done as prescribed", "changed" (values differ from the prescribed ones) or "not
  done". Only done and changed exercises are performances (:data:`PERFORMED`); an attended
  session with exercises needs at least one of them recorded (:data:`NOTHING_RECORDED`).
* Walking and mobility tests have plausible ranges (:data:`WALK_LIMITS`): a value outside them is
  a typing slip (a 5-minute walk over 1,000 m would be a running pace), refused at the field.
* The 6-minute walk follows the ATS 2002 worksheet: a lap is out and back to the start line
  (60 m on the 30 m course), so distance = laps x 2 x course length + the final partial lap.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from rehab_tracker.domain import bounds
from rehab_tracker.domain.dosage import LIMITS, Dosage
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_int, is_number
from rehab_tracker.domain.performance import (
    PERFORMANCE_LABELS,
    PERFORMANCE_TESTS,
    SORENSEN,
    SORENSEN_MAX_S,
    STS_5X,
)
from rehab_tracker.domain.units import format_number, metres_to_feet

Severity = Literal["mild", "moderate", "severe", "serious"]
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe", "serious")
LOCATIONS: tuple[str, ...] = ("clinic", "home")
#: how each location reads on screen and in print (the stored value is the code)
LOCATION_LABELS: dict[str, str] = {"clinic": "Clinic", "home": "Home"}
PAIN_FIELDS: tuple[str, ...] = (
    "pain_back_before",
    "pain_back_after",
    "pain_leg_before",
    "pain_leg_after",
)
PAIN_MESSAGE = "Pain must be a whole number from 0 to 10."
LOCATION_MESSAGE = "Location must be Clinic or Home."
EFFORT_MESSAGE = "Effort must be a whole number from 0 to 10."

#: a logged set's values run from 0 to the dose's maxima (domain.dosage.LIMITS); values beyond
#: them are typing slips, not performances. Keyed by SetEntry field.
SET_MAXIMA: dict[str, float] = {
    "reps": LIMITS["reps_max"].maximum,
    "hold_seconds": LIMITS["hold_seconds"].maximum,
    "load_kg": LIMITS["load_kg"].maximum,
    "distance_m": LIMITS["distance_m"].maximum,
    "duration_s": LIMITS["duration_s"].maximum,
}


def location_label(code: str) -> str:
    """A location's label ("Clinic"); an unknown code reads as it is stored."""
    return LOCATION_LABELS.get(code, code)


def check_score(
    value: object,
    field_name: str,
    errors: Collector,
    *,
    low: int = 0,
    high: int = 10,
    message: str = PAIN_MESSAGE,
) -> None:
    """A whole-number 0-10 (by default) score, or None (not recorded)."""
    if value is None:
        return
    if not is_int(value) or not low <= value <= high:
        errors.add(field_name, message)


def check_date(
    value: dt.date | None,
    field_name: str,
    errors: Collector,
    *,
    today: dt.date,
    surgery_date: dt.date | None,
    what: str = "The date",
    date_of_birth: dt.date | None = None,
) -> None:
    """Required; not in the future; not before the surgery (when there is one); not before
    the patient's birth nor 1900 (:func:`rehab_tracker.domain.bounds.check_past_date`)."""
    if value is None:
        errors.add(field_name, f"{what} is required.")
        return
    if value > today:
        errors.add(field_name, f"{what} cannot be in the future (today is {today.isoformat()}).")
    elif surgery_date is not None and value < surgery_date:
        errors.add(
            field_name,
            f"{what} cannot be before the surgery ({surgery_date.isoformat()}).",
        )
    else:
        bounds.check_past_date(errors, field_name, value, date_of_birth=date_of_birth, what=what)


# ------------------------------------------------------------------------------ session entry


#: what a set as performed records, in :class:`SetEntry` order (a stored set row has the same
#: columns)
SET_FIELDS: tuple[str, ...] = (
    "reps",
    "hold_seconds",
    "load_kg",
    "distance_m",
    "duration_s",
    "effort",
)


@dataclass(frozen=True)
class SetEntry:
    """One set as performed (SI units; None = not recorded): the one record of a logged set, as
    the session form holds it and (checked on construction) as the progression engine judges it
    (:class:`~rehab_tracker.domain.progression.LoggedSet`)."""

    reps: int | None = None
    hold_seconds: float | None = None
    load_kg: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    effort: int | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in set_values(self).values())


def set_values(logged: object) -> dict[str, Any]:
    """The :data:`SET_FIELDS` of a logged set (an entry, or a stored set row) by name: the one
    mapping between a set row and a set entry, both ways."""
    return {name: getattr(logged, name) for name in SET_FIELDS}


#: what is known of one exercise of a session, in the form's order
EXERCISE_STATUSES: tuple[str, ...] = ("not_recorded", "done", "changed", "not_done")
EXERCISE_STATUS_LABELS: dict[str, str] = {
    "not_recorded": "Not recorded",
    "done": "Done as prescribed",
    "changed": "Changed",
    "not_done": "Not done",
}
#: the statuses of an exercise that was performed: its sets are stored and the progression
#: engine judges them
PERFORMED: tuple[str, ...] = ("done", "changed")
#: the statuses stored with a session log ("not recorded" is not stored at all)
STORED: tuple[str, ...] = (*PERFORMED, "not_done")
NOTHING_RECORDED = (
    "No exercise is recorded for this attended session: mark each exercise done as prescribed, "
    "changed or not done (All done as prescribed, Ctrl+D, marks the ones not recorded yet)."
)


@dataclass(frozen=True)
class ExerciseEntry:
    """What was done of one exercise; ``prescription_id`` None for an extra exercise.

    ``status`` is one of :data:`EXERCISE_STATUSES`; ``planned`` are the sets "done as
    prescribed" stands for (the prescription, or the progression suggestion the form was
    prefilled with); ``sets`` what was done (for a new log: prefilled with ``planned``)."""

    exercise_id: uuid.UUID
    name: str
    dosage_type: str
    prescription_id: uuid.UUID | None = None
    prescribed: str = ""
    suggestion: str = ""
    sets: tuple[SetEntry, ...] = ()
    notes: str = ""
    status: str = "not_recorded"
    planned: tuple[SetEntry, ...] = ()

    @property
    def performed(self) -> bool:
        """Done as prescribed or changed: its sets are a performance."""
        return self.status in PERFORMED


def planned_sets(dosage: Dosage) -> tuple[SetEntry, ...]:
    """The sets "done as prescribed" means for ``dosage``: each at the top of the rep range (the
    target a progression judges), with the hold, load, distance or time prescribed."""
    reps = dosage.reps_max if dosage.reps_max is not None else dosage.reps_min
    return tuple(
        SetEntry(
            reps=reps if dosage.dosage_type in ("reps", "hold") else None,
            hold_seconds=dosage.hold_seconds,
            load_kg=dosage.load_kg or None,
            distance_m=dosage.distance_m,
            duration_s=dosage.duration_s,
        )
        for _ in range(dosage.sets)
    )


def _dose_of(sets: Sequence[SetEntry]) -> list[dict[str, Any]]:
    """The dose values of ``sets``, effort aside, empty sets left out."""
    return [
        {k: v for k, v in set_values(s).items() if k != "effort"} for s in sets if not s.empty
    ]


def status_of_sets(planned: Sequence[SetEntry], sets: Sequence[SetEntry]) -> str:
    """The status of an exercise whose values were typed: "done" when its sets hold the planned
    dose (the effort typed beside it changes nothing: the effort is not prescribed), "changed"
    otherwise (a set, rep, hold, load, distance or time differs, or was added or left out)."""
    return "done" if planned and _dose_of(sets) == _dose_of(planned) else "changed"


def mark_all_done(entry: SessionEntry) -> SessionEntry:
    """The "All done as prescribed" action: every exercise not recorded yet is done as
    prescribed (its planned sets); the others stay as they are."""
    exercises = tuple(
        replace(e, status="done", sets=e.planned or e.sets) if e.status == "not_recorded" else e
        for e in entry.exercises
    )
    return replace(entry, exercises=exercises)


@dataclass(frozen=True)
class AdverseEventEntry:
    description: str
    severity: str = "mild"
    action_taken: str = ""


@dataclass(frozen=True)
class SessionEntry:
    """A session as typed in the form (a red-flag screen is recorded separately)."""

    session_date: dt.date | None
    location: str = "clinic"
    attended: bool = True
    missed_reason: str = ""
    pain_back_before: int | None = None
    pain_back_after: int | None = None
    pain_leg_before: int | None = None
    pain_leg_after: int | None = None
    exercises: tuple[ExerciseEntry, ...] = ()
    adverse_events: tuple[AdverseEventEntry, ...] = ()
    notes: str = ""
    red_flags: dict[str, bool] = field(default_factory=dict)


def set_errors(entry: SetEntry, prefix: str, errors: Collector) -> None:
    """Check one set; fields are ``<prefix>.reps`` etc."""
    max_reps = SET_MAXIMA["reps"]
    if entry.reps is not None and (not is_int(entry.reps) or not 0 <= entry.reps <= max_reps):
        errors.add(
            f"{prefix}.reps", f"Reps must be a whole number from 0 to {format_number(max_reps)}."
        )
    limits = (
        ("hold_seconds", "Hold must be 0 to {} seconds."),
        ("load_kg", "Load must be 0 to {} kg."),
        ("distance_m", "Distance must be 0 to {} m."),
        ("duration_s", "Time must be 0 to {} seconds."),
    )
    for name, message in limits:
        value = getattr(entry, name)
        high = SET_MAXIMA[name]
        if value is not None and (not is_number(value) or not 0 <= value <= high):
            errors.add(f"{prefix}.{name}", message.format(format_number(high)))
    check_score(entry.effort, f"{prefix}.effort", errors, message=EFFORT_MESSAGE)


def validate_session(
    entry: SessionEntry,
    *,
    today: dt.date,
    surgery_date: dt.date | None,
    date_of_birth: dt.date | None = None,
) -> None:
    """Raise ValidationError listing every field the rules refuse."""
    errors = Collector()
    check_date(
        entry.session_date,
        "session_date",
        errors,
        today=today,
        surgery_date=surgery_date,
        what="The session date",
        date_of_birth=date_of_birth,
    )
    check_session_texts(entry, errors)
    errors.check(entry.location in LOCATIONS, "location", LOCATION_MESSAGE)
    if not entry.attended:
        errors.check(
            bool(entry.missed_reason.strip()),
            "missed_reason",
            "Say why the session was missed (for example: ill, transport, forgot).",
        )
    for name in PAIN_FIELDS:
        check_score(getattr(entry, name), name, errors)
    exercise_errors(entry, errors)
    for i, event in enumerate(entry.adverse_events):
        errors.check(
            bool(event.description.strip()),
            f"adverse_events.{i}.description",
            "Describe the adverse event.",
        )
        errors.check(
            event.severity in SEVERITIES,
            f"adverse_events.{i}.severity",
            f"Severity must be one of: {', '.join(SEVERITIES)}.",
        )
    errors.raise_if_any()


def check_session_texts(entry: SessionEntry, errors: Collector) -> None:
    """The session's free texts hold what their columns hold (multi-line, no control
    characters: :mod:`rehab_tracker.domain.bounds`)."""
    bounds.check_notes(errors, "missed_reason", entry.missed_reason)
    bounds.check_notes(errors, "notes", entry.notes)
    for i, exercise in enumerate(entry.exercises):
        bounds.check_notes(errors, f"exercises.{i}.notes", exercise.notes)
    for i, event in enumerate(entry.adverse_events):
        bounds.check_notes(errors, f"adverse_events.{i}.description", event.description)
        bounds.check_notes(errors, f"adverse_events.{i}.action_taken", event.action_taken)


def exercise_errors(entry: SessionEntry, errors: Collector) -> None:
    """Each exercise: a known status; a performed one with its sets (each checked); an attended
    session with exercises has at least one recorded (``exercises``)."""
    for i, exercise in enumerate(entry.exercises):
        if exercise.status not in EXERCISE_STATUSES:
            errors.add(f"exercises.{i}", f"{exercise.name}: unknown status {exercise.status!r}.")
        elif exercise.performed and all(s.empty for s in exercise.sets):
            errors.add(
                f"exercises.{i}", f"Enter the sets done of {exercise.name}, or mark it Not done."
            )
        if exercise.performed:
            for j, logged in enumerate(exercise.sets):
                set_errors(logged, f"exercises.{i}.sets.{j}", errors)
    if entry.attended and entry.exercises:
        errors.check(
            any(e.status != "not_recorded" for e in entry.exercises), "exercises", NOTHING_RECORDED
        )


# ---------------------------------------------------------------------------------- adherence


def log_is_counted(status: str | None, session_date: dt.date, today: dt.date) -> bool:
    """Whether a live (not deleted) session log is a record of its session on ``today``: a
    finished log (``final``, or ``aborted`` by a red-flag stop; never a ``draft``) dated on or
    before ``today``. A deleted log is no log; a log that is not counted leaves its slot open."""
    return status in ("final", "aborted") and session_date <= today


def log_counts_as_attended(status: str | None, attended: bool | None) -> bool:
    """Whether a live (not deleted) session log counts as attended: a final log that says the
    patient attended. An aborted (red-flag stop) or missed session does not."""
    return status == "final" and bool(attended)


@dataclass(slots=True)
class SlotStatus:
    """One scheduled exercise session: ``logged`` when a live (not deleted) log exists for it,
    ``attended`` when that log counts as attended (:func:`log_counts_as_attended`)."""

    week: int
    scheduled_date: dt.date
    logged: bool = False
    attended: bool = False


class _Attendance:
    """What follows from ``planned`` (slots due so far) and ``attended`` (of them), for a week
    and for the whole program alike."""

    planned: int
    attended: int

    @property
    def missed(self) -> int:
        """Due and not attended: recorded as missed or aborted, or past and never logged."""
        return self.planned - self.attended

    @property
    def rate(self) -> float | None:
        """attended / planned, None while nothing is due."""
        return None if self.planned == 0 else self.attended / self.planned


@dataclass(frozen=True)
class WeekAdherence(_Attendance):
    """One program week: ``planned`` = slots due so far, ``attended`` of them; ``start_date``
    is the week's first scheduled session (None when not known)."""

    week: int
    planned: int
    attended: int
    start_date: dt.date | None = None


@dataclass(frozen=True)
class Adherence(_Attendance):
    """Attended / planned so far, overall and per program week (weeks with nothing due yet are
    left out). ``scheduled`` counts every exercise slot of the program; ``extra_sessions`` the
    attended sessions logged without a slot (reported beside the rate, never in it)."""

    planned: int
    attended: int
    weeks: tuple[WeekAdherence, ...]
    scheduled: int = 0
    extra_sessions: int = 0

    def describe(self) -> str:
        if self.planned == 0:
            return "Adherence: no sessions planned yet."
        rate = self.rate or 0.0
        return (
            f"Adherence: {self.attended} of {self.planned} planned sessions attended "
            f"({format_number(rate * 100, 0)}%)."
        )


def slot_is_due(slot: SlotStatus, today: dt.date) -> bool:
    """A slot is due when its date is before today, or once it has been logged (early logging is
    allowed): a session scheduled for today is not missed until the day is over."""
    return slot.scheduled_date < today or slot.logged


def compute_adherence(
    slots: Iterable[SlotStatus],
    today: dt.date,
    *,
    extra_attended: Iterable[bool] = (),
) -> Adherence:
    """THE adherence rule (screens, overview and reports all use it).

    ``slots``: the program's scheduled exercise sessions. Planned = due slots
    (:func:`slot_is_due`); attended = due slots whose live log counts as attended. Per program
    week and overall. ``extra_attended``: one flag per unscheduled session log (True when it
    counts as attended); the attended ones are counted in ``extra_sessions``, outside the rate.
    """
    per_week: dict[int, list[int]] = {}
    starts: dict[int, dt.date] = {}
    scheduled = 0
    for slot in slots:
        scheduled += 1
        start = starts.get(slot.week)
        if start is None or slot.scheduled_date < start:
            starts[slot.week] = slot.scheduled_date
        if not slot_is_due(slot, today):
            continue
        counts = per_week.setdefault(slot.week, [0, 0])
        counts[0] += 1
        if slot.attended:
            counts[1] += 1
    weeks = tuple(
        WeekAdherence(w, c[0], c[1], starts.get(w)) for w, c in sorted(per_week.items())
    )
    return Adherence(
        planned=sum(w.planned for w in weeks),
        attended=sum(w.attended for w in weeks),
        weeks=weeks,
        scheduled=scheduled,
        extra_sessions=sum(1 for flag in extra_attended if flag),
    )


# ------------------------------------------------------------------------------ walking tests

WALK_TESTS: tuple[str, ...] = (
    "walk_5min",
    "walk_6min",
    "walk_50ft_preferred",
    "walk_50ft_fastest",
    "tug",
    # the USC trial's performance tests (domain.performance), timed in seconds
    *PERFORMANCE_TESTS,
)
WALK_TEST_LABELS: dict[str, str] = {
    "walk_5min": "5-minute walk",
    "walk_6min": "6-minute walk",
    "walk_50ft_preferred": "50-foot walk, preferred speed",
    "walk_50ft_fastest": "50-foot walk, fastest speed",
    "tug": "Timed Up and Go",
    **PERFORMANCE_LABELS,
}
#: the threshold (domain.thresholds) each test's change is judged against
WALK_THRESHOLD_KEY: dict[str, str] = {
    "walk_5min": "walk_5min",
    "walk_6min": "walk_6min",
    "walk_50ft_preferred": "walk_50ft",
    "walk_50ft_fastest": "walk_50ft",
    "tug": "tug",
    **{code: code for code in PERFORMANCE_TESTS},
}


@dataclass(frozen=True)
class WalkLimit:
    """Plausible range (exclusive low, inclusive high) in SI; ``unit`` "m" or "s"."""

    low: float
    high: float
    unit: str


WALK_LIMITS: dict[str, WalkLimit] = {
    # a brisk healthy walk covers about 500-600 m in 5 minutes; 1,000 m would be running
    "walk_5min": WalkLimit(0.0, 1000.0, "m"),
    # healthy adults rarely exceed 800 m (Enright-Sherrill); 1,200 m leaves ample room
    "walk_6min": WalkLimit(0.0, 1200.0, "m"),
    # 50 ft (15.24 m): under 2 s is a sprint; 120 s is the slowest plausible timed walk
    "walk_50ft_preferred": WalkLimit(2.0, 120.0, "s"),
    "walk_50ft_fastest": WalkLimit(2.0, 120.0, "s"),
    # TUG: healthy adults take 7-10 s; under 3 s is impossible, over 180 s not a TUG any more
    "tug": WalkLimit(3.0, 180.0, "s"),
    # five sit-to-stands: under 2 s is not a full stand; over 120 s is not a timed test any more
    STS_5X: WalkLimit(2.0, 120.0, "s"),
    # a hold of 0 s (cannot take the position) up to the clinic-default maximum
    SORENSEN: WalkLimit(0.0, SORENSEN_MAX_S, "s"),
}


def _distance_text(metres: float, units: str) -> str:
    if units == "imperial":
        return f"{format_number(metres_to_feet(metres), 0)} ft"
    return f"{format_number(metres, 0)} m"


def walk_value_error(test: str, value: float | None, units: str = "metric") -> str | None:
    """The message for an implausible value (SI), or None when it is fine."""
    if test not in WALK_LIMITS:
        return f"Unknown test {test!r}."
    limit = WALK_LIMITS[test]
    label = WALK_TEST_LABELS[test]
    if limit.unit == "m":
        allowed = f"more than 0 and at most {_distance_text(limit.high, units)}"
        what = "distance"
    else:
        allowed = f"between {format_number(limit.low)} and {format_number(limit.high)} seconds"
        what = "time"
    if value is None:
        return f"Enter the {label} {what}: {allowed}."
    if not is_number(value):
        return f"The {label} {what} must be {allowed}."
    low_ok = value > limit.low if limit.unit == "m" else value >= limit.low
    if not low_ok or value > limit.high:
        return f"The {label} {what} must be {allowed}."
    return None


# ---------------------------------------------------------------------------- 6-minute walk

MIN_COURSE_M = 10.0
MAX_COURSE_M = 100.0
MAX_LAPS = 150
MAX_RESTS = 30


@dataclass(frozen=True)
class SixMinuteWalkEntry:
    """A 6-minute walk test as recorded (SI). Distance is computed from laps."""

    course_length_m: float | None = 30.0
    laps: int | None = None
    partial_lap_m: float | None = 0.0
    rests: int | None = 0
    stop_reason: str = ""
    effort_before: int | None = None
    effort_after: int | None = None
    breathlessness_before: int | None = None
    breathlessness_after: int | None = None
    heart_rate_before: int | None = None
    heart_rate_after: int | None = None
    spo2_before: int | None = None
    spo2_after: int | None = None

    def details(self) -> dict[str, object]:
        course = self.course_length_m
        return {
            "course_length_m": course,
            # what a lap was when this was recorded (records made before the ATS lap was used
            # have no such key: their laps were single lengths of the course)
            "lap_length_m": lap_length_m(course) if is_number(course) else None,
            "laps": self.laps,
            "partial_lap_m": self.partial_lap_m,
            "rests": self.rests,
            "stop_reason": self.stop_reason,
            "effort_before": self.effort_before,
            "effort_after": self.effort_after,
            "breathlessness_before": self.breathlessness_before,
            "breathlessness_after": self.breathlessness_after,
            "heart_rate_before": self.heart_rate_before,
            "heart_rate_after": self.heart_rate_after,
            "spo2_before": self.spo2_before,
            "spo2_after": self.spo2_after,
        }


def lap_length_m(course_length_m: float) -> float:
    """One lap of the ATS 2002 6-minute walk: out to the turn and back to the start line, so
    twice the course (60 m on the 30 m course)."""
    return 2 * course_length_m


def six_minute_walk_distance(
    course_length_m: float, laps: int, partial_lap_m: float = 0.0
) -> float:
    """The ATS 2002 worksheet: laps x 2 x course length + the final partial lap, in metres
    (validated by :func:`validate_six_minute`)."""
    return laps * lap_length_m(course_length_m) + (partial_lap_m or 0.0)


def validate_six_minute(entry: SixMinuteWalkEntry, units: str = "metric") -> float:
    """Check the entry and return the distance in metres; ValidationError keyed by field."""
    errors = Collector()
    course = entry.course_length_m
    if course is None or not is_number(course) or not MIN_COURSE_M <= course <= MAX_COURSE_M:
        errors.add(
            "course_length_m",
            f"Course length must be {_distance_text(MIN_COURSE_M, units)} to "
            f"{_distance_text(MAX_COURSE_M, units)} (ATS: 30 m).",
        )
        course = None
    laps = entry.laps
    if laps is None or not is_int(laps) or not 0 <= laps <= MAX_LAPS:
        errors.add("laps", f"Laps must be a whole number from 0 to {MAX_LAPS}.")
        laps = None
    partial = entry.partial_lap_m if entry.partial_lap_m is not None else 0.0
    lap = lap_length_m(course) if course is not None else None
    if not is_number(partial) or partial < 0 or (lap is not None and partial >= lap):
        shorter = "a lap"
        if course is not None:
            shorter += (
                f" ({_distance_text(lap_length_m(course), units)}: out and back on the "
                f"{_distance_text(course, units)} course)"
            )
        errors.add(
            "partial_lap_m", f"The final partial lap must be 0 or more and shorter than {shorter}."
        )
    if entry.rests is not None and (not is_int(entry.rests) or not 0 <= entry.rests <= MAX_RESTS):
        errors.add("rests", f"Rests must be a whole number from 0 to {MAX_RESTS}.")
    for name in ("effort_before", "effort_after", "breathlessness_before", "breathlessness_after"):
        check_score(getattr(entry, name), name, errors, message="Must be a whole number 0 to 10.")
    for name in ("heart_rate_before", "heart_rate_after"):
        check_score(
            getattr(entry, name),
            name,
            errors,
            low=30,
            high=230,
            message="Heart rate must be a whole number from 30 to 230 beats per minute.",
        )
    for name in ("spo2_before", "spo2_after"):
        check_score(
            getattr(entry, name),
            name,
            errors,
            low=50,
            high=100,
            message="SpO2 must be a whole number from 50 to 100 %.",
        )
    errors.raise_if_any()
    assert course is not None and laps is not None
    distance = six_minute_walk_distance(course, laps, float(partial))
    message = walk_value_error("walk_6min", distance, units)
    if message is not None:
        errors.add("laps", message)
        errors.raise_if_any()
    return distance

