"""Progression engine: suggest the next session's dosage from the last session's performance.

The 12-week program is periodized and performance-based (Kulig et al., Phys Ther 2009; protocol
Selkowitz et al. 2006). The trial's per-exercise rules were not published, so these are the clinic's
defaults, conservative and symptom-led; the therapist always confirms a suggestion.

Rules, in order of precedence:

1. **step_back** when, during the last session, back pain rose by 2 points or more, leg pain rose
   at all (a rise in leg pain suggests nerve-root irritation), or an adverse event was logged.
   A loaded exercise (load > 0 and a load step) loses one load step, never below 0 kg. Otherwise
   the main measure loses one step: reps (range shifted down, floor 1 rep), hold (floor 5 s),
   distance or time (floor one step). Without a configured step a bodyweight exercise uses 1 rep
   or 5 s. Step back never increases any part of the dosage.
2. **repeat** when no sets were logged ("no sets logged last session").
3. **hold** (same dosage) when effort in any logged set was above the target.
4. **progress** when at least the prescribed number of sets reached the top of the target
   (reps >= reps_max; hold >= hold time, and reps >= reps_max when holds are counted; distance or
   time reached), each with effort logged and at or below the target. The step taken is the first
   that applies of:
   - loaded reps/hold exercise (load > 0 and load step > 0): add one load step; the rep range
     stays, so the patient works back up from reps_min (double progression);
   - hold: lengthen the hold by hold_step_s up to ``hold_cap_s``;
   - reps (and counted holds): shift the range up by reps_step until reps_max reaches
     ``reps_cap``;
   - add a set, up to ``sets_cap``;
   - distance/time: add distance_step_m / duration_step_s (no cap).
   When nothing applies (every cap reached, or no step configured) the suggestion is **repeat**
   and the reason asks the therapist to choose a harder variation.
5. **repeat** otherwise (not every set reached the top of the range, or effort was not logged).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.library import describe_dose, dose_fields
from rehab_tracker.domain.units import format_duration, format_number

DosageType = Literal["reps", "hold", "distance", "time"]
Action = Literal["progress", "hold", "step_back", "repeat"]
DOSAGE_TYPES: tuple[str, ...] = get_args(DosageType)

MIN_REPS = 1
MIN_HOLD_S = 5.0
DEFAULT_REPS_STEP = 1  # used for step back only, when none is configured
DEFAULT_HOLD_STEP_S = 5.0
BACK_PAIN_RISE = 2  # points of back pain rise during a session that call for a step back
#: The parts of a dosage: step back never raises one, progress never lowers one.
DOSAGE_FIELDS: tuple[str, ...] = (
    "sets",
    "reps_min",
    "reps_max",
    "hold_seconds",
    "distance_m",
    "duration_s",
    "load_kg",
)
_TOL = 1e-9


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Prescription:
    """One exercise's dosage and how it progresses (SI units; None = not used).

    Field names match :class:`rehab_tracker.domain.library.Dosage` and ``ProgressionStep``.
    ``load_kg`` None or 0 means body weight. ``effort_target`` is a plain 0-10 effort number;
    None means no target, so effort never holds or blocks a progression.
    Invalid values raise :class:`~rehab_tracker.domain.errors.ValidationError` keyed by field.
    """

    dosage_type: DosageType
    sets: int
    reps_min: int | None = None
    reps_max: int | None = None
    hold_seconds: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    load_kg: float | None = None
    effort_target: int | None = None
    load_step_kg: float | None = None
    reps_step: int | None = None
    hold_step_s: float | None = None
    distance_step_m: float | None = None
    duration_step_s: float | None = None
    reps_cap: int = 20
    hold_cap_s: float = 60.0
    sets_cap: int = 4

    def __post_init__(self) -> None:
        c = Collector()
        c.check(
            self.dosage_type in DOSAGE_TYPES,
            "dosage_type",
            f"Dosage type must be one of {', '.join(DOSAGE_TYPES)}.",
        )
        c.check(
            _is_int(self.sets) and self.sets >= 1, "sets", "Sets must be a whole number, 1 or more."
        )
        for name in ("reps_min", "reps_max", "reps_step"):
            value = getattr(self, name)
            c.check(
                value is None or (_is_int(value) and value >= 0),
                name,
                "Must be a whole number, 0 or more.",
            )
        for name in (
            "hold_seconds",
            "distance_m",
            "duration_s",
            "load_kg",
            "load_step_kg",
            "hold_step_s",
            "distance_step_m",
            "duration_step_s",
        ):
            value = getattr(self, name)
            c.check(
                value is None or (_is_real(value) and value >= 0),
                name,
                "Must be a number, 0 or more.",
            )
        c.check(
            self.effort_target is None
            or (_is_int(self.effort_target) and 0 <= self.effort_target <= 10),
            "effort_target",
            "Effort target must be a whole number 0-10.",
        )
        c.check(
            _is_int(self.reps_cap) and self.reps_cap >= MIN_REPS,
            "reps_cap",
            "Reps cap must be a whole number, 1 or more.",
        )
        c.check(
            _is_real(self.hold_cap_s) and self.hold_cap_s >= MIN_HOLD_S,
            "hold_cap_s",
            f"Hold cap must be {format_number(MIN_HOLD_S)} s or more.",
        )
        c.check(
            _is_int(self.sets_cap) and self.sets_cap >= 1,
            "sets_cap",
            "Sets cap must be a whole number, 1 or more.",
        )
        c.raise_if_any()  # the checks below rely on the types being right

        counted = self.reps_min is not None or self.reps_max is not None
        if self.dosage_type == "reps" or counted:
            c.check(
                self.reps_min is not None and self.reps_max is not None,
                "reps_max",
                "Give both the lowest and the highest number of reps.",
            )
            if self.reps_min is not None and self.reps_max is not None:
                c.check(self.reps_min >= MIN_REPS, "reps_min", "Reps must be 1 or more.")
                c.check(
                    self.reps_min <= self.reps_max,
                    "reps_max",
                    "The highest number of reps must not be below the lowest.",
                )
        main = {"hold": "hold_seconds", "distance": "distance_m", "time": "duration_s"}
        if self.dosage_type in main:
            name = main[self.dosage_type]
            value = getattr(self, name)
            c.check(value is not None and value > 0, name, "Required, and above 0.")
        c.raise_if_any()

    @property
    def loaded(self) -> bool:
        """Progresses by load: load > 0 with a load step > 0, on a reps or hold exercise."""
        return (
            self.dosage_type in ("reps", "hold")
            and (self.load_kg or 0) > 0
            and (self.load_step_kg or 0) > 0
        )

    def describe(self) -> str:
        """Short dose text: ``3 x 8-12 @ 20 kg``, ``2 x 6 x 10 s hold``, ``1 x 400 m``
        (:func:`~rehab_tracker.domain.library.describe_dose`; the effort target is left out)."""
        return describe_dose(**{**dose_fields(self), "effort_target": None})


def _reps_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


@dataclass(frozen=True)
class LoggedSet:
    """One set as performed (None = not recorded). ``effort`` is 0-10."""

    reps: int | None = None
    hold_seconds: float | None = None
    load_kg: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    effort: int | None = None

    def __post_init__(self) -> None:
        c = Collector()
        c.check(
            self.reps is None or (_is_int(self.reps) and self.reps >= 0),
            "reps",
            "Reps must be a whole number, 0 or more.",
        )
        for name in ("hold_seconds", "load_kg", "distance_m", "duration_s"):
            value = getattr(self, name)
            c.check(
                value is None or (_is_real(value) and value >= 0),
                name,
                "Must be a number, 0 or more.",
            )
        c.check(
            self.effort is None or (_is_int(self.effort) and 0 <= self.effort <= 10),
            "effort",
            "Effort must be a whole number 0-10.",
        )
        c.raise_if_any()


@dataclass(frozen=True)
class Performance:
    """The last session of one exercise: logged sets, pain 0-10 before/after, adverse event."""

    sets: Sequence[LoggedSet] = field(default_factory=tuple)
    back_pain_before: int | None = None
    back_pain_after: int | None = None
    leg_pain_before: int | None = None
    leg_pain_after: int | None = None
    adverse_event: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "sets", tuple(self.sets))
        c = Collector()
        for i, logged in enumerate(self.sets):
            c.check(isinstance(logged, LoggedSet), f"sets[{i}]", "Expected a logged set.")
        for name in ("back_pain_before", "back_pain_after", "leg_pain_before", "leg_pain_after"):
            value = getattr(self, name)
            c.check(
                value is None or (_is_int(value) and 0 <= value <= 10),
                name,
                "Pain must be a whole number 0-10.",
            )
        c.check(isinstance(self.adverse_event, bool), "adverse_event", "Must be yes or no.")
        c.raise_if_any()


@dataclass(frozen=True)
class Suggestion:
    action: Action
    dosage: Prescription
    reason: str


# ------------------------------------------------------------------------------------ step back


def _step_back_triggers(perf: Performance) -> list[str]:
    triggers = []
    lb, la = perf.leg_pain_before, perf.leg_pain_after
    if lb is not None and la is not None and la > lb:
        triggers.append(f"leg pain rose from {lb} to {la} during the session")
    bb, ba = perf.back_pain_before, perf.back_pain_after
    if bb is not None and ba is not None and ba - bb >= BACK_PAIN_RISE:
        triggers.append(f"back pain rose from {bb} to {ba} during the session")
    if perf.adverse_event:
        triggers.append("an adverse event was logged")
    return triggers


def _lower(current: float, step: float, floor: float) -> float:
    """One step down, not below ``floor``, and never above ``current``."""
    return min(current, max(floor, current - step))


def _step_back(p: Prescription) -> tuple[Prescription, str]:
    if p.loaded:
        assert p.load_kg is not None and p.load_step_kg is not None
        new_load = max(0.0, p.load_kg - p.load_step_kg)
        return replace(p, load_kg=new_load), (
            f"step back {format_number(p.load_kg - new_load, 2)} kg "
            f"to {format_number(new_load, 2)} kg"
        )
    if p.dosage_type == "hold":
        assert p.hold_seconds is not None
        step = p.hold_step_s or DEFAULT_HOLD_STEP_S
        new_hold = _lower(p.hold_seconds, step, MIN_HOLD_S)
        if new_hold < p.hold_seconds:
            return replace(p, hold_seconds=new_hold), (
                f"shorten the hold by {format_number(p.hold_seconds - new_hold)} s "
                f"to {format_number(new_hold)} s"
            )
    if p.reps_min is not None and p.reps_max is not None:
        step = p.reps_step or DEFAULT_REPS_STEP
        new_max = int(_lower(p.reps_max, step, MIN_REPS))
        new_min = min(int(_lower(p.reps_min, step, MIN_REPS)), new_max)
        if new_max < p.reps_max:
            return replace(p, reps_min=new_min, reps_max=new_max), (
                f"step back {_count(p.reps_max - new_max, 'rep')} "
                f"to {_reps_text(new_min, new_max)} reps"
            )
    if p.dosage_type == "distance" and p.distance_step_m:
        assert p.distance_m is not None
        new = _lower(p.distance_m, p.distance_step_m, p.distance_step_m)
        if new < p.distance_m:
            return replace(p, distance_m=new), (
                f"step back {format_number(p.distance_m - new)} m to {format_number(new)} m"
            )
    if p.dosage_type == "time" and p.duration_step_s:
        assert p.duration_s is not None
        new = _lower(p.duration_s, p.duration_step_s, p.duration_step_s)
        if new < p.duration_s:
            return replace(p, duration_s=new), (
                f"step back {format_duration(p.duration_s - new)} to {format_duration(new)}"
            )
    return p, (
        f"the dosage is already at its lowest ({p.describe()}): keep it and review the patient "
        "before continuing"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ------------------------------------------------------------------------------------- progress


def _at_top(p: Prescription, s: LoggedSet) -> bool:
    lighter = s.load_kg is not None and s.load_kg < (p.load_kg or 0) - _TOL
    if p.loaded and lighter:
        return False
    counted = p.dosage_type in ("reps", "hold") and p.reps_max is not None
    if counted and (s.reps is None or s.reps < (p.reps_max or 0)):
        return False
    if p.dosage_type == "hold":
        return s.hold_seconds is not None and s.hold_seconds >= (p.hold_seconds or 0) - _TOL
    if p.dosage_type == "distance":
        return s.distance_m is not None and s.distance_m >= (p.distance_m or 0) - _TOL
    if p.dosage_type == "time":
        return s.duration_s is not None and s.duration_s >= (p.duration_s or 0) - _TOL
    return True


def _target_text(p: Prescription) -> str:
    if p.dosage_type == "hold":
        hold = f"the {format_number(p.hold_seconds or 0)} s hold"
        return f"{hold} for {p.reps_max} reps" if p.reps_max is not None else hold
    if p.dosage_type == "distance":
        return f"{format_number(p.distance_m or 0)} m"
    if p.dosage_type == "time":
        return format_duration(p.duration_s or 0)
    return f"{p.reps_max} reps"


def _progress(p: Prescription) -> tuple[Prescription, str] | None:
    if p.loaded:
        assert p.load_kg is not None and p.load_step_kg is not None
        new_load = p.load_kg + p.load_step_kg
        return replace(p, load_kg=new_load), (
            f"add {format_number(p.load_step_kg, 2)} kg to {format_number(new_load, 2)} kg"
        )
    hold = p.hold_seconds
    if p.dosage_type == "hold" and p.hold_step_s and hold is not None and hold < p.hold_cap_s:
        new_hold = min(p.hold_cap_s, hold + p.hold_step_s)
        return replace(p, hold_seconds=new_hold), (
            f"hold {format_number(new_hold - hold)} s longer ({format_number(new_hold)} s)"
        )
    if p.dosage_type in ("reps", "hold") and p.reps_step and p.reps_max is not None:
        assert p.reps_min is not None
        if p.reps_max < p.reps_cap:
            new_max = min(p.reps_cap, p.reps_max + p.reps_step)
            new_min = p.reps_min + (new_max - p.reps_max)
            return replace(p, reps_min=new_min, reps_max=new_max), (
                f"add {_count(new_max - p.reps_max, 'rep')} ({_reps_text(new_min, new_max)} reps)"
            )
    if p.dosage_type in ("reps", "hold") and p.sets < p.sets_cap:
        return replace(p, sets=p.sets + 1), f"add a set ({p.sets + 1} sets)"
    if p.dosage_type == "distance" and p.distance_step_m and p.distance_m is not None:
        new = p.distance_m + p.distance_step_m
        return replace(p, distance_m=new), (
            f"add {format_number(p.distance_step_m)} m ({format_number(new)} m)"
        )
    if p.dosage_type == "time" and p.duration_step_s and p.duration_s is not None:
        new = p.duration_s + p.duration_step_s
        return replace(p, duration_s=new), (
            f"add {format_duration(p.duration_step_s)} ({format_duration(new)})"
        )
    return None


# ---------------------------------------------------------------------------------------- main


def suggest(prescription: Prescription, performance: Performance) -> Suggestion:
    """Suggest the next dosage (see the module docstring for the rules and their order)."""
    p = prescription
    triggers = _step_back_triggers(performance)
    if triggers:
        new, action_text = _step_back(p)
        cause = "; ".join(triggers)
        return Suggestion("step_back", new, f"{cause[0].upper()}{cause[1:]}: {action_text}.")

    logged = performance.sets
    if not logged:
        return Suggestion("repeat", p, "No sets logged last session: repeat the same dosage.")

    target = p.effort_target
    if target is not None:
        above = [
            (i, s.effort)
            for i, s in enumerate(logged, 1)
            if s.effort is not None and s.effort > target
        ]
        if above:
            numbers = [str(i) for i, _ in above]
            where = (
                f"set {numbers[0]}"
                if len(numbers) == 1
                else (f"sets {', '.join(numbers[:-1])} and {numbers[-1]}")
            )
            highest = max(e for _, e in above if e is not None)
            return Suggestion(
                "hold",
                p,
                (
                    f"Effort reached {highest}/10 in {where}, above the target of {target}/10: "
                    f"keep the same dosage ({p.describe()})."
                ),
            )

    at_top = [s for s in logged if _at_top(p, s)]
    goal = _target_text(p)
    if len(at_top) < p.sets:
        return Suggestion(
            "repeat",
            p,
            (
                f"{len(at_top)} of {p.sets} prescribed sets reached {goal}: "
                f"repeat the same dosage ({p.describe()})."
            ),
        )
    if target is not None:
        missing = [i for i, s in enumerate(logged, 1) if s.effort is None]
        if missing:
            return Suggestion(
                "repeat",
                p,
                (
                    f"Effort was not logged for set {missing[0]}, so the progression cannot be "
                    f"confirmed: repeat the same dosage ({p.describe()})."
                ),
            )

    effort = f" at effort {target}/10 or less" if target is not None else ""
    sets = "The prescribed set" if p.sets == 1 else f"All {p.sets} prescribed sets"
    done = f"{sets} reached {goal}{effort}"
    step = _progress(p)
    if step is None:
        return Suggestion(
            "repeat",
            p,
            (
                f"{done}, but no further step is set for this exercise: repeat the same dosage "
                "and consider a harder variation."
            ),
        )
    new, action_text = step
    return Suggestion("progress", new, f"{done}: {action_text}.")
