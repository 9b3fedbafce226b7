"""The checks of what a therapist hands the program service: a dose, an edited program.

Every check is the domain's (:func:`rehab_tracker.domain.dosage.dosage_errors`); these gather
the problems keyed by the builder's fields (``phases[0].items[2].reps_max``) in one
:class:`~rehab_tracker.domain.errors.ValidationError`.
"""

from __future__ import annotations

import datetime as dt
import itertools

from rehab_tracker.domain import bounds
from rehab_tracker.domain.dosage import Dosage, dosage_errors, dose_fields
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.library import SLUG_RE, ExerciseSpec
from rehab_tracker.services.programs.types import ProgramDraft


def validate_dosage(d: Dosage, *, who: str = "dosage") -> None:
    """Raise :class:`ValidationError` keyed by field when the dose is not valid (the domain's
    one dose check, :func:`rehab_tracker.domain.dosage.dosage_errors`)."""
    _dose, errors = dosage_errors(dose_fields(d), None, who=who)
    if errors:
        raise ValidationError(errors)


def validate_draft(
    draft: ProgramDraft,
    library: dict[str, ExerciseSpec],
    known: set[str],
    *,
    today: dt.date | None = None,
) -> None:
    """Raise ValidationError for every problem of an edited program: phase names, dates and
    weeks, unknown or repeated exercises, doses of the wrong type or out of range, phases
    that overlap, texts their columns cannot hold and (with ``today``) dates past the planned
    bounds. ``known`` are the exercise codes in the database (retired ones too)."""
    c = Collector()
    _draft_bounds(draft, c, today)
    for i, phase in enumerate(draft.phases):
        key = f"phases[{i}]"
        c.check(bool(phase.name.strip()), f"{key}.name", "The phase needs a name.")
        c.check(
            phase.start_date <= phase.end_date,
            f"{key}.end_date",
            "The phase cannot end before it starts.",
        )
        c.check(
            1 <= phase.start_week <= phase.end_week,
            f"{key}.end_week",
            "Weeks must run from 1 upwards, the last not before the first.",
        )
        seen: set[str] = set()
        for j, item in enumerate(phase.items):
            ikey = f"{key}.items[{j}]"
            if item.exercise_code not in library and item.exercise_code not in known:
                c.add(f"{ikey}.exercise", f"Exercise {item.exercise_code!r} is unknown.")
                continue
            if item.exercise_code in seen:
                c.add(
                    f"{ikey}.exercise",
                    f"{item.exercise_name or item.exercise_code} is listed twice in {phase.name}.",
                )
            seen.add(item.exercise_code)
            spec = library.get(item.exercise_code)
            if spec is not None and spec.dosage_type != item.dosage.dosage_type:
                c.add(
                    f"{ikey}.dosage_type",
                    f"{spec.name} is dosed by {spec.dosage_type}, not {item.dosage.dosage_type}.",
                )
            _dose, errors = dosage_errors(
                dose_fields(item.dosage),
                None,
                prefix=f"{ikey}.",
                who=item.exercise_name or item.exercise_code,
            )
            c.add_all(errors)
    for i, (a, b) in enumerate(itertools.pairwise(draft.phases)):
        c.check(
            b.start_date > a.end_date,
            f"phases[{i + 1}].start_date",
            f"{b.name} must start after {a.name} ends ({a.end_date.isoformat()}).",
        )
    c.raise_if_any()


def _draft_bounds(draft: ProgramDraft, c: Collector, today: dt.date | None) -> None:
    """Phase names one line within their column, notes without control characters, phase
    dates within :mod:`rehab_tracker.domain.bounds` (planned: from ``today``, when given)."""
    for i, phase in enumerate(draft.phases):
        key = f"phases[{i}]"
        bounds.check_text(c, f"{key}.name", phase.name, limit=bounds.LABEL)
        for name in ("start_date", "end_date"):
            value = getattr(phase, name)
            if today is None:
                bounds.check_past_date(c, f"{key}.{name}", value, date_of_birth=None)
            else:
                bounds.check_planned_date(c, f"{key}.{name}", value, today=today)
        for j, item in enumerate(phase.items):
            bounds.check_notes(c, f"{key}.items[{j}].notes", item.notes)


def check_template_name(code: str, name: str) -> None:
    """Raise ValidationError when a new clinic template's code or name is not usable."""
    c = Collector()
    c.check(
        SLUG_RE.fullmatch(code or "") is not None and len(code) <= 64,
        "code",
        "The code must be lower-case letters and digits joined by '-' or '_'.",
    )
    c.check(bool((name or "").strip()), "name", "The template needs a name.")
    bounds.check_text(c, "name", name, limit=bounds.LABEL)
    c.raise_if_any()
