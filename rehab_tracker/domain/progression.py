"""Progression engine: suggest the next session's dosage from the exercise's last sessions.

The 12-week program is periodized and performance-based (Kulig et al., Phys Ther 2009; protocol
Selkowitz et al. 2006). The trial's per-exercise rules were not published. What decides a
progression follows the template's own words (resources/templates/usc-12-week.json, the variants'
``progression_note``): **high intensity** progresses an exercise by one step when every set reached
the top of the target range at or below the target effort in **two sessions in a row** and pain
did not rise by the next session; **low intensity** only after **a full week (three sessions)** at
the target with no rise in pain, using half steps where the load allows. The rest are the clinic's
defaults, conservative and symptom-led (CLINICAL.md: "a rise in leg pain", red flags); numbers that
are a choice say "clinic default" in the reason, and the therapist always confirms a suggestion.

The engine judges a :class:`History`: the exercise's last logged sessions (newest first), the
patient's baseline leg pain, and the new or worse numbness or weakness reported since.
Rules, in order of precedence:

0. **hold** while a positive red-flag screen is not cleared (:func:`hold_for_red_flag`): every
   suggestion is "Hold: red flag on DATE not yet cleared" and keeps the prescribed dose as it
   is: no progression, and no step back either, whatever the last session showed. Exercise
   waits for the patient's assessment; the clearance a clinician records (who cleared, when)
   ends the hold, and the rules below apply again. While the hold lasts, a dose that raises any
   part of the prescription (:func:`raises_dose`) is refused.
1. **step_back** when, during the last session, back pain rose by 2 points or more (the NPRS
   minimal important change, Ostelo 2008), leg pain rose at all (a rise in leg pain suggests
   nerve-root irritation), or an adverse event was logged; and when new or worse numbness or
   weakness was reported on or after the last session's date (:class:`NeuroSign`: a red-flag
   screen's answer about numbness or weakness, :data:`NEURO_SIGN_FLAGS`): then the reason also
   asks for the patient's review before progressing again.
   A loaded exercise (load > 0 and a load step) loses one load step, never below 0 kg. Otherwise
   the main measure loses one step: reps (range shifted down, floor 1 rep), hold (floor 5 s),
   distance or time (floor one step). Without a configured step a bodyweight exercise uses 1 rep
   or 5 s. Step back never increases any part of the dosage.
2. **repeat** when no sets were logged ("no sets logged last session").
3. **hold** (same dosage) when effort in any logged set was above the target.
4. **hold** when back or leg pain, before or after the last session, reached the pain ceiling
   (:data:`PAIN_CEILING_DEFAULT`, 7/10, a clinic default the clinic can change in settings).
5. **hold** when leg pain in the last session was above the patient's baseline leg pain (the
   baseline NPRS leg-pain record; no baseline recorded: this rule cannot apply).
6. **hold** when pain rose since the previous session: back or leg pain at the start of the
   last session above the start of the session before (the template: "pain did not rise the
   next day"; like is compared with like, the pain the patient arrives with).
7. **repeat**, "not enough data to progress", when a pain value (back or leg, before or after)
   of the last session was not recorded, or effort was not logged for a set of an exercise with
   an effort target. Missing pain or effort never progresses.
8. **repeat** when fewer than the prescribed number of sets reached the top of the target
   (reps >= reps_max; hold >= hold time, and reps >= reps_max when holds are counted; distance or
   time reached).
9. **repeat** until the target was met in :data:`SESSIONS_AT_TARGET` sessions in a row (high
   2, low 3). An earlier session counts, judged against today's prescription, when it passes
   rules 1-8 too (every value recorded, every set at the top at or below the target effort, no
   step-back trigger, pain below the ceiling and leg pain not above baseline), no numbness or
   weakness was reported after it, and pain did not rise by the session after it.
10. **progress** by one step, the first that applies of:
   - loaded reps/hold exercise (load > 0 and load step > 0): add one load step (low intensity:
     half a load step, the template's "half steps"); the rep range stays, so the patient works
     back up from reps_min (double progression);
   - hold: lengthen the hold by hold_step_s up to ``hold_cap_s``;
   - reps (and counted holds): shift the range up by reps_step until reps_max reaches
     ``reps_cap``;
   - add a set, up to ``sets_cap``;
   - distance/time: add distance_step_m / duration_step_s (no cap).
   When nothing applies (every cap reached, or no step configured) the suggestion is **repeat**
   and the reason asks the therapist to choose a harder variation.

A prescription without an effort target never holds on effort and does not need effort logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Final, Literal, TypeGuard

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
from rehab_tracker.domain.redflags import join_words
from rehab_tracker.domain.sessions import SetEntry
from rehab_tracker.domain.units import format_duration, format_number

Action = Literal["progress", "hold", "step_back", "repeat"]
Intensity = Literal["high", "low"]

MIN_REPS = 1
MIN_HOLD_S = 5.0
DEFAULT_REPS_STEP = 1  # used for step back only, when none is configured
DEFAULT_HOLD_STEP_S = 5.0
#: points of back pain rise during a session that call for a step back: the NPRS minimal
#: important change (Ostelo 2008, CLINICAL.md)
BACK_PAIN_RISE = 2
#: Sessions in a row at the target before an exercise progresses, by program intensity: the
#: template's own rule (usc-12-week.json, the variants' progression_note): high "two sessions in
#: a row", low "a full week (three sessions)". A clinic default: the template is modelled on the
#: USC program (Kulig 2009), whose progression criteria per exercise are not published; the
#: suggestion's reason says so on screen.
SESSIONS_AT_TARGET: Final[Mapping[str, int]] = {"high": 2, "low": 3}
#: The part of a load step a progression adds, by intensity: low uses "half steps where the
#: load allows" (the template's low-intensity note).
LOAD_STEP_FRACTION: Final[Mapping[str, float]] = {"high": 1.0, "low": 0.5}
#: Back or leg pain (0-10) at or above which an exercise holds: a clinic default (a setting).
PAIN_CEILING_DEFAULT = 7
#: The red-flag screen's questions whose "yes" reports new or worse numbness or weakness
#: (domain.redflags codes): a step back and a review (rule 1), after the flag is cleared.
NEURO_SIGN_FLAGS: tuple[str, ...] = (
    "new_both_legs",
    "saddle_numbness",
    "one_sided_leg",
    "progressive_weakness",
    "both_legs",  # the earlier question (screens before the post-discectomy set), still read
)
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


PAIN_FIELDS: tuple[str, ...] = (
    "back_pain_before", "back_pain_after", "leg_pain_before", "leg_pain_after"
)


@dataclass(frozen=True)
class Performance:
    """One logged session of one exercise: its date (None: not known), the logged sets, pain
    0-10 before/after (None: not recorded), and whether an adverse event was logged."""

    sets: Sequence[LoggedSet] = field(default_factory=tuple)
    back_pain_before: int | None = None
    back_pain_after: int | None = None
    leg_pain_before: int | None = None
    leg_pain_after: int | None = None
    adverse_event: bool = False
    on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sets", tuple(self.sets))
        c = Collector()
        for i, logged in enumerate(self.sets):
            c.check(isinstance(logged, LoggedSet), f"sets[{i}]", "Expected a logged set.")
        for name in PAIN_FIELDS:
            c.check(_is_pain(getattr(self, name)), name, "Pain must be a whole number 0-10.")
        c.check(isinstance(self.adverse_event, bool), "adverse_event", "Must be yes or no.")
        c.check(
            self.on is None or isinstance(self.on, dt.date), "on", "Expected the session's date."
        )
        c.raise_if_any()

    @property
    def pain(self) -> dict[str, int | None]:
        """The four pain values by field name (None: not recorded)."""
        return {name: getattr(self, name) for name in PAIN_FIELDS}


def _is_pain(value: object) -> bool:
    return value is None or (is_int(value) and 0 <= value <= 10)


def is_pain_ceiling(value: object) -> TypeGuard[int]:
    """A pain ceiling the engine accepts (:class:`Rules`, the clinic setting): a whole number
    1-10."""
    return is_int(value) and 1 <= value <= 10


@dataclass(frozen=True)
class NeuroSign:
    """New or worse numbness or weakness reported on ``on`` (``what``: in words, e.g. "leg
    weakness getting worse"), from a red-flag screen's answer (:data:`NEURO_SIGN_FLAGS`)."""

    on: dt.date
    what: str


@dataclass(frozen=True)
class History:
    """What the engine judges for one exercise: its last logged sessions, newest first (the
    rules need at most :data:`SESSIONS_AT_TARGET` of them), the patient's baseline leg pain
    (None: no baseline recorded) and the numbness or weakness reported since the oldest of
    those sessions."""

    sessions: Sequence[Performance] = field(default_factory=tuple)
    leg_pain_baseline: int | None = None
    neuro_signs: Sequence[NeuroSign] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sessions", tuple(self.sessions))
        object.__setattr__(self, "neuro_signs", tuple(self.neuro_signs))
        c = Collector()
        for i, perf in enumerate(self.sessions):
            c.check(isinstance(perf, Performance), f"sessions[{i}]", "Expected a session.")
        for i, sign in enumerate(self.neuro_signs):
            c.check(isinstance(sign, NeuroSign), f"neuro_signs[{i}]", "Expected a sign.")
        c.check(
            _is_pain(self.leg_pain_baseline),
            "leg_pain_baseline",
            "Pain must be a whole number 0-10.",
        )
        c.raise_if_any()


@dataclass(frozen=True)
class Rules:
    """How the program progresses: its intensity (high or low, the template's variants) and
    the clinic's pain ceiling (0-10; :data:`PAIN_CEILING_DEFAULT` unless the clinic set one)."""

    intensity: Intensity = "high"
    pain_ceiling: int = PAIN_CEILING_DEFAULT

    def __post_init__(self) -> None:
        c = Collector()
        c.check(self.intensity in SESSIONS_AT_TARGET, "intensity", "Intensity is high or low.")
        c.check(
            is_pain_ceiling(self.pain_ceiling),
            "pain_ceiling",
            "The pain ceiling must be a whole number 1-10.",
        )
        c.raise_if_any()

    @property
    def sessions_needed(self) -> int:
        return SESSIONS_AT_TARGET[self.intensity]

    @property
    def ceiling_text(self) -> str:
        """The ceiling and whose number it is: "7/10, clinic default" or "6/10, clinic
        setting"."""
        whose = "clinic default" if self.pain_ceiling == PAIN_CEILING_DEFAULT else "clinic setting"
        return f"{self.pain_ceiling}/10, {whose}"


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


def _add_load(p: Prescription, fraction: float = 1.0) -> _Step:
    """One load step more; ``fraction`` of a step at low intensity (the template's half steps)."""
    d, step = p.dose, p.step
    if not p.loaded:
        return None
    assert d.load_kg is not None and step.load_step_kg is not None
    added = step.load_step_kg * fraction
    new_load = d.load_kg + added
    half = (
        f" (half the {format_number(step.load_step_kg, 2)} kg load step at low intensity)"
        if fraction < 1
        else ""
    )
    return replace(d, load_kg=new_load), (
        f"add {format_number(added, 2)} kg{half} to {format_number(new_load, 2)} kg"
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


#: the progression steps after a load step, in order of precedence: the first that applies
_PROGRESS_STEPS: Final = (_lengthen_hold, _add_reps, _add_set, _lengthen)


def _progress(p: Prescription, rules: Rules) -> _Step:
    step = _add_load(p, LOAD_STEP_FRACTION[rules.intensity])
    for progression_step in _PROGRESS_STEPS:
        if step is not None:
            return step
        step = progression_step(p)
    return step


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


def suggest(
    prescription: Prescription, history: History, rules: Rules | None = None
) -> Suggestion:
    """Suggest the next dosage of ``prescription`` from ``history`` under the program's
    ``rules`` (high intensity, clinic-default ceiling when None). See the module docstring for
    the rules and their order."""
    p, rules = prescription, rules or Rules()
    last = history.sessions[0] if history.sessions else Performance()
    signs = [s for s in history.neuro_signs if last.on is None or s.on >= last.on]
    triggers = [*_step_back_triggers(last), *(_sign_text(s) for s in signs)]
    if triggers:
        return _stepped_back(p, triggers, review=bool(signs))
    if not last.sets:
        return Suggestion("repeat", p.dose, "No sets logged last session: repeat the same dosage.")
    kept = (
        _effort_above_target(p, last.sets)
        or _pain_hold(p, history, rules)
        or _not_enough_data(p, last)
        or _not_done(p, last.sets)
        or _too_few_sessions(p, history, rules)
    )
    return kept or _progression(p, rules)


def _sign_text(sign: NeuroSign) -> str:
    return f"new or worse numbness or weakness reported on {sign.on.isoformat()} ({sign.what})"


def _stepped_back(p: Prescription, triggers: Sequence[str], *, review: bool) -> Suggestion:
    new, action_text = _step_back(p)
    cause = "; ".join(triggers)
    ask = (
        " Review the patient (leg strength, sensation and reflexes) before progressing again."
        if review
        else ""
    )
    return Suggestion("step_back", new, f"{cause[0].upper()}{cause[1:]}: {action_text}.{ask}")


def _keep(p: Prescription, why: Sequence[str]) -> str:
    """The reason of a kept dose: what was found, then "keep the same dosage (DOSE)"."""
    cause = "; ".join(why)
    return f"{cause[0].upper()}{cause[1:]}: keep the same dosage ({p.describe()})."


def _on(s: Performance) -> str:
    return f" on {s.on.isoformat()}" if s.on is not None else ""


def _pain_concerns(s: Performance, history: History, rules: Rules) -> list[str]:
    """Pain in session ``s`` at or above the ceiling (rule 4), or leg pain above its baseline
    (rule 5)."""
    found = []
    high = [
        f"{_pain_words(name)} was {value}/10"
        for name, value in s.pain.items()
        if value is not None and value >= rules.pain_ceiling
    ]
    if high:
        found.append(f"{join_words(high)}: at or above the pain ceiling ({rules.ceiling_text})")
    legs = [v for v in (s.leg_pain_before, s.leg_pain_after) if v is not None]
    baseline = history.leg_pain_baseline
    if baseline is not None and legs and max(legs) > baseline:
        found.append(f"leg pain of {max(legs)}/10 is above its baseline of {baseline}/10")
    return found


def _pain_rise(older: Performance, newer: Performance) -> list[str]:
    """Back or leg pain at the start of ``newer`` above the start of ``older`` (rule 6)."""
    found = []
    for where in ("back", "leg"):
        was, now = getattr(older, f"{where}_pain_before"), getattr(newer, f"{where}_pain_before")
        if was is not None and now is not None and now > was:
            found.append(
                f"{where} pain at the start of the session rose from {was}{_on(older)} "
                f"to {now}{_on(newer)}"
            )
    return found


def _pain_hold(p: Prescription, history: History, rules: Rules) -> Suggestion | None:
    """**hold** on pain in the last session: the ceiling, the baseline, a rise since the
    previous session (rules 4-6)."""
    sessions = history.sessions
    found = _pain_concerns(sessions[0], history, rules)
    if len(sessions) > 1:
        found += _pain_rise(sessions[1], sessions[0])
    return Suggestion("hold", p.dose, _keep(p, found)) if found else None


def _pain_words(name: str) -> str:
    where, _pain, when = name.split("_")
    return f"{where} pain {when} the session"


def _gaps(p: Prescription, s: Performance) -> list[str]:
    """What session ``s`` did not record that a progression needs (rule 7)."""
    missing = [f"{_pain_words(n)} was not recorded" for n, v in s.pain.items() if v is None]
    if p.dose.effort_target is not None:
        unlogged = [i for i, logged in enumerate(s.sets, 1) if logged.effort is None]
        if unlogged:
            missing.append(f"effort was not logged for {_sets_text(unlogged)}")
    return missing


def _not_enough_data(p: Prescription, last: Performance) -> Suggestion | None:
    """**repeat**: "Not enough data to progress" when the last session lacks pain or effort."""
    missing = _gaps(p, last)
    if not missing:
        return None
    return Suggestion(
        "repeat",
        p.dose,
        (
            f"Not enough data to progress: {'; '.join(missing)}. Repeat the same dosage "
            f"({p.describe()})."
        ),
    )


def _sets_text(numbers: Sequence[int]) -> str:
    """"set 3", "sets 1, 3 and 4"."""
    return f"{'set' if len(numbers) == 1 else 'sets'} {join_words([str(n) for n in numbers])}"


def _effort_above_target(p: Prescription, logged: Sequence[LoggedSet]) -> Suggestion | None:
    """**hold** when effort in any logged set was above the target."""
    target = p.dose.effort_target
    above = _efforts_above(p, logged)
    if target is None or not above:
        return None
    highest = max(e for _, e in above)
    return Suggestion(
        "hold",
        p.dose,
        (
            f"Effort reached {highest}/10 in {_sets_text([i for i, _ in above])}, above the "
            f"target of {target}/10: keep the same dosage ({p.describe()})."
        ),
    )


def _efforts_above(p: Prescription, logged: Sequence[LoggedSet]) -> list[tuple[int, int]]:
    """(set number, effort) of the sets above the effort target (none without a target)."""
    target = p.dose.effort_target
    if target is None:
        return []
    return [
        (i, s.effort) for i, s in enumerate(logged, 1) if s.effort is not None and s.effort > target
    ]


def _shortfall(p: Prescription, logged: Sequence[LoggedSet]) -> str | None:
    """"2 of 3 prescribed sets reached 12 reps" when fewer than the prescribed sets did."""
    d = p.dose
    at_top = sum(_at_top(p, s) for s in logged)
    if at_top >= d.sets:
        return None
    return f"{at_top} of {d.sets} prescribed sets reached {_target_text(d)}"


def _not_done(p: Prescription, logged: Sequence[LoggedSet]) -> Suggestion | None:
    """**repeat** when fewer than the prescribed sets reached the top (rule 8)."""
    short = _shortfall(p, logged)
    if short is None:
        return None
    return Suggestion("repeat", p.dose, f"{short}: repeat the same dosage ({p.describe()}).")


def _does_not_count(
    p: Prescription, older: Performance, newer: Performance, history: History, rules: Rules
) -> str | None:
    """Why the earlier session ``older`` does not count towards a progression (None: it
    counts): it fails rules 1-8 itself, numbness or weakness was reported after it, or pain
    rose by the session after it, ``newer`` (rule 9)."""
    gaps = _gaps(p, older)
    if gaps:
        return f"not enough data ({'; '.join(gaps)})"
    signs = [s for s in history.neuro_signs if older.on is None or s.on >= older.on]
    found = [
        *_step_back_triggers(older),
        *(_sign_text(s) for s in signs),
        *(
            [f"effort was above the target of {p.dose.effort_target}/10"]
            if _efforts_above(p, older.sets)
            else []
        ),
        *[short for short in [_shortfall(p, older.sets)] if short is not None],
        *_pain_concerns(older, history, rules),
        *_pain_rise(older, newer),
    ]
    return "; ".join(found) or None


def _done_text(p: Prescription) -> str:
    """"All 3 prescribed sets reached 12 reps at effort 6/10 or less"."""
    d = p.dose
    target = d.effort_target
    effort = f" at effort {target}/10 or less" if target is not None else ""
    sets = "The prescribed set" if d.sets == 1 else f"All {d.sets} prescribed sets"
    return f"{sets} reached {_target_text(d)}{effort}"


def _in_a_row(n: int) -> str:
    return "1 session" if n == 1 else f"{n} sessions in a row"


def _rule_text(rules: Rules) -> str:
    """The template's rule for the program's intensity, in words."""
    needed = rules.sessions_needed
    week = " (a full week)" if rules.intensity == "low" else ""
    return (
        f"{rules.intensity} intensity progresses after {needed} sessions in a row{week} at the "
        "target with no rise in pain (the template's rule, a clinic default)"
    )


def _too_few_sessions(p: Prescription, history: History, rules: Rules) -> Suggestion | None:
    """**repeat** until the target was met in the sessions in a row the intensity needs."""
    needed = rules.sessions_needed
    sessions = history.sessions[:needed]
    run, why = 1, None
    for newer, older in pairwise(sessions):
        why = _does_not_count(p, older, newer, history, rules)
        if why is not None:
            break
        run += 1
    if run >= needed:
        return None
    if why is not None:
        when = sessions[run].on
        dated = f" ({when.isoformat()})" if when is not None else ""
        earlier = f"the session before{dated} does not count: {why}"
    else:
        earlier = "no earlier session of this exercise is logged"
    return Suggestion(
        "repeat",
        p.dose,
        (
            f"{_done_text(p)} in {_in_a_row(run)}, but {_rule_text(rules)} and {earlier}. "
            f"Repeat the same dosage ({p.describe()})."
        ),
    )


def _progression(p: Prescription, rules: Rules) -> Suggestion:
    """**progress** by the first step that applies, or **repeat** when none does."""
    d = p.dose
    done = (
        f"{_done_text(p)} in {rules.sessions_needed} sessions in a row with no rise in pain "
        f"(the template's rule for {rules.intensity} intensity, a clinic default)"
    )
    step = _progress(p, rules)
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
