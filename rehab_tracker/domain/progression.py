"""Progression engine: suggest the next session's dosage from the last session's performance.

The 12-week program is periodized and performance-based (Kulig et al., Phys Ther 2009; protocol
Selkowitz et al. 2006). The trial's per-exercise rules were not published, so these are the clinic's
defaults, conservative and symptom-led; the therapist always confirms a suggestion.

Rules, in order of precedence:

0. **hold** while a positive red-flag screen is not cleared (:func:`hold_for_red_flag`): every
   suggestion is "Hold: red flag on DATE not yet cleared" and keeps the prescribed dose as it
   is: no progression, and no step back either, whatever the last session showed. Exercise
   waits for the patient's assessment; the clearance a clinician records (who cleared, when)
   ends the hold, and the rules below apply again. While the hold lasts, a dose that raises any
   part of the prescription (:func:`raises_dose`) is refused.
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

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from rehab_tracker.domain.dosage import (
    MEASURE_FIELDS,
    STEP_FIELDS,
    Dosage,
    ProgressionStep,
    describe_dose,
    dosage_errors,
    dose_fields,
    range_text,
    step_errors,
)
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_int, is_number
from rehab_tracker.domain.sessions import SetEntry
from rehab_tracker.domain.units import format_duration, format_number

Action = Literal["progress", "hold", "step_back", "repeat"]

MIN_REPS = 1
MIN_HOLD_S = 5.0
DEFAULT_REPS_STEP = 1  # used for step back only, when none is configured
DEFAULT_HOLD_STEP_S = 5.0
BACK_PAIN_RISE = 2  # points of back pain rise during a session that call for a step back
#: The parts of a dosage: step back never raises one, progress never lowers one.
DOSAGE_FIELDS: tuple[str, ...] = ("sets", *MEASURE_FIELDS, "load_kg")
_TOL = 1e-9


@dataclass(frozen=True)
class Prescription:
    """The engine's input: one exercise's dose, how it progresses, and the caps of progression.

    ``dose.load_kg`` None or 0 means body weight. ``dose.effort_target`` None means no target, so
    effort never holds or blocks a progression. The dose is checked by the one dose validator
    (:func:`rehab_tracker.domain.dosage.dosage_errors`, keys are the dose's field names), the
    steps and caps here; invalid values raise
    :class:`~rehab_tracker.domain.errors.ValidationError` keyed by field.
    """

    dose: Dosage
    step: ProgressionStep = field(default_factory=ProgressionStep)
    reps_cap: int = 20
    hold_cap_s: float = 60.0
    sets_cap: int = 4

    def __post_init__(self) -> None:
        c = Collector()
        c.add_all(dosage_errors(dose_fields(self.dose), None)[1])
        c.add_all(step_errors({name: getattr(self.step, name) for name in STEP_FIELDS}, None)[1])
        c.check(
            is_int(self.reps_cap) and self.reps_cap >= MIN_REPS,
            "reps_cap",
            "Reps cap must be a whole number, 1 or more.",
        )
        c.check(
            is_number(self.hold_cap_s) and self.hold_cap_s >= MIN_HOLD_S,
            "hold_cap_s",
            f"Hold cap must be {format_number(MIN_HOLD_S)} s or more.",
        )
        c.check(
            is_int(self.sets_cap) and self.sets_cap >= 1,
            "sets_cap",
            "Sets cap must be a whole number, 1 or more.",
        )
        c.raise_if_any()

    @property
    def loaded(self) -> bool:
        """Progresses by load: load > 0 with a load step > 0, on a reps or hold exercise."""
        return (
            self.dose.dosage_type in ("reps", "hold")
            and (self.dose.load_kg or 0) > 0
            and (self.step.load_step_kg or 0) > 0
        )

    def describe(self) -> str:
        """Short dose text: ``3 x 8-12 @ 20 kg``, ``2 x 6 x 10 s hold``, ``1 x 400 m``
        (:func:`~rehab_tracker.domain.dosage.describe_dose`; the effort target is left out)."""
        return _describe(self.dose)


def _describe(d: Dosage) -> str:
    """:meth:`Prescription.describe` of a dose."""
    return describe_dose(**{**dose_fields(d), "effort_target": None})


@dataclass(frozen=True)
class LoggedSet(SetEntry):
    """One set as performed (:class:`~rehab_tracker.domain.sessions.SetEntry`), checked when it
    is made: every value 0 or more, ``effort`` 0-10 (None = not recorded). The engine judges a
    stored set as it is, so the form's upper bounds (``SET_MAXIMA``) are not applied here."""

    def __post_init__(self) -> None:
        c = Collector()
        c.check(
            self.reps is None or (is_int(self.reps) and self.reps >= 0),
            "reps",
            "Reps must be a whole number, 0 or more.",
        )
        for name in ("hold_seconds", "load_kg", "distance_m", "duration_s"):
            value = getattr(self, name)
            c.check(
                value is None or (is_number(value) and value >= 0),
                name,
                "Must be a number, 0 or more.",
            )
        c.check(
            self.effort is None or (is_int(self.effort) and 0 <= self.effort <= 10),
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
                value is None or (is_int(value) and 0 <= value <= 10),
                name,
                "Pain must be a whole number 0-10.",
            )
        c.check(isinstance(self.adverse_event, bool), "adverse_event", "Must be yes or no.")
        c.raise_if_any()


@dataclass(frozen=True)
class Suggestion:
    action: Action
    dosage: Dosage  # the suggested dose (the prescription's, when it stays)
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


def _step_back(p: Prescription) -> tuple[Dosage, str]:
    d, step = p.dose, p.step
    if p.loaded:
        assert d.load_kg is not None and step.load_step_kg is not None
        new_load = max(0.0, d.load_kg - step.load_step_kg)
        return replace(d, load_kg=new_load), (
            f"step back {format_number(d.load_kg - new_load, 2)} kg "
            f"to {format_number(new_load, 2)} kg"
        )
    if d.dosage_type == "hold":
        assert d.hold_seconds is not None
        hold_step = step.hold_step_s or DEFAULT_HOLD_STEP_S
        new_hold = _lower(d.hold_seconds, hold_step, MIN_HOLD_S)
        if new_hold < d.hold_seconds:
            return replace(d, hold_seconds=new_hold), (
                f"shorten the hold by {format_number(d.hold_seconds - new_hold)} s "
                f"to {format_number(new_hold)} s"
            )
    if d.reps_min is not None and d.reps_max is not None:
        reps_step = step.reps_step or DEFAULT_REPS_STEP
        new_max = int(_lower(d.reps_max, reps_step, MIN_REPS))
        new_min = min(int(_lower(d.reps_min, reps_step, MIN_REPS)), new_max)
        if new_max < d.reps_max:
            return replace(d, reps_min=new_min, reps_max=new_max), (
                f"step back {_count(d.reps_max - new_max, 'rep')} "
                f"to {range_text(new_min, new_max)} reps"
            )
    shorter = _shorten(p)
    if shorter is not None:
        return shorter
    return d, (
        f"the dosage is already at its lowest ({p.describe()}): keep it and review the patient "
        "before continuing"
    )


#: a changed dose and what changed in words, or None: the change does not apply
_Step = tuple[Dosage, str] | None


@dataclass(frozen=True)
class _Measure:
    """A distance or time dose: its field, its step and how an amount of it reads."""

    field: str
    step: str
    text: Callable[[float], str]


_MEASURES: Final[Mapping[str, _Measure]] = {
    "distance": _Measure("distance_m", "distance_step_m", lambda m: f"{format_number(m)} m"),
    "time": _Measure("duration_s", "duration_step_s", format_duration),
}


def _with(d: Dosage, name: str, value: Any) -> Dosage:
    """``d`` with the dose field ``name`` set to ``value``."""
    return replace(d, **{name: value})


def _shorten(p: Prescription) -> _Step:
    """Distance or time: one step less, never below one step (None when already there)."""
    d, measure = p.dose, _MEASURES.get(p.dose.dosage_type)
    if measure is None:
        return None
    by = getattr(p.step, measure.step)
    if not by:
        return None
    current = getattr(d, measure.field)
    assert current is not None
    new = _lower(current, by, by)
    if new >= current:
        return None
    return _with(d, measure.field, new), (
        f"step back {measure.text(current - new)} to {measure.text(new)}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ------------------------------------------------------------------------------------- progress


def _at_top(p: Prescription, s: LoggedSet) -> bool:
    d = p.dose
    lighter = s.load_kg is not None and s.load_kg < (d.load_kg or 0) - _TOL
    if p.loaded and lighter:
        return False
    counted = d.dosage_type in ("reps", "hold") and d.reps_max is not None
    if counted and (s.reps is None or s.reps < (d.reps_max or 0)):
        return False
    if d.dosage_type == "hold":
        return s.hold_seconds is not None and s.hold_seconds >= (d.hold_seconds or 0) - _TOL
    if d.dosage_type == "distance":
        return s.distance_m is not None and s.distance_m >= (d.distance_m or 0) - _TOL
    if d.dosage_type == "time":
        return s.duration_s is not None and s.duration_s >= (d.duration_s or 0) - _TOL
    return True


def _target_text(d: Dosage) -> str:
    if d.dosage_type == "hold":
        hold = f"the {format_number(d.hold_seconds or 0)} s hold"
        return f"{hold} for {d.reps_max} reps" if d.reps_max is not None else hold
    if d.dosage_type == "distance":
        return f"{format_number(d.distance_m or 0)} m"
    if d.dosage_type == "time":
        return format_duration(d.duration_s or 0)
    return f"{d.reps_max} reps"


def _add_load(p: Prescription) -> _Step:
    d, step = p.dose, p.step
    if not p.loaded:
        return None
    assert d.load_kg is not None and step.load_step_kg is not None
    new_load = d.load_kg + step.load_step_kg
    return replace(d, load_kg=new_load), (
        f"add {format_number(step.load_step_kg, 2)} kg to {format_number(new_load, 2)} kg"
    )


def _lengthen_hold(p: Prescription) -> _Step:
    d, step = p.dose, p.step
    hold = d.hold_seconds
    if d.dosage_type != "hold" or not step.hold_step_s or hold is None or hold >= p.hold_cap_s:
        return None
    new_hold = min(p.hold_cap_s, hold + step.hold_step_s)
    return replace(d, hold_seconds=new_hold), (
        f"hold {format_number(new_hold - hold)} s longer ({format_number(new_hold)} s)"
    )


def _add_reps(p: Prescription) -> _Step:
    d, step = p.dose, p.step
    if d.dosage_type not in ("reps", "hold") or not step.reps_step or d.reps_max is None:
        return None
    assert d.reps_min is not None
    if d.reps_max >= p.reps_cap:
        return None
    new_max = min(p.reps_cap, d.reps_max + step.reps_step)
    new_min = d.reps_min + (new_max - d.reps_max)
    return replace(d, reps_min=new_min, reps_max=new_max), (
        f"add {_count(new_max - d.reps_max, 'rep')} ({range_text(new_min, new_max)} reps)"
    )


def _add_set(p: Prescription) -> _Step:
    d = p.dose
    if d.dosage_type not in ("reps", "hold") or d.sets >= p.sets_cap:
        return None
    return replace(d, sets=d.sets + 1), f"add a set ({d.sets + 1} sets)"


def _lengthen(p: Prescription) -> _Step:
    """Distance or time: one step more (no cap)."""
    d, measure = p.dose, _MEASURES.get(p.dose.dosage_type)
    if measure is None:
        return None
    current, by = getattr(d, measure.field), getattr(p.step, measure.step)
    if not by or current is None:
        return None
    new = current + by
    return _with(d, measure.field, new), f"add {measure.text(by)} ({measure.text(new)})"


#: the progression steps in order of precedence: the first that applies is taken
_PROGRESS_STEPS: Final = (_add_load, _lengthen_hold, _add_reps, _add_set, _lengthen)


def _progress(p: Prescription) -> _Step:
    for progression_step in _PROGRESS_STEPS:
        step = progression_step(p)
        if step is not None:
            return step
    return None


# ------------------------------------------------------------------------ red flag not cleared


def hold_for_red_flag(dose: Dosage, flagged_on: dt.date) -> Suggestion:
    """Rule 0: the suggestion for every exercise while the positive red-flag screen of
    ``flagged_on`` is not cleared: **hold**, the prescribed dose unchanged."""
    return Suggestion(
        "hold",
        dose,
        (
            f"Hold: red flag on {flagged_on.isoformat()} not yet cleared. Keep the prescribed "
            f"dose ({_describe(dose)}), with no progression or step back, until a clinician "
            "records the clearance."
        ),
    )


def raises_dose(current: Dosage, new: Dosage) -> bool:
    """True when ``new`` raises any part of ``current`` (sets, reps, hold, distance, time or
    load): a progression, which an open red flag refuses (rule 0)."""
    return any(
        (getattr(new, name) or 0) > (getattr(current, name) or 0) + _TOL
        for name in DOSAGE_FIELDS
    )


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
        return Suggestion("repeat", p.dose, "No sets logged last session: repeat the same dosage.")
    kept = _effort_above_target(p, logged) or _not_done(p, logged)
    return kept or _progression(p)


def _effort_above_target(p: Prescription, logged: Sequence[LoggedSet]) -> Suggestion | None:
    """**hold** when effort in any logged set was above the target."""
    target = p.dose.effort_target
    if target is None:
        return None
    above = [
        (i, s.effort) for i, s in enumerate(logged, 1) if s.effort is not None and s.effort > target
    ]
    if not above:
        return None
    numbers = [str(i) for i, _ in above]
    where = (
        f"set {numbers[0]}"
        if len(numbers) == 1
        else (f"sets {', '.join(numbers[:-1])} and {numbers[-1]}")
    )
    highest = max(e for _, e in above if e is not None)
    return Suggestion(
        "hold",
        p.dose,
        (
            f"Effort reached {highest}/10 in {where}, above the target of {target}/10: "
            f"keep the same dosage ({p.describe()})."
        ),
    )


def _not_done(p: Prescription, logged: Sequence[LoggedSet]) -> Suggestion | None:
    """**repeat** when fewer than the prescribed sets reached the top, or when effort was not
    logged for a set although there is a target."""
    d = p.dose
    at_top = [s for s in logged if _at_top(p, s)]
    if len(at_top) < d.sets:
        return Suggestion(
            "repeat",
            d,
            (
                f"{len(at_top)} of {d.sets} prescribed sets reached {_target_text(d)}: "
                f"repeat the same dosage ({p.describe()})."
            ),
        )
    missing = [i for i, s in enumerate(logged, 1) if s.effort is None]
    if d.effort_target is None or not missing:
        return None
    return Suggestion(
        "repeat",
        d,
        (
            f"Effort was not logged for set {missing[0]}, so the progression cannot be "
            f"confirmed: repeat the same dosage ({p.describe()})."
        ),
    )


def _progression(p: Prescription) -> Suggestion:
    """**progress** by the first step that applies, or **repeat** when none does."""
    d = p.dose
    target = d.effort_target
    effort = f" at effort {target}/10 or less" if target is not None else ""
    sets = "The prescribed set" if d.sets == 1 else f"All {d.sets} prescribed sets"
    done = f"{sets} reached {_target_text(d)}{effort}"
    step = _progress(p)
    if step is None:
        return Suggestion(
            "repeat",
            d,
            (
                f"{done}, but no further step is set for this exercise: repeat the same dosage "
                "and consider a harder variation."
            ),
        )
    new, action_text = step
    return Suggestion("progress", new, f"{done}: {action_text}.")
