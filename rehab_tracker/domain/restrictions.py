"""Early post-operative restrictions: which limits exist, when one applies, what it forbids.

Surgeons often ask patients to avoid lifting more than about 4-5 kg, bending or twisting, and
long sitting in the first weeks after a micro-discectomy. Practice varies between surgeons and
the evidence behind the exact rules is weak (CLINICAL.md, "What a session records"), so the app
holds them per patient, each with the date it ends, exactly as the surgeon gave them; nothing
here is a published threshold.

What a restriction rules out comes from the exercise library: an exercise lists the movements it
involves (``movements`` in ``resources/exercises.json``, :data:`MOVEMENTS`). A dose is checked by
:func:`check_dose`; a progression suggestion passes through :func:`cap_suggestion`, so no
suggestion ever goes past an active restriction:

- lifting limit: the external load of a dose (``load_kg``, free weights and machines alike: a
  clinic default, safe first) is at most the limit;
- sitting limit: a time-dosed exercise done sitting lasts at most the limit per bout (per set);
- no loaded forward bending / no twisting: an exercise whose library entry lists that movement
  is not suggested at all while the restriction lasts ("hold" with the reason: pause it or
  choose another exercise);
- free text: shown wherever the program is, checked by the therapist (nothing to compute).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from rehab_tracker.domain import bounds
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.numbers import is_number
from rehab_tracker.domain.progression import Action, Suggestion, raises_dose
from rehab_tracker.domain.units import format_duration, format_number

#: the movements an exercise of the library can list, with what each means in plain words
MOVEMENTS: Final[Mapping[str, str]] = {
    "loaded_flexion": "bends the low back forward while it carries a load",
    "rotation": "twists the trunk or resists a twisting force",
    "sitting": "is done sitting",
}

MAX_DETAIL: Final = 400
MAX_SET_BY: Final = 100
_TOL: Final = 1e-9


@dataclass(frozen=True, slots=True)
class RestrictionKind:
    """One kind of restriction: its code, plain label, unit and limit range (when it has one),
    and the library movement it rules out (when it does)."""

    code: str
    label: str
    unit: str = ""
    has_limit: bool = False
    low: float = 0.0
    high: float = 0.0
    whole: bool = False
    movement: str | None = None


KINDS: Final[Mapping[str, RestrictionKind]] = {
    k.code: k
    for k in (
        RestrictionKind("lifting", "Lifting limit", "kg", has_limit=True, low=0, high=50),
        RestrictionKind(
            "no_loaded_flexion", "No loaded forward bending", movement="loaded_flexion"
        ),
        RestrictionKind("no_twisting", "No twisting", movement="rotation"),
        RestrictionKind(
            "sitting", "Sitting limit", "min", has_limit=True, low=5, high=240, whole=True,
            movement="sitting",
        ),
        RestrictionKind("other", "Other (free text)"),
    )
}


@dataclass(frozen=True, slots=True)
class Restriction:
    """One restriction of one patient: active from ``starts_on`` to ``until``, both inclusive.

    ``limit`` is in the kind's unit (kg, minutes) and only for a kind that has one; ``detail``
    is the surgeon's words (required for "other"); ``set_by`` who gave it.
    """

    kind: str
    until: dt.date | None
    limit: float | None = None
    detail: str = ""
    starts_on: dt.date | None = None
    set_by: str = "surgeon"
    id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        known = KINDS.get(self.kind)
        return known.label if known is not None else self.kind

    def describe(self) -> str:
        """Screen text: ``Lifting limit 5 kg until 2026-12-20 (surgeon)``."""
        known = KINDS.get(self.kind)
        what = self.label
        if known is not None and known.has_limit and self.limit is not None:
            what = f"{what} {format_number(self.limit)} {known.unit}"
        if self.detail.strip():
            what = f"{what}: {self.detail.strip()}" if self.kind != "other" else self.detail.strip()
        until = f" until {self.until.isoformat()}" if self.until is not None else ""
        by = f" ({self.set_by.strip()})" if self.set_by.strip() else ""
        return f"{what}{until}{by}"

    def plain_words(self) -> str:
        """The home sheet's sentence, in patient-friendly words."""
        until = f" until {_long_date(self.until)}" if self.until is not None else ""
        limit = format_number(self.limit or 0)
        texts = {
            "lifting": (
                f"Do not lift anything heavier than {limit} kg{until}."
                if self.limit
                else f"Do not lift any weights{until}."
            ),
            "no_loaded_flexion": f"Do not bend forward while lifting or holding something{until}.",
            "no_twisting": f"Avoid twisting your back{until}.",
            "sitting": f"Do not sit for longer than {limit} minutes at a time{until}.",
        }
        text = texts.get(self.kind, f"{self.detail.strip().rstrip('.')}{until}.")
        if self.kind != "other" and self.detail.strip():
            text = f"{text} {self.detail.strip()}"
        return text


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def active_on(restrictions: Iterable[Restriction], day: dt.date) -> tuple[Restriction, ...]:
    """The restrictions in force on ``day``: started (or no start given) and not yet ended."""
    return tuple(
        r
        for r in restrictions
        if (r.starts_on is None or r.starts_on <= day) and (r.until is None or day <= r.until)
    )


def in_force_between(
    restrictions: Iterable[Restriction], first: dt.date, last: dt.date
) -> tuple[Restriction, ...]:
    """The restrictions in force on at least one day from ``first`` to ``last`` (inclusive):
    what a phase of a new program, planned for those dates, has to respect."""
    return tuple(
        r
        for r in restrictions
        if (r.starts_on is None or r.starts_on <= last) and (r.until is None or first <= r.until)
    )


# ---------------------------------------------------------------------------------- validation


def restriction_errors(
    r: Restriction,
    prefix: str = "",
    *,
    today: dt.date | None = None,
    date_of_birth: dt.date | None = None,
) -> dict[str, str]:
    """The field errors of one restriction (keys ``prefix`` + kind, limit, until, detail,
    set_by): a known kind; a limit inside its range exactly when the kind has one; an end date,
    not before the start; the free text a kind "other" needs, within its length; one line each,
    without control characters; with ``today``, dates within the planned bounds
    (:func:`rehab_tracker.domain.bounds.check_planned_date`), not before ``date_of_birth``."""
    c = Collector()
    _check_bounds(r, prefix, c, today, date_of_birth)
    kind = KINDS.get(r.kind)
    if kind is None:
        c.add(prefix + "kind", f"Choose one of: {', '.join(k.label for k in KINDS.values())}.")
    elif kind.has_limit:
        _check_limit(c, prefix, kind, r.limit)
    elif r.limit is not None:
        c.add(prefix + "limit", f"{kind.label} has no limit value; leave it empty.")
    if r.until is None:
        c.add(prefix + "until", "Enter the date the restriction ends (ask the surgeon's team).")
    elif r.starts_on is not None and r.until < r.starts_on:
        c.add(
            prefix + "until",
            f"The end date cannot be before the start ({r.starts_on.isoformat()}).",
        )
    if r.kind == "other" and not r.detail.strip():
        c.add(prefix + "detail", "Write the restriction in the surgeon's words.")
    if len(r.detail.strip()) > MAX_DETAIL:
        c.add(prefix + "detail", f"At most {MAX_DETAIL} characters.")
    if len(r.set_by.strip()) > MAX_SET_BY:
        c.add(prefix + "set_by", f"At most {MAX_SET_BY} characters.")
    return c.errors


def _check_bounds(
    r: Restriction, prefix: str, c: Collector, today: dt.date | None, born: dt.date | None
) -> None:
    """The texts one line each without control characters; with ``today``, the dates within
    the planned bounds (and not before the birth, when known)."""
    bounds.check_text(c, prefix + "detail", r.detail, limit=MAX_DETAIL)
    bounds.check_text(c, prefix + "set_by", r.set_by, limit=MAX_SET_BY)
    if today is not None:
        for name, what in (("starts_on", "The start"), ("until", "The end date")):
            bounds.check_planned_date(
                c, prefix + name, getattr(r, name), today=today, date_of_birth=born, what=what
            )


def _check_limit(c: Collector, prefix: str, kind: RestrictionKind, limit: object) -> None:
    ok = (
        is_number(limit)
        and kind.low <= limit <= kind.high
        and (not kind.whole or float(limit).is_integer())
    )
    if not ok:
        number = "a whole number" if kind.whole else "a number"
        c.add(
            prefix + "limit",
            f"{kind.label} must be {number} from {format_number(kind.low)} to "
            f"{format_number(kind.high)} {kind.unit}.",
        )


def restrictions_errors(
    items: Sequence[Restriction],
    *,
    today: dt.date | None = None,
    date_of_birth: dt.date | None = None,
) -> dict[str, str]:
    """Every problem of a patient's list, keyed ``restrictions[i].<field>``."""
    c = Collector()
    for i, r in enumerate(items):
        prefix = f"restrictions[{i}]."
        c.add_all(restriction_errors(r, prefix, today=today, date_of_birth=date_of_birth))
    return c.errors


# ------------------------------------------------------------------------------- checking doses


@dataclass(frozen=True, slots=True)
class ExerciseFacts:
    """What a restriction check needs of an exercise: its name and its library movements."""

    name: str
    movements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Breach:
    """A dose that goes past an active restriction: which one, and how, in one sentence."""

    restriction: Restriction
    message: str


def check_dose(
    exercise: ExerciseFacts, dose: Dosage, active: Iterable[Restriction]
) -> list[Breach]:
    """The active restrictions ``dose`` of ``exercise`` goes past (empty: it respects them all)."""
    out: list[Breach] = []
    for r in active:
        message = _breach(exercise, dose, r)
        if message is not None:
            out.append(Breach(r, f"{r.describe()}: {message}"))
    return out


def _breach(exercise: ExerciseFacts, dose: Dosage, r: Restriction) -> str | None:
    kind = KINDS.get(r.kind)
    if kind is None or (kind.has_limit and r.limit is None):
        return None
    if r.kind == "lifting":
        load = dose.load_kg or 0.0
        over = r.limit is not None and load > r.limit + _TOL
        return f"{exercise.name} is dosed at {format_number(load, 2)} kg." if over else None
    if kind.movement is None or kind.movement not in exercise.movements:
        return None
    if r.kind == "sitting":
        return _sitting_breach(exercise, dose, r.limit)
    return f"{exercise.name} {MOVEMENTS[kind.movement]}."


def _sitting_breach(exercise: ExerciseFacts, dose: Dosage, minutes: float | None) -> str | None:
    """A time-dosed exercise done sitting, one bout (set) longer than the limit."""
    bout = dose.duration_s if dose.dosage_type == "time" else None
    if bout is None or minutes is None or bout <= minutes * 60 + _TOL:
        return None
    return f"{exercise.name} is done sitting for {format_duration(bout)} a bout."


def within_limits(dose: Dosage, active: Iterable[Restriction], exercise: ExerciseFacts) -> Dosage:
    """``dose`` with its load and sitting time brought down to the active limits (a dose
    already within them is returned as it is)."""
    for r in active:
        if r.limit is None:
            continue
        if r.kind == "lifting" and (dose.load_kg or 0) > r.limit + _TOL:
            dose = replace(dose, load_kg=float(r.limit))
        elif (
            r.kind == "sitting"
            and "sitting" in exercise.movements
            and dose.dosage_type == "time"
            and (dose.duration_s or 0) > r.limit * 60 + _TOL
        ):
            dose = replace(dose, duration_s=float(r.limit) * 60)
    return dose


def cap_suggestion(
    exercise: ExerciseFacts,
    current: Dosage,
    suggestion: Suggestion,
    active: Sequence[Restriction],
) -> Suggestion:
    """The suggestion with every active restriction applied; unchanged when it breaches none.

    A load or sitting time past a limit is brought down to it: the suggestion stays a progress
    when it still raises the current dose, becomes a step back when the current dose itself is
    past the limit, and a hold otherwise. An exercise whose movement a restriction rules out is
    a hold at (at most) the current dose, whatever the rules suggested. The reason starts with
    the restriction that decided it.
    """
    breaches = check_dose(exercise, suggestion.dosage, active)
    if not breaches:
        return suggestion
    names = "; ".join(b.restriction.describe() for b in breaches)
    movement = [b for b in breaches if b.restriction.kind in ("no_loaded_flexion", "no_twisting")]
    if movement:
        dose = within_limits(current, active, exercise)
        return Suggestion(
            "hold",
            dose,
            (
                f"Hold: {names}. {exercise.name} {_movement_words(movement)}: pause it or "
                "choose another exercise until the restriction ends (the rules had suggested "
                f"{suggestion.action.replace('_', ' ')})."
            ),
        )
    dose = within_limits(suggestion.dosage, active, exercise)
    action: Action
    if raises_dose(current, dose):
        action, word = "progress", "Progress, capped"
    elif raises_dose(dose, current):
        action, word = "step_back", "Step back"
    else:
        action, word = "hold", "Hold"
    return Suggestion(
        action,
        dose,
        (
            f"{word}: {names}. {_capped_words(suggestion.dosage, dose)} "
            f"(the rules had suggested: {suggestion.reason})"
        ),
    )


def _movement_words(breaches: Sequence[Breach]) -> str:
    kinds = {KINDS[b.restriction.kind].movement for b in breaches}
    return " and ".join(MOVEMENTS[m] for m in sorted(k for k in kinds if k is not None))


def _capped_words(wanted: Dosage, dose: Dosage) -> str:
    parts = []
    if (wanted.load_kg or 0) != (dose.load_kg or 0):
        parts.append(f"load {format_number(dose.load_kg or 0, 2)} kg")
    if (wanted.duration_s or 0) != (dose.duration_s or 0):
        parts.append(f"{format_duration(dose.duration_s or 0)} a bout")
    return f"Kept to the limit: {', '.join(parts)}."
