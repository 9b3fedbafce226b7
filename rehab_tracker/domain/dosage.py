"""The exercise dose: one :class:`Dosage`, one limits table, one validator.

Everything that holds, checks or shows how much of an exercise a patient does uses this module:
the exercise library and the program templates (their default doses), the program builder and
the library editor (their spin-box ranges come from :data:`LIMITS`), the progression engine (its
input and output), the session form (the upper bounds of a logged set) and the handout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final

from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.numbers import is_int, is_number
from rehab_tracker.domain.units import format_duration, format_number

DOSAGE_TYPES: Final = ("reps", "hold", "distance", "time")


@dataclass(frozen=True, slots=True)
class Limit:
    """The range of one dose field: ``minimum`` to ``maximum`` in ``unit``.

    ``above_minimum`` means the minimum itself is refused (a hold of 0 s is no hold).
    """

    minimum: float
    maximum: float
    whole: bool
    unit: str
    above_minimum: bool = False

    def allows(self, value: object) -> bool:
        if self.whole and not is_int(value):
            return False
        if not is_number(value):
            return False
        low_ok = value > self.minimum if self.above_minimum else value >= self.minimum
        return low_ok and value <= self.maximum

    def describe(self) -> str:
        """``a whole number from 1 to 20``, ``a number greater than 0, at most 600 s``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.above_minimum:
            return f"a number greater than {_n(self.minimum)}, at most {_n(self.maximum)}{unit}"
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {_n(self.minimum)} to {_n(self.maximum)}{unit}"


#: The one limits table of a dose (a logged set uses the same maxima, from 0).
LIMITS: Final[Mapping[str, Limit]] = {
    "sets": Limit(1, 20, whole=True, unit=""),
    "reps_min": Limit(1, 200, whole=True, unit=""),
    "reps_max": Limit(1, 200, whole=True, unit=""),
    "hold_seconds": Limit(0, 600, whole=False, unit="s", above_minimum=True),
    "distance_m": Limit(0, 10_000, whole=False, unit="m", above_minimum=True),
    "duration_s": Limit(0, 4 * 3600, whole=False, unit="s", above_minimum=True),
    "load_kg": Limit(0, 500, whole=False, unit="kg"),
    "effort_target": Limit(0, 10, whole=True, unit=""),
}

# Which measured fields each dosage type requires, allows, and refuses.
MEASURE_FIELDS: Final = ("reps_min", "reps_max", "hold_seconds", "distance_m", "duration_s")
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "reps": ("reps_min", "reps_max"),
    "hold": ("hold_seconds",),
    "distance": ("distance_m",),
    "time": ("duration_s",),
}
# Beyond the required ones; a hold may say how many holds make a set (reps_min/reps_max).
_OPTIONAL: Final[Mapping[str, tuple[str, ...]]] = {
    "reps": (),
    "hold": ("reps_min", "reps_max"),
    "distance": (),
    "time": (),
}
LOAD_TYPES: Final = frozenset({"reps", "hold"})

#: The progression steps, and which of them make sense for each dosage type.
STEP_FIELDS: Final = (
    "load_step_kg",
    "reps_step",
    "hold_step_s",
    "distance_step_m",
    "duration_step_s",
)
STEPS_ALLOWED: Final[Mapping[str, frozenset[str]]] = {
    "reps": frozenset({"load_step_kg", "reps_step"}),
    "hold": frozenset({"load_step_kg", "reps_step", "hold_step_s"}),
    "distance": frozenset({"distance_step_m"}),
    "time": frozenset({"duration_step_s"}),
}


def fitting_fields(dosage_type: str) -> tuple[str, ...]:
    """The dose fields a dose of ``dosage_type`` may fill, in :class:`Dosage` order."""
    fits = {"sets", *_REQUIRED.get(dosage_type, ()), *_OPTIONAL.get(dosage_type, ())}
    fits.add("effort_target")
    if dosage_type in LOAD_TYPES:
        fits.add("load_kg")
    return tuple(name for name in DOSE_FIELDS if name in fits)


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of one exercise in one session (SI units).

    Only the fields that fit ``dosage_type`` are set: ``reps`` uses reps_min/reps_max; ``hold``
    uses hold_seconds (and optionally reps_min/reps_max holds per set); ``distance`` uses
    distance_m; ``time`` uses duration_s. ``load_kg`` is None for body weight or when the therapist
    sets it per patient; ``effort_target`` is a plain 0-10 effort number. Building one checks
    nothing: :func:`dosage_errors` does.
    """

    dosage_type: str
    sets: int
    reps_min: int | None = None
    reps_max: int | None = None
    hold_seconds: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    load_kg: float | None = None
    effort_target: int | None = None

    def describe(self) -> str:
        """A short human-readable dose, e.g. ``3 x 8-12`` or ``2 x 6 x 10 s hold``."""
        return describe_dose(**dose_fields(self))

    def plain_words(self) -> str:
        """The dose as a patient reads it on the home sheet."""
        sets = "1 set" if self.sets == 1 else f"{self.sets} sets"
        reps = ""
        if self.reps_min is not None:
            high = self.reps_max if self.reps_max is not None else self.reps_min
            reps = f"{self.reps_min}" if high == self.reps_min else f"{self.reps_min} to {high}"
        if self.dosage_type == "reps":
            text = f"{sets} of {reps} repetitions"
        elif self.dosage_type == "hold":
            hold = f"{format_number(self.hold_seconds or 0)} seconds"
            text = (
                f"{sets} of {reps} holds, each held for {hold}"
                if reps
                else f"{sets}, hold for {hold}"
            )
        elif self.dosage_type == "distance":
            text = f"{sets} of {format_number(self.distance_m or 0)} metres"
        else:
            minutes = (self.duration_s or 0) / 60
            text = f"{sets} of {format_number(minutes)} minutes"
        if self.load_kg:
            text += f" with {format_number(self.load_kg, 2)} kg"
        if self.effort_target is not None:
            text += f"; effort about {self.effort_target} out of 10"
        return text


#: the names of a dose's fields, in order
DOSE_FIELDS: Final = tuple(f.name for f in fields(Dosage))


def minimal_dosage(dosage_type: str) -> Dosage:
    """A small valid dose of a type, for an exercise whose library entry gives none."""
    if dosage_type == "hold":
        return Dosage("hold", 1, hold_seconds=10.0)
    if dosage_type == "distance":
        return Dosage("distance", 1, distance_m=100.0)
    if dosage_type == "time":
        return Dosage("time", 1, duration_s=300.0)
    return Dosage("reps", 1, reps_min=8, reps_max=10)


@dataclass(frozen=True, slots=True)
class ProgressionStep:
    """How to make the exercise harder once the current dose is done well.

    Each step is added when the therapist progresses the patient; ``None`` means that dimension
    does not progress. ``note`` says in plain words when and how.
    """

    note: str = ""
    load_step_kg: float | None = None
    reps_step: int | None = None
    hold_step_s: float | None = None
    distance_step_m: float | None = None
    duration_step_s: float | None = None


def dose_fields(dose: Dosage) -> dict[str, Any]:
    """The fields of ``dose`` as a dict (describe_dose's keywords, dosage_errors' input)."""
    return {name: getattr(dose, name) for name in DOSE_FIELDS}


def describe_dose(
    dosage_type: str,
    sets: int,
    *,
    reps_min: int | None = None,
    reps_max: int | None = None,
    hold_seconds: float | None = None,
    distance_m: float | None = None,
    duration_s: float | None = None,
    load_kg: float | None = None,
    effort_target: int | None = None,
) -> str:
    """The one short dose text (library defaults, prescriptions, progression suggestions):
    ``3 x 8-12 @ 20 kg``, ``2 x 6 x 10 s hold``, ``1 x 400 m``, ``1 x 10 min``, with
    ``, effort 5/10`` when an effort target is given. A load of 0 (body weight) is not shown;
    a missing number shows as ``?``."""
    reps = range_text(reps_min, reps_max) if reps_min is not None else ""
    if dosage_type == "reps":
        text = f"{sets} x {reps or '?'}"
    elif dosage_type == "hold":
        hold = f"{_amount(hold_seconds)} s hold"
        text = f"{sets} x {reps} x {hold}" if reps else f"{sets} x {hold}"
    elif dosage_type == "distance":
        text = f"{sets} x {_amount(distance_m)} m"
    else:
        text = f"{sets} x {'?' if duration_s is None else format_duration(duration_s)}"
    if load_kg:
        text += f" @ {format_number(load_kg, 2)} kg"
    if effort_target is not None:
        text += f", effort {effort_target}/10"
    return text


# --------------------------------------------------------------------------------- validation


def infer_dosage_type(d: Mapping[str, Any]) -> str | None:
    """Guess the dosage type from which measured fields a dose dict fills (None if it can't)."""
    explicit = d.get("dosage_type")
    if isinstance(explicit, str):
        return explicit
    if d.get("hold_seconds") is not None:
        return "hold"
    if d.get("distance_m") is not None:
        return "distance"
    if d.get("duration_s") is not None:
        return "time"
    if d.get("reps_min") is not None or d.get("reps_max") is not None:
        return "reps"
    return None


@dataclass(frozen=True, slots=True)
class _DoseCheck:
    """Where one dose's errors go: the collector, the key prefix and who the message names."""

    col: Collector
    prefix: str
    who: str

    def add(self, name: str, message: str) -> None:
        self.col.add(self.prefix + name, f"{self.who}: {message}")

    def within(self, name: str, value: object) -> bool:
        """Whether ``value`` is inside the field's :data:`LIMITS`; records the error if not."""
        limit = LIMITS[name]
        ok = limit.allows(value)
        if not ok:
            self.add(name, f"{name} must be {limit.describe()}.")
        return ok


def dosage_errors(
    d: object, dosage_type: str | None, *, prefix: str = "", who: str = "dosage"
) -> tuple[Dosage | None, dict[str, str]]:
    """Check one dose dict against :data:`LIMITS`; return the Dosage (None when invalid) and
    the field errors.

    ``dosage_type`` None means: take it from the dict (``dosage_type`` key) or from which fields are
    filled. A None value is a field not given. Field names in the errors are ``prefix + field`` so a
    caller can nest them. A :class:`Dosage` is checked as
    ``dosage_errors(dose_fields(dose), None)``.
    """
    col = Collector()
    if not isinstance(d, Mapping):
        col.add(prefix.rstrip(".") or "dosage", f"{who}: the dose must be an object.")
        return None, col.errors
    check = _DoseCheck(col, prefix, who)
    _check_unknown_fields(check, d)
    dosage_type = _checked_type(check, d, dosage_type)
    if dosage_type is None:
        return None, col.errors
    sets = _checked_sets(check, d.get("sets"))
    values = _checked_measures(check, d, dosage_type)
    _check_reps_range(check, values)
    load = _checked_load(check, d.get("load_kg"), dosage_type)
    effort = d.get("effort_target")
    if effort is not None:
        check.within("effort_target", effort)
    if col.errors:
        return None, col.errors
    assert isinstance(sets, int)
    return (
        Dosage(
            dosage_type=dosage_type,
            sets=sets,
            reps_min=values.get("reps_min"),
            reps_max=values.get("reps_max"),
            hold_seconds=values.get("hold_seconds"),
            distance_m=values.get("distance_m"),
            duration_s=values.get("duration_s"),
            load_kg=load,
            effort_target=effort,
        ),
        {},
    )


def _check_unknown_fields(check: _DoseCheck, d: Mapping[Any, Any]) -> None:
    unknown = sorted(str(k) for k in d if k not in DOSE_FIELDS)
    if unknown:
        check.add(unknown[0], f"unknown dose field(s): {', '.join(unknown)}.")


def _checked_type(check: _DoseCheck, d: Mapping[str, Any], dosage_type: str | None) -> str | None:
    """The dose's type: the one given (which the dict must not contradict) or the inferred one;
    None (with the error recorded) when it is unknown or not a dosage type."""
    given_type = d.get("dosage_type")
    if dosage_type is None:
        dosage_type = infer_dosage_type(d)
        if dosage_type is None:
            check.add(
                "dosage_type",
                "cannot tell the dosage type; give reps, hold_seconds, distance_m or duration_s.",
            )
            return None
    elif given_type is not None and given_type != dosage_type:
        check.add(
            "dosage_type",
            f"dosage type {given_type!r} does not match the exercise's {dosage_type!r}.",
        )
    if dosage_type not in DOSAGE_TYPES:
        check.add(
            "dosage_type",
            f"dosage type must be one of {', '.join(DOSAGE_TYPES)} (got {dosage_type!r}).",
        )
        return None
    return dosage_type


def _checked_sets(check: _DoseCheck, sets: object) -> object:
    """``sets`` when it is given and within its limits, else None (the error recorded)."""
    if sets is None:
        check.add("sets", f"sets must be {LIMITS['sets'].describe()}.")
        return None
    return sets if check.within("sets", sets) else None


def _checked_measures(
    check: _DoseCheck, d: Mapping[str, Any], dosage_type: str
) -> dict[str, Any]:
    """The measured fields the type requires or allows, each within its limits."""
    required = _REQUIRED[dosage_type]
    allowed = set(required) | set(_OPTIONAL[dosage_type])
    values: dict[str, Any] = {}
    for name in MEASURE_FIELDS:
        value = d.get(name)
        if value is None:
            if name in required:
                check.add(name, f"a {dosage_type!r} dose needs {name}.")
        elif name not in allowed:
            check.add(
                name, f"{name} does not belong to a {dosage_type!r} dose; leave it out or null."
            )
        elif check.within(name, value):
            values[name] = value
    return values


def _check_reps_range(check: _DoseCheck, values: Mapping[str, Any]) -> None:
    """reps_min and reps_max come together, the low end not above the high end."""
    errors = check.col.errors
    reps_checked = check.prefix + "reps_min" in errors or check.prefix + "reps_max" in errors
    if ("reps_min" in values) != ("reps_max" in values) and not reps_checked:
        missing = "reps_max" if "reps_min" in values else "reps_min"
        check.add(missing, "give both reps_min and reps_max, or neither.")
    if "reps_min" in values and "reps_max" in values and values["reps_min"] > values["reps_max"]:
        check.add("reps_max", "reps_max must not be less than reps_min.")


def _checked_load(check: _DoseCheck, load: Any, dosage_type: str) -> Any:
    """The load as given; an error when a type without load has one or it is out of limits."""
    if load is not None:
        if dosage_type not in LOAD_TYPES:
            check.add("load_kg", f"a {dosage_type!r} dose has no load; use null.")
        else:
            check.within("load_kg", load)
    return load


def parse_dosage(d: Mapping[str, Any], dosage_type: str | None = None) -> Dosage:
    """One dose dict to a :class:`Dosage`; raises :class:`ValidationError`."""
    dosage, errors = dosage_errors(d, dosage_type)
    if dosage is None:
        raise ValidationError(errors)
    return dosage


def step_errors(
    d: Mapping[str, Any], dosage_type: str | None, *, prefix: str = "", who: str = "progression"
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the progression steps of a dict (other keys are ignored): each a number of 0 or
    more, ``reps_step`` whole. With a ``dosage_type``, a step that does not fit it is refused.

    Returns the steps given (name -> value) and the errors keyed ``prefix + step``.
    """
    col = Collector()
    steps: dict[str, Any] = {}
    for name in STEP_FIELDS:
        value = d.get(name)
        if value is None:
            continue
        key = prefix + name
        if dosage_type is not None and name not in STEPS_ALLOWED.get(dosage_type, frozenset()):
            col.add(key, f"{who}: {name} does not fit a {dosage_type!r} exercise; use null.")
        elif name == "reps_step" and not is_int(value):
            col.add(key, f"{who}: reps_step must be a whole number.")
        elif not is_number(value) or value < 0:
            col.add(key, f"{who}: {name} must be a number of 0 or more.")
        else:
            steps[name] = value
    return steps, col.errors


def dosage_to_dict(dosage: Dosage, *, include_type: bool = False) -> dict[str, Any]:
    """The file form of a dose: only the fields its type uses (plus load and effort)."""
    out: dict[str, Any] = {}
    if include_type:
        out["dosage_type"] = dosage.dosage_type
    out["sets"] = dosage.sets
    for name in MEASURE_FIELDS:
        value = getattr(dosage, name)
        if value is not None:
            out[name] = value
    if dosage.dosage_type in LOAD_TYPES:
        out["load_kg"] = dosage.load_kg
    out["effort_target"] = dosage.effort_target
    return out


# ---------------------------------------------------------------------------------- helpers


def _n(value: float) -> str:
    return format_number(value)


def _amount(value: float | None) -> str:
    return "?" if value is None else format_number(value)


def range_text(low: int | None, high: int | None) -> str:
    """``8-12``, ``10`` when both ends are equal or there is no top, ``?`` when unknown."""
    if low is None:
        return "?"
    if high is None or high == low:
        return str(low)
    return f"{low}-{high}"

